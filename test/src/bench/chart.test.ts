// The bar chart's SVG: bar lengths proportional to the times, failed cells as text, escaping.
import { describe, it, expect } from 'vitest';
import { chartSvg, escapeXml } from '../../../src/bench/chart.ts';

describe('chartSvg', () => {
  it('draws one bar per finished or running cell, proportional to its seconds', () => {
    const svg = chartSvg([
      { label: '1 (s)', state: 'done', seconds: 100, note: '100s (+5%)' },
      { label: '1 (d)', state: 'done', seconds: 50 },
      { label: '2 (s)', state: 'running', seconds: 25, note: 'running 25 s' },
      { label: '2 (d)', state: 'pending' },
      { label: '4 (d)', state: 'failed', note: 'wrong checksum <x> & "y"' },
    ]);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const widths = [...svg.matchAll(/<rect class="bar (\w+)"[^>]* width="([0-9.]+)"/g)].map((m) => [m[1], Number(m[2])]);
    expect(widths.map((w) => w[0])).toEqual(['done', 'done', 'running']);
    expect((widths[1][1] as number) / (widths[0][1] as number)).toBeCloseTo(0.5, 2);
    expect((widths[2][1] as number) / (widths[0][1] as number)).toBeCloseTo(0.25, 2);
    expect(svg).toContain('>100s (+5%)<');
    expect(svg).toContain('>50.0s<');
    expect(svg).toContain('>pending<');
    expect(svg).toContain('FAILED: wrong checksum &#60;x&#62; &#38; &#34;y&#34;');
    expect(svg).not.toContain('<x>');
  });

  it('copes with no bars and with zero seconds', () => {
    expect(chartSvg([])).toMatch(/^<svg[^>]*height="26"/);
    expect(chartSvg([{ label: 'a', state: 'done', seconds: 0 }])).toMatch(/width="1\.0"/);
    expect(escapeXml(`<'&">`)).toBe('&#60;&#39;&#38;&#34;&#62;');
  });
});
