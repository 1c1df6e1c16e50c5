// The benchmark's bar chart as inline SVG markup (our own, no chart library): one horizontal bar
// per cell, length proportional to its host time; running cells grow with their elapsed time,
// failed ones say FAILED with the reason. DOM-free (a string), so it is testable in Node.

export interface ChartBar {
  label: string;
  state: 'pending' | 'booting' | 'prompt' | 'running' | 'done' | 'failed';
  /** Host seconds: the result (done) or the elapsed time (running). */
  seconds?: number;
  /** Shown at the bar's end: e.g. "12.3s (+5%)" or the failure reason. */
  note?: string;
}

const W = 560;
const LABEL_W = 64;
const NOTE_W = 150;
const ROW = 24;
const BAR = 16;

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function chartSvg(bars: ChartBar[], title = 'host seconds per cell (shorter is faster)'): string {
  const max = Math.max(1e-9, ...bars.map((b) => (b.state === 'done' || b.state === 'running' ? b.seconds ?? 0 : 0)));
  const span = W - LABEL_W - NOTE_W;
  const h = 22 + bars.length * ROW + 4;
  const rows = bars.map((b, i) => {
    const y = 22 + i * ROW;
    const label = `<text class="label" x="${LABEL_W - 8}" y="${y + BAR - 3}" text-anchor="end">${escapeXml(b.label)}</text>`;
    if (b.state === 'failed') {
      const why = (b.note ?? 'failed').slice(0, 70);
      return `${label}<text class="failed" x="${LABEL_W}" y="${y + BAR - 3}">${escapeXml(`FAILED: ${why}`)}</text>`;
    }
    if (b.state !== 'done' && b.state !== 'running') {
      return `${label}<text class="pending" x="${LABEL_W}" y="${y + BAR - 3}">${escapeXml(b.state === 'pending' ? 'pending' : 'booting…')}</text>`;
    }
    const len = Math.max(1, ((b.seconds ?? 0) / max) * span);
    const note = b.note ?? `${(b.seconds ?? 0).toFixed(1)}s`;
    return `${label}<rect class="bar ${b.state}" x="${LABEL_W}" y="${y}" width="${len.toFixed(1)}" height="${BAR}" rx="2"/>` +
      `<text class="note" x="${(LABEL_W + len + 6).toFixed(1)}" y="${y + BAR - 3}">${escapeXml(note)}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" class="bench-chart" viewBox="0 0 ${W} ${h}" width="${W}" height="${h}" role="img" aria-label="${escapeXml(title)}">` +
    `<text class="title" x="0" y="14">${escapeXml(title)}</text>${rows.join('')}</svg>`;
}
