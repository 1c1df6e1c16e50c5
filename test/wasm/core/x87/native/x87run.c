/*
 * Native side of the x87 differential test (test/wasm/core/x87): runs each case's x87 code on the
 * host CPU in a 32-bit user process and reports the x87 state afterwards.
 *
 * Each case: FRSTOR of a 108-byte image (32-bit protected-mode layout), EFLAGS and EAX loaded,
 * EBX pointing at the case's memory buffer, the case's code (ending with the RET the runner
 * appends), then FNSAVE, EFLAGS and EAX read back. Code, buffer and images live at fixed linear
 * addresses that the emulator side uses too, so instruction and data pointers compare directly.
 * A #MF (SIGFPE) or another fault ends the case: the vector, the faulting EIP and the x87 state
 * at the fault (the FSAVE-format part of the kernel's signal frame) are reported instead.
 *
 * stdin: struct in_rec records; stdout: one struct out_rec each (little-endian, packed).
 * `x87run --cpuid` prints the host's CPUID words that say which x87 environment fields it records
 * instead (vendor, family/model, CPUID.(EAX=7,ECX=0):EBX with bit 6 FDP_EXCPTN_ONLY and bit 13
 * "FCS/FDS deprecated", CPUID.80000001H:EDX with bit 29 Intel 64), one `name value` line each.
 * Build: gcc -m32 -O1 -static -o x87run x87run.c (done by the test at run time).
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#define REGION 0x00600000u
#define CODE (REGION + 0x100u)
#define MEMBUF (REGION + 0x2000u)
#define IMG_IN (REGION + 0x3000u)
#define IMG_OUT (REGION + 0x3100u)
#define CODE_MAX 47
#define MEM_LEN 128

#pragma pack(push, 1)
struct in_rec {
  uint8_t len;
  uint8_t code[CODE_MAX];
  uint32_t eflags;
  uint32_t eax;
  uint8_t img[108];
  uint8_t mem[MEM_LEN];
};
struct out_rec {
  uint32_t vec; /* 0 = ran to the end, else the exception vector */
  uint32_t eip; /* faulting EIP (linear) when vec != 0 */
  uint32_t eflags;
  uint32_t eax;
  uint8_t img[108];
  uint8_t mem[MEM_LEN];
};
#pragma pack(pop)

uint32_t g_eflags, g_eax;

void run_case(void);
__asm__(
    ".text\n"
    ".globl run_case\n"
    "run_case:\n"
    "  pushl %ebx\n"
    "  pushl %esi\n"
    "  pushl %edi\n"
    "  pushl %ebp\n"
    "  frstor 0x00603000\n"
    "  movl g_eax, %eax\n"
    "  movl $0x00602000, %ebx\n"
    "  pushl g_eflags\n"
    "  popfl\n"
    "  call 0x00600100\n"
    "  fnsave 0x00603100\n"
    "  pushfl\n"
    "  popl g_eflags\n"
    "  movl %eax, g_eax\n"
    "  popl %ebp\n"
    "  popl %edi\n"
    "  popl %esi\n"
    "  popl %ebx\n"
    "  ret\n");

static sigjmp_buf jb;
static struct out_rec *cur;

static void on_signal(int sig, siginfo_t *si, void *ctx) {
  (void)sig;
  (void)si;
  ucontext_t *uc = ctx;
  greg_t *g = uc->uc_mcontext.gregs;
  uint32_t eip = (uint32_t)g[REG_EIP];
  if (eip < CODE || eip >= CODE + CODE_MAX + 1) {
    static const char msg[] = "x87run: signal outside the test code\n";
    write(2, msg, sizeof msg - 1);
    _exit(3);
  }
  cur->vec = (uint32_t)g[REG_TRAPNO];
  cur->eip = eip;
  cur->eflags = (uint32_t)g[REG_EFL];
  cur->eax = (uint32_t)g[REG_EAX];
  memcpy(cur->img, (void *)uc->uc_mcontext.fpregs, 108);
  siglongjmp(jb, 1);
}

static int print_cpuid(void) {
  unsigned a, b, c, d, max;
  char vendor[13];
  __cpuid(0, max, b, c, d);
  memcpy(vendor, &b, 4);
  memcpy(vendor + 4, &d, 4);
  memcpy(vendor + 8, &c, 4);
  vendor[12] = 0;
  printf("vendor %s\n", vendor);
  __cpuid(1, a, b, c, d);
  unsigned family = (a >> 8) & 0xf, model = (a >> 4) & 0xf;
  if (family == 0xf) family += (a >> 20) & 0xff;
  if (family == 0xf || family >= 6) model |= ((a >> 16) & 0xf) << 4;
  printf("family %u\nmodel %u\n", family, model);
  b = 0;
  if (max >= 7) __cpuid_count(7, 0, a, b, c, d);
  printf("leaf7ebx %u\n", b);
  d = 0;
  __cpuid(0x80000000u, a, b, c, d);
  if (a >= 0x80000001u) __cpuid(0x80000001u, a, b, c, d); else d = 0;
  printf("ext1edx %u\n", d);
  return 0;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--cpuid") == 0) return print_cpuid();
  uint8_t *region = mmap((void *)REGION, 0x10000, PROT_READ | PROT_WRITE | PROT_EXEC,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (region != (void *)REGION) {
    perror("mmap of the test region");
    return 2;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  int sigs[] = {SIGTRAP, SIGSEGV, SIGBUS, SIGFPE, SIGILL};
  for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &sa, NULL);
  alarm(120);

  struct in_rec in;
  struct out_rec out;
  while (fread(&in, sizeof in, 1, stdin) == 1) {
    memset(region + 0x100, 0xCC, 0x100);
    memcpy(region + 0x100, in.code, in.len);
    region[0x100 + in.len] = 0xC3;
    memcpy(region + 0x2000, in.mem, MEM_LEN);
    memcpy(region + 0x3000, in.img, 108);
    g_eflags = in.eflags;
    g_eax = in.eax;
    memset(&out, 0, sizeof out);
    cur = &out;
    if (sigsetjmp(jb, 1) == 0) {
      run_case();
      out.eflags = g_eflags;
      out.eax = g_eax;
      memcpy(out.img, region + 0x3100, 108);
    }
    __asm__ volatile("fninit");
    memcpy(out.mem, region + 0x2000, MEM_LEN);
    if (fwrite(&out, sizeof out, 1, stdout) != 1) return 1;
  }
  return 0;
}
