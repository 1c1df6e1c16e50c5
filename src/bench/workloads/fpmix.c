/* x87 micro-benchmark workload for the core (built by build.sh into fpmix.bin, a flat binary loaded
 * at 0x10000 and entered in flat 32-bit protected mode with ESP set; ends with HLT, the checksum in
 * EAX). Double-precision kernels as gcc -m32 -mfpmath=387 compiles C: dot product, axpy, polynomial
 * evaluation, Newton square roots (FDIV), compares (FCOMI), int <-> double conversions (FILD, and
 * FISTP under a temporary control word: FNSTCW/FLDCW). run() is also linked into a hosted program
 * (test/wasm/core/fpmix.test.ts) to check the checksum against the host CPU. */
typedef unsigned int u32;
static double a[1024], b[1024], c[1024];
static u32 rng = 12345;
static u32 next(void) { rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5; return rng; }
static double dot(const double *x, const double *y, int n) { double s = 0; for (int i = 0; i < n; i++) s += x[i] * y[i]; return s; }
static void axpy(double k, const double *x, double *y, int n) { for (int i = 0; i < n; i++) y[i] = k * x[i] + y[i]; }
static double horner(double x) { return ((((0.0083 * x - 0.166) * x + 0.5) * x - 1.0) * x + 2.0) * x + 1.0; }
static double newton_sqrt(double v) { double g = v > 1 ? v : 1; for (int i = 0; i < 20; i++) g = 0.5 * (g + v / g); return g; }
static u32 bits(double v) { union { double d; u32 w[2]; } u; u.d = v; return u.w[0] ^ (u.w[1] * 3); }
static int count_less(const double *x, int n, double t) { int k = 0; for (int i = 0; i < n; i++) if (x[i] < t) k++; return k; }
u32 run(void) {
  u32 h = 0;
  rng = 12345;
  for (int i = 0; i < 1024; i++) { a[i] = (double)(int)(next() & 0xffff) / 1024.0; b[i] = (double)(next() % 1000) * 0.001; c[i] = 0; }
  for (int r = 0; r < ROUNDS; r++) {
    double d = dot(a, b, 1024);
    axpy(0.5, a, c, 1024);
    double p = 0; for (int i = 0; i < 256; i++) p += horner(b[i]);
    double q = 0; for (int i = 1; i < 64; i++) q += newton_sqrt((double)i * 3.0);
    int k = count_less(c, 1024, d / 1024.0);
    h = h * 31 + bits(d) + bits(p) * 5 + bits(q) * 7 + (u32)(int)(p * 16) + (u32)k;
  }
  return h;
}
#ifndef HOSTED
void _start(void) { __asm__ volatile("fninit"); u32 h = run(); __asm__ volatile("hlt" :: "a"(h)); for (;;); }
#endif
