// The page's URL form and stored settings (pure functions; no browser).
import { describe, it, expect } from 'vitest';
import { DEFAULTS, sanitizeStored, settingsFromQuery, settingsToQuery } from '../../src/ui/settings.ts';

describe('ui/settings', () => {
  it('reads the URL form over the base settings', () => {
    const { settings, problems } = settingsFromQuery('?cpus=2&placement=d&machine=pc-debug&memory=512&flavour=amd&autorun=uname%20-a&presentation=1', DEFAULTS);
    expect(problems).toEqual([]);
    expect(settings).toEqual({ ...DEFAULTS, cpus: 2, placement: 'd', machine: 'pc-debug', memory: 512, flavour: 'amd', autorun: 'uname -a', presentation: true });
  });

  it('reports and ignores bad values', () => {
    const { settings, problems } = settingsFromQuery('?cpus=9&placement=x&memory=1.5&flavour=via', { ...DEFAULTS, cpus: 3 });
    expect(settings.cpus).toBe(3);
    expect(settings.placement).toBe('s');
    expect(settings.memory).toBe(256);
    expect(settings.flavour).toBe('intel');
    expect(problems).toHaveLength(4);
    expect(problems[3]).toBe('flavour=via is not intel or amd; ignored');
    expect(problems[0]).toMatch(/^cpus=9 /);
  });

  it('takes images from URLs: kernel+initrd, multiboot, rom', () => {
    expect(settingsFromQuery('?kernel=/k&initrd=/i&append=quiet', DEFAULTS).settings.image)
      .toEqual({ source: 'url', kind: 'linux', kernel: '/k', initrd: '/i', append: 'quiet' });
    expect(settingsFromQuery('?multiboot=/mb', DEFAULTS).settings.image).toMatchObject({ source: 'url', kind: 'multiboot', kernel: '/mb' });
    expect(settingsFromQuery('?rom=/r.bin', DEFAULTS).settings.image).toMatchObject({ source: 'url', kind: 'rom', kernel: '/r.bin' });
    expect(settingsFromQuery('?initrd=/i', DEFAULTS).problems[0]).toMatch(/need kernel=/);
  });

  it('writes only what differs from the defaults, and reads it back', () => {
    expect(settingsToQuery(DEFAULTS)).toBe('');
    const s = { ...DEFAULTS, cpus: 4, placement: 'd' as const, flavour: 'amd' as const, autorun: 'nproc', image: { source: 'url' as const, kind: 'rom' as const, kernel: '/r.bin' } };
    const q = settingsToQuery(s);
    expect(q).toBe('?cpus=4&placement=d&flavour=amd&autorun=nproc&rom=%2Fr.bin');
    expect(settingsFromQuery(q, DEFAULTS).settings).toEqual(s);
  });

  it('keeps only well-formed stored settings', () => {
    expect(sanitizeStored(undefined)).toEqual(DEFAULTS);
    expect(sanitizeStored({ flavour: 'amd' })).toEqual({ ...DEFAULTS, flavour: 'amd' });
    expect(sanitizeStored({ flavour: 'via' })).toEqual(DEFAULTS);
    expect(sanitizeStored({ cpus: 99, placement: 'd', memory: 'x', image: { source: 'url', kind: 'rom', kernel: '/r' } }))
      .toEqual({ ...DEFAULTS, placement: 'd' });
    const user = { source: 'user', kind: 'linux', kernel: 'bzImage', initrd: 'rd.gz' };
    expect(sanitizeStored({ image: user }).image).toEqual(user);
  });
});
