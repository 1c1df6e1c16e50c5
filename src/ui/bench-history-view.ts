// The benchmark history on the page: past runs (date, environment, the table's row) kept in
// IndexedDB (idb-keyval, key "bench:history"), newest first; show one, delete one, clear all.
import { addToHistory, removeFromHistory, sanitizeHistory, type HistoryEntry } from '../bench/history.ts';
import { baseline, cellText, type BenchReport } from '../bench/table.ts';
import { cellLabel } from '../bench/placement.ts';
import { loadValue, saveValue } from './storage.ts';

export const HISTORY_KEY = 'bench:history';

export class BenchHistoryView {
  entries: HistoryEntry[] = [];
  private readonly list: HTMLOListElement;
  private readonly count: HTMLElement;

  constructor(private readonly box: HTMLElement, private readonly pick: (r: BenchReport) => void) {
    this.list = box.querySelector('ol')!;
    this.count = box.querySelector('.count')!;
    box.querySelector('[data-history="clear"]')!.addEventListener('click', () => void this.clear());
  }

  async load(): Promise<void> {
    this.entries = sanitizeHistory(await loadValue(HISTORY_KEY));
    this.render();
  }

  async add(r: BenchReport): Promise<void> {
    // Another tab may have added runs meanwhile: merge with what is stored now.
    this.entries = addToHistory(sanitizeHistory(await loadValue(HISTORY_KEY)), r);
    await saveValue(HISTORY_KEY, this.entries);
    this.render();
  }

  async remove(id: string): Promise<void> {
    this.entries = removeFromHistory(sanitizeHistory(await loadValue(HISTORY_KEY)), id);
    await saveValue(HISTORY_KEY, this.entries);
    this.render();
  }

  async clear(): Promise<void> {
    this.entries = [];
    await saveValue(HISTORY_KEY, []);
    this.render();
  }

  private render(): void {
    this.count.textContent = String(this.entries.length);
    this.list.replaceChildren(...this.entries.map((e) => {
      const r = e.report;
      const li = document.createElement('li');
      li.dataset.id = e.id;
      const base = baseline(r.cells);
      const row = r.cells.map((c) => `${cellLabel(c)}: ${cellText(c, base)}`).join(' · ');
      const head = document.createElement('span');
      head.className = 'when';
      head.textContent = `${new Date(r.date).toLocaleString()} · ${r.environment} · ${r.options.workload ?? 'lua'} × ${r.options.repeat} · ${r.machine.hostCores} cores · ${r.machine.commit}`;
      const cells = document.createElement('span');
      cells.className = 'row';
      cells.textContent = row;
      const show = Object.assign(document.createElement('button'), { type: 'button', textContent: 'show' });
      show.addEventListener('click', () => this.pick(r));
      const del = Object.assign(document.createElement('button'), { type: 'button', textContent: 'delete' });
      del.addEventListener('click', () => void this.remove(e.id));
      li.append(head, ' ', show, ' ', del, document.createElement('br'), cells);
      return li;
    }));
  }
}
