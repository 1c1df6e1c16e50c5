// The page's benchmark history (kept in IndexedDB by src/ui/bench-history-view.ts): newest
// first, bounded, and read back defensively (an entry from an older page version or a broken
// store is dropped rather than breaking the page). DOM-free.
import type { BenchReport } from './table.ts';

export const HISTORY_MAX = 100;

export interface HistoryEntry {
  /** Unique within the history: the report's date plus its environment. */
  id: string;
  report: BenchReport;
}

export function entryId(r: BenchReport): string { return `${r.date} ${r.environment}`; }

export function addToHistory(list: HistoryEntry[], r: BenchReport): HistoryEntry[] {
  const id = entryId(r);
  return [{ id, report: r }, ...list.filter((e) => e.id !== id)].slice(0, HISTORY_MAX);
}

export function removeFromHistory(list: HistoryEntry[], id: string): HistoryEntry[] {
  return list.filter((e) => e.id !== id);
}

function isReport(r: unknown): r is BenchReport {
  const o = r as BenchReport;
  return !!o && typeof o === 'object' && typeof o.environment === 'string' && typeof o.date === 'string' &&
    !!o.machine && typeof o.machine === 'object' && !!o.options && typeof o.options.command === 'string' &&
    Array.isArray(o.cells) && o.cells.every((c) => c && typeof c.cpus === 'number' && (c.placement === 's' || c.placement === 'd') && typeof c.ok === 'boolean');
}

export function sanitizeHistory(v: unknown): HistoryEntry[] {
  if (!Array.isArray(v)) return [];
  return v.filter((e): e is HistoryEntry => !!e && typeof e.id === 'string' && isReport(e.report)).slice(0, HISTORY_MAX);
}
