// Page entry: the UI (src/ui/) around a Machine (src/vmm/). Boots on load, no click needed.
import './ui/styles.css';
import { App } from './ui/app.ts';

const app = new App(document.body);

/**
 * For tests and for poking at the machine from the devtools console; e.g.
 * seoulweb.machine.debugCrash(1, 'throw') kills vCPU 1's worker (the page must then show the error).
 */
declare global {
  interface Window { seoulweb: App }
}
window.seoulweb = app;

void app.start();
