// The environment a benchmark row is named after: "Node 20.20" for the CLI, the browser engine
// and major version ("Chromium 156", "Firefox 140", "Safari 18") for the page, so rows from both
// can sit in one table. DOM-free: the page passes navigator's fields in.

export interface BrandVersion { brand: string; version: string }

/** Engines we can name, most specific first (Edge and Opera UAs also contain "Chrome/"). */
const UA_ENGINES: [RegExp, string][] = [
  [/\bEdg(?:e|A|iOS)?\/(\d+)/, 'Edge'],
  [/\bOPR\/(\d+)/, 'Opera'],
  [/\bFirefox\/(\d+)/, 'Firefox'],
  [/\bHeadlessChrome\/(\d+)/, 'Chromium'],
  [/\bChromium\/(\d+)/, 'Chromium'],
  [/\bChrome\/(\d+)/, 'Chrome'],
  [/\bVersion\/(\d+)(?:\.\d+)*(?: Mobile\/\S+)? Safari\//, 'Safari'],
];

/**
 * "Chromium 156" from navigator.userAgentData.brands when the browser has them (the real
 * brand list; "Not A Brand" entries are skipped), else from the user agent string.
 */
export function browserEnvironment(userAgent: string, brands?: readonly BrandVersion[]): string {
  const real = (brands ?? []).filter((b) => !/not.?a.?brand/i.test(b.brand));
  const pick = real.find((b) => !/^Chromium$/i.test(b.brand)) ?? real[0];
  // Google Chrome names both "Google Chrome" and "Chromium"; Debian's Chromium only "Chromium".
  if (pick) return `${pick.brand.replace(/^Google /, '')} ${pick.version.split('.')[0]}`;
  for (const [re, name] of UA_ENGINES) {
    const m = re.exec(userAgent);
    if (m) return `${name} ${m[1]}`;
  }
  return 'browser';
}

/** "Node 20.20" from process.versions.node ("20.20.0"). */
export function nodeEnvironment(version: string): string {
  return `Node ${version.split('.').slice(0, 2).join('.')}`;
}
