// Environment row names: the browser engine and major version, or Node's version.
import { describe, it, expect } from 'vitest';
import { browserEnvironment, nodeEnvironment } from '../../../src/bench/environment.ts';
import { exportFileName } from '../../../src/bench/table.ts';

describe('environment names', () => {
  it('names browsers from their brands or user agent', () => {
    expect(browserEnvironment('x', [{ brand: 'Chromium', version: '156' }, { brand: 'Not=A?Brand', version: '24' }])).toBe('Chromium 156');
    expect(browserEnvironment('x', [{ brand: 'Not_A Brand', version: '8' }, { brand: 'Chromium', version: '140' }, { brand: 'Google Chrome', version: '140' }])).toBe('Chrome 140');
    expect(browserEnvironment('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.7000.1 Safari/537.36')).toBe('Chromium 156');
    expect(browserEnvironment('Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0')).toBe('Firefox 140');
    expect(browserEnvironment('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Safari/605.1.15')).toBe('Safari 18');
    expect(browserEnvironment('Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/139.0.0.0 Safari/537.36 Edg/139.0.0.0')).toBe('Edge 139');
    expect(browserEnvironment('')).toBe('browser');
    expect(nodeEnvironment('20.20.2')).toBe('Node 20.20');
  });

  it('makes file names for exports', () => {
    expect(exportFileName('2026-11-26T10:20:30.123Z', 'Chromium 156', 'md')).toBe('seoulweb-bench-2026-11-26T10-20-30-chromium-156.md');
    expect(exportFileName('2026-11-26T10:20:30.123Z', 'Node 20.20', 'json')).toBe('seoulweb-bench-2026-11-26T10-20-30-node-20.20.json');
  });
});
