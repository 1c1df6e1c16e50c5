// docs/bench-history.md: one dated entry per `npm run bench` (commit, Node version, the results
// table), newest first, under the file's header. DOM-free and fs-free: run.ts reads and writes.

export const ENTRIES_MARK = '<!-- entries: newest first (npm run bench adds one here) -->';

export const HISTORY_HEADER = `# Benchmark history

What \`npm run bench\` measured, one entry per run, newest first: CPU MIPS, exit round trips,
boot-to-prompt seconds and the placement matrix on the tiny workload (src/bench/run.ts writes
the entries; \`npm run bench -- --no-record\` skips it). Figures on a shared, loaded machine are
noisy: each entry says how loaded the host was.

${ENTRIES_MARK}
`;

export interface ResultRow { part: string; what: string; figure: string }

export interface EntryMeta {
  date: string;
  commit: string;
  node: string;
  host: string;
  /** e.g. the load average, "other builds running". */
  note?: string;
  parts: string[];
}

export function resultsTable(rows: ResultRow[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return ['| part | what | figure |', '|---|---|---|', ...rows.map((r) => `| ${esc(r.part)} | ${esc(r.what)} | ${esc(r.figure)} |`)].join('\n');
}

export function historyEntry(meta: EntryMeta, rows: ResultRow[]): string {
  return [
    `## ${meta.date} — commit ${meta.commit}`,
    '',
    `Node ${meta.node}; ${meta.host}; parts: ${meta.parts.join(', ')}.${meta.note ? ` ${meta.note}` : ''}`,
    '',
    resultsTable(rows),
    '',
  ].join('\n');
}

/** The file's text with `entry` as its newest entry (the header is added when missing). */
export function prependEntry(file: string | undefined, entry: string): string {
  const text = file && file.includes(ENTRIES_MARK) ? file : HISTORY_HEADER + (file ? `\n${file}` : '');
  const at = text.indexOf(ENTRIES_MARK) + ENTRIES_MARK.length;
  return `${text.slice(0, at)}\n\n${entry.trimEnd()}\n${text.slice(at).replace(/^\n+/, '\n')}`;
}
