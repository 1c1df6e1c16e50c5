// Page entry: the UI (src/ui/) around a Machine (src/vmm/). Boots on load, no click needed;
// an address with ?bench=… opens the placement benchmark instead (bench=1 runs it).
import './ui/styles.css';
import { App } from './ui/app.ts';
import { BenchPanel } from './ui/bench-panel.ts';
import { isBenchQuery } from './bench/plan.ts';

const app = new App(document.body);
const bench = new BenchPanel(document.body, app);

/**
 * For tests and for poking at the machine from the devtools console; e.g.
 * seoulweb.machine.debugCrash(1, 'throw') kills vCPU 1's worker (the page must then show the error).
 */
declare global {
  interface Window { seoulweb: App; seoulwebBench: BenchPanel }
}
window.seoulweb = app;
window.seoulwebBench = bench;

if (isBenchQuery(location.search)) {
  void app.start({ boot: false, query: '' }).then(() => bench.start(location.search)).then((run) => {
    if (run) void bench.run(bench.readPlan());
  });
} else {
  void app.start();
  void bench.start('');
}
