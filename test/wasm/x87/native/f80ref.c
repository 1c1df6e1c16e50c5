/* Native x87 reference for the f80 differential test.
 * stdin: one record per line: "<op> <cw hex> <A hex20> <B hex20>", where an
 * operand is printed big-endian as sign/exponent (4 hex digits) then
 * significand (16 hex digits); integer, f32, f64 and BCD operands use the
 * low bytes of the same 80-bit field.
 * stdout: "<R1 hex20> <R2 hex20> <status word hex4>" per record.  R1 is ST(0)
 * after the instruction (or the memory destination of a store), R2 is ST(1).
 * Each instruction runs in one asm block on a freshly initialised FPU:
 * fninit, fldcw, fld B twice, fld A (so ST0=A, ST1=ST2=B: a popping op leaves
 * B in ST1), the op, fnstsw, fnclex, and the stores.  Loads start from B, B.
 * Build: gcc -m32 -O0. */
#include <stdio.h>
#include <string.h>

static unsigned char A[10], B[10], R1[10], R2[10];
static unsigned short cw, sw;

#define PRE "fninit\n fldcw cw\n fldt B\n fldt B\n fldt A\n"
#define POST "fnstsw sw\n fnclex\n fstpt R1\n fstpt R2\n fnclex\n"
#define RUN(op) __asm__ volatile(PRE op "\n" POST ::: "memory", "eax")
/* The op stores its result to R1 from ST0 before the status is read. */
#define STORE(op) __asm__ volatile(PRE op "\n fnstsw sw\n fnclex\n" ::: "memory", "eax")
/* Load from A's memory into ST0 (B is ST0 before the load). */
#define LOAD(op) __asm__ volatile("fninit\n fldcw cw\n fldt B\n fldt B\n" op "\n" POST ::: "memory", "eax")

static void hex_in(const char *s, unsigned char *d) {
  for (int i = 0; i < 10; i++) {
    unsigned v;
    sscanf(s + 2 * (9 - i), "%2x", &v);
    d[i] = (unsigned char)v;
  }
}
static void hex_out(const unsigned char *d) {
  for (int i = 9; i >= 0; i--) printf("%02x", d[i]);
}

int main(void) {
  int op;
  unsigned c;
  char as[64], bs[64];
  while (scanf("%d %x %40s %40s", &op, &c, as, bs) == 4) {
    cw = (unsigned short)c;
    hex_in(as, A);
    hex_in(bs, B);
    memset(R1, 0, 10);
    memset(R2, 0, 10);
    switch (op) {
    case 0: RUN("fadd %%st(1), %%st"); break;
    case 1: RUN("fsub %%st(1), %%st"); break;
    case 2: RUN("fmul %%st(1), %%st"); break;
    case 3: RUN("fdiv %%st(1), %%st"); break;
    case 4: RUN("fsqrt"); break;
    case 5: RUN("frndint"); break;
    case 6: RUN("fcom %%st(1)"); break;
    case 7: RUN("fucom %%st(1)"); break;
    case 8: RUN("fxam"); break;
    case 9: RUN("fxtract"); break;
    case 10: RUN("fscale"); break;
    case 11: RUN("fprem"); break;
    case 12: RUN("fprem1"); break;
    case 13: LOAD("flds A"); break;
    case 14: LOAD("fldl A"); break;
    case 15: STORE("fsts R1"); break;
    case 16: STORE("fstl R1"); break;
    case 17: LOAD("filds A"); break;
    case 18: LOAD("fildl A"); break;
    case 19: LOAD("fildll A"); break;
    case 20: STORE("fists R1"); break;
    case 21: STORE("fistl R1"); break;
    case 22: STORE("fistpll R1"); break;
    case 23: STORE("fisttps R1"); break;
    case 24: STORE("fisttpl R1"); break;
    case 25: STORE("fisttpll R1"); break;
    case 26: LOAD("fbld A"); break;
    case 27: STORE("fbstp R1"); break;
    case 28:
      switch (B[0]) {
      case 0: LOAD("fld1"); break;
      case 1: LOAD("fldl2t"); break;
      case 2: LOAD("fldl2e"); break;
      case 3: LOAD("fldpi"); break;
      case 4: LOAD("fldlg2"); break;
      case 5: LOAD("fldln2"); break;
      default: LOAD("fldz"); break;
      }
      break;
    case 29: RUN("f2xm1"); break;
    case 30: RUN("fyl2x"); break;
    case 31: RUN("fyl2xp1"); break;
    case 32: RUN("fptan"); break;
    case 33: RUN("fpatan"); break;
    case 34: RUN("fsin"); break;
    case 35: RUN("fcos"); break;
    case 36: RUN("fsincos"); break;
    case 37: RUN("ftst"); break;
    /* memory source operands: B's low bytes as m32fp/m64fp/m16int/m32int */
    case 40: RUN("fadds B"); break;
    case 41: RUN("fsubrs B"); break;
    case 42: RUN("fmull B"); break;
    case 43: RUN("fdivs B"); break;
    case 44: RUN("fdivrl B"); break;
    case 45: RUN("fcoml B"); break;
    case 46: RUN("fiadds B"); break;
    case 47: RUN("fidivrl B"); break;
    case 48: RUN("ficoms B"); break;
    case 49: RUN("fsubl B"); break;
    default: sw = 0xffff; break;
    }
    hex_out(R1);
    putchar(' ');
    hex_out(R2);
    printf(" %04x\n", sw);
  }
  return 0;
}
