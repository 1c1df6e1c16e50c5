/* CPU micro-benchmark workload for the core (built by build.sh into intmix.bin, a flat binary
 * loaded at 0x10000 and entered in flat 32-bit protected mode with ESP set; ends with HLT).
 * A mix of what compilers and shells do: hashing, sorting, a sieve, string scanning, calls. */
typedef unsigned int u32;
typedef unsigned char u8;

static u8 buf[65536];
static u32 arr[4096];
static u8 sieve[32768];

static u32 rng = 12345;
static u32 next(void) { rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5; return rng; }

static u32 crc32(const u8 *p, u32 n) {
  u32 c = 0xffffffff;
  for (u32 i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c;
}
static void isort(u32 *a, int n) {
  for (int i = 1; i < n; i++) {
    u32 v = a[i]; int j = i - 1;
    while (j >= 0 && a[j] > v) { a[j + 1] = a[j]; j--; }
    a[j + 1] = v;
  }
}
static void qsort_(u32 *a, int lo, int hi) {
  while (lo < hi) {
    u32 p = a[(lo + hi) >> 1]; int i = lo, j = hi;
    while (i <= j) {
      while (a[i] < p) i++;
      while (a[j] > p) j--;
      if (i <= j) { u32 t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
    }
    if (j - lo < hi - i) { qsort_(a, lo, j); lo = i; } else { qsort_(a, i, hi); hi = j; }
  }
}
static u32 primes(void) {
  u32 n = 0;
  for (u32 i = 0; i < sizeof sieve; i++) sieve[i] = 1;
  for (u32 i = 2; i < sizeof sieve; i++) if (sieve[i]) { n++; for (u32 j = i * 2; j < sizeof sieve; j += i) sieve[j] = 0; }
  return n;
}
static u32 strscan(void) {
  u32 words = 0, inword = 0;
  for (u32 i = 0; i < sizeof buf; i++) {
    u8 c = buf[i];
    int sp = c == ' ' || c == '\n';
    if (!sp && !inword) words++;
    inword = !sp;
  }
  return words;
}
void _start(void) {
  u32 acc = 0;
  for (int round = 0; round < ROUNDS; round++) {
    for (u32 i = 0; i < sizeof buf; i++) { u32 r = next(); buf[i] = (r & 7) == 0 ? ' ' : 'a' + (r % 26); }
    acc += crc32(buf, 8192);
    acc += strscan();
    for (int i = 0; i < 4096; i++) arr[i] = next();
    qsort_(arr, 0, 4095);
    for (int i = 0; i < 256; i++) arr[i] = next();
    isort(arr, 256);
    acc += arr[0] + arr[255];
    acc += primes();
  }
  __asm__ volatile("mov %0, %%eax\n\thlt" : : "r"(acc) : "eax");
  for (;;) {}
}
