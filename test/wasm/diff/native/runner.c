/*
 * Native side of the differential test (test/wasm/diff): runs each test case's instruction bytes on
 * the host CPU in a 32-bit user process and reports the architectural outcome.
 *
 * The environment mirrors what test/wasm/diff/env.ts builds in the emulator, so that no address
 * translation is needed between the two sides:
 *   - a 64 KiB RWX region mapped at linear REGION_BASE;
 *   - four LDT descriptors (modify_ldt): selector 0x07 = 32-bit read/write data, 0x0F = 32-bit
 *     readable code, 0x17 and 0x1F the same with 16-bit default size, all DPL 3, base
 *     REGION_BASE, limit 0xFFFF (byte granular);
 *   - CS = 0x0F (0x1F), SS = 0x07 (0x17), DS = ES = FS = 0x07 while a case runs (GS is left
 *     alone: glibc's TLS);
 *   - the case's code page (offsets CODE_PAGE .. CODE_PAGE + 0xFFF) is filled with INT3 (0xCC),
 *     the instruction is placed at CODE_OFF; wherever execution lands next, the INT3 there raises
 *     SIGTRAP (vector 3, EIP after the INT3). Faults raise SIGSEGV/SIGBUS/SIGFPE/SIGILL; trapno in
 *     the signal context is the vector and err its error code.
 * The signal handler runs on an alternate stack (the guest's stack is in the case's buffer),
 * records the context and siglongjmps back.
 *
 * stdin: records of struct in_rec; stdout: one struct out_rec each. Both little-endian, packed.
 * Build: gcc -m32 -O1 -static -o runner runner.c (done by test/wasm/diff/native.ts at test time).
 */
#define _GNU_SOURCE
#include <asm/ldt.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#define REGION_BASE 0x00400000u
#define REGION_SIZE 0x10000u
#define BUF_OFF 0x1000u
#define BUF_LEN 256u
#define CODE_PAGE 0x8000u
#define CODE_OFF 0x8800u
#define EDGE_LEN 0x100u
#define SEL_DATA 0x07u
#define SEL_CODE 0x0Fu
#define SEL_DATA16 0x17u
#define SEL_CODE16 0x1Fu
/* Bits of in_rec.eflags that are no EFLAGS bits: run with a 16-bit CS / 16-bit SS. */
#define CASE_CODE16 0x80000000u
#define CASE_STACK16 0x40000000u

#pragma pack(push, 1)
struct in_rec {
  uint8_t len;
  uint8_t code[15];
  uint32_t regs[8]; /* EAX ECX EDX EBX ESP EBP ESI EDI */
  uint32_t eflags;
  uint8_t buf[BUF_LEN];
};
struct out_rec {
  uint32_t vec; /* vector of the exception/trap that ended the case (3 = landed on an INT3) */
  uint32_t eip;
  uint32_t err;
  uint32_t regs[8];
  uint32_t eflags;
  uint16_t sel[6]; /* ES CS SS DS FS (GS unused, 0) */
  uint8_t buf[BUF_LEN];
};
#pragma pack(pop)

/* Inputs of enter_case (read with absolute addresses while DS is still the flat user segment). */
uint32_t g_regs[8];
uint32_t g_eflags;
uint32_t g_ldsptr[2];
uint32_t g_farptr[2];
uint32_t g_sssel;

void enter_case(void);
__asm__(
    ".text\n"
    ".globl enter_case\n"
    "enter_case:\n"
    "  pushl g_eflags\n"
    "  popfl\n" /* no flag-changing instruction follows */
    "  movl g_sssel, %eax\n"
    "  movl %eax, %ss\n"
    "  movl g_regs+16, %esp\n"
    "  movl $7, %eax\n"
    "  movl %eax, %es\n"
    "  movl %eax, %fs\n"
    "  movl g_regs+4, %ecx\n"
    "  movl g_regs+8, %edx\n"
    "  movl g_regs+12, %ebx\n"
    "  movl g_regs+20, %ebp\n"
    "  movl g_regs+24, %esi\n"
    "  movl g_regs+28, %edi\n"
    "  ldsl g_ldsptr, %eax\n" /* EAX and DS in one go */
    "  ljmp *%cs:g_farptr\n");

static sigjmp_buf jb;
static struct out_rec *cur;

/* A case may leave EFLAGS.AC or NT set (POPF, IRET): the host code must not run with alignment
 * checks, and the kernel's IRET back to a task with NT set faults (the process then dies of a
 * SIGSEGV whenever an interrupt happens to return through IRET). */
#define CLEAR_AC() __asm__ volatile("pushfl\n andl $~0x44000, (%%esp)\n popfl" ::: "memory", "cc")

static void on_signal(int sig, siginfo_t *si, void *ctx) {
  CLEAR_AC();
  (void)si;
  ucontext_t *uc = ctx;
  greg_t *g = uc->uc_mcontext.gregs;
  if ((g[REG_CS] & 0xFFFF) != SEL_CODE && (g[REG_CS] & 0xFFFF) != SEL_CODE16) {
    static const char msg[] = "runner: signal outside the test code\n";
    write(2, msg, sizeof msg - 1);
    fprintf(stderr, "sig %d cs %x eip %x trapno %d\n", sig, (unsigned)g[REG_CS], (unsigned)g[REG_EIP], (int)g[REG_TRAPNO]);
    _exit(3);
  }
  struct out_rec *o = cur;
  o->vec = (uint32_t)g[REG_TRAPNO];
  o->eip = (uint32_t)g[REG_EIP];
  o->err = (uint32_t)g[REG_ERR];
  o->regs[0] = g[REG_EAX];
  o->regs[1] = g[REG_ECX];
  o->regs[2] = g[REG_EDX];
  o->regs[3] = g[REG_EBX];
  o->regs[4] = g[REG_UESP];
  o->regs[5] = g[REG_EBP];
  o->regs[6] = g[REG_ESI];
  o->regs[7] = g[REG_EDI];
  o->eflags = g[REG_EFL];
  o->sel[0] = g[REG_ES];
  o->sel[1] = g[REG_CS];
  o->sel[2] = g[REG_SS];
  o->sel[3] = g[REG_DS];
  o->sel[4] = g[REG_FS];
  o->sel[5] = 0;
  siglongjmp(jb, 1);
}

static void on_alarm(int sig) {
  (void)sig;
  static const char msg[] = "runner: a case did not finish (timeout)\n";
  write(2, msg, sizeof msg - 1);
  _exit(4);
}

static void set_ldt(int entry, int code, int big) {
  struct user_desc d;
  memset(&d, 0, sizeof d);
  d.entry_number = entry;
  d.base_addr = REGION_BASE;
  d.limit = REGION_SIZE - 1;
  d.seg_32bit = big;
  d.contents = code ? MODIFY_LDT_CONTENTS_CODE : MODIFY_LDT_CONTENTS_DATA;
  d.read_exec_only = 0;
  d.limit_in_pages = 0;
  d.seg_not_present = 0;
  d.useable = 0;
  if (syscall(SYS_modify_ldt, 1, &d, sizeof d) != 0) {
    perror("modify_ldt");
    exit(2);
  }
}

static uint8_t *region;

/*
 * The signal handler's stack. SS_AUTODISARM makes the kernel switch to it whatever ESP holds: a
 * case may leave ESP pointing into it (any 32-bit value is possible), and without the flag the
 * kernel would then think the handler is already on it and build the frame at ESP, which is not
 * mapped (the process dies of SIGSEGV). Since the handler never returns (siglongjmp), the stack
 * is re-armed after every case.
 */
#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31) /* Linux 4.7, <linux/signal.h> */
#endif
static stack_t altstack;
static void arm_altstack(void) {
  altstack.ss_flags = SS_AUTODISARM;
  if (sigaltstack(&altstack, NULL) != 0) {
    perror("sigaltstack");
    exit(2);
  }
}
static uint16_t fs0;

/*
 * Safety net: a system call made by test code (EIP below 0x10000: the LDT code segments; the
 * runner's own code is at 0x08048000 and above) fails with EPERM instead of running. No case
 * means to make one, but a stray branch into data could reach an INT 0x80.
 */
static void forbid_syscalls_from_test_code(void) {
  struct sock_filter f[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, instruction_pointer) + 4),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, instruction_pointer)),
      BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x10000, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
  };
  struct sock_fprog prog = {sizeof f / sizeof f[0], f};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
    perror("seccomp");
    exit(2);
  }
}

static void run_one(const struct in_rec *in, struct out_rec *out) {
  uint8_t *code = region + CODE_OFF;
  memcpy(code, in->code, in->len);
  memcpy(region + BUF_OFF, in->buf, BUF_LEN);
  /* The first and last 256 bytes of the segments: stack pointers at the ends of the stack segment,
   * 16-bit address wrap-around and accesses at the limit reach them. Back to INT3 before every
   * case: what a case reads there is the same on both sides, and a branch to an address read
   * there ends at once. */
  memset(region, 0xCC, EDGE_LEN);
  memset(region + REGION_SIZE - EDGE_LEN, 0xCC, EDGE_LEN);
  memcpy(g_regs, in->regs, sizeof g_regs);
  g_eflags = in->eflags & ~(CASE_CODE16 | CASE_STACK16);
  g_farptr[1] = in->eflags & CASE_CODE16 ? SEL_CODE16 : SEL_CODE;
  g_sssel = in->eflags & CASE_STACK16 ? SEL_DATA16 : SEL_DATA;
  g_ldsptr[0] = in->regs[0];
  g_ldsptr[1] = SEL_DATA;
  memset(out, 0, sizeof *out);
  cur = out;
  if (sigsetjmp(jb, 0) == 0) enter_case();
  CLEAR_AC();
  arm_altstack();
  __asm__ volatile("movw %0, %%fs" : : "r"(fs0));
  memcpy(out->buf, region + BUF_OFF, BUF_LEN);
  memset(code - 32, 0xCC, 64);
}

int main(void) {
  region = mmap((void *)REGION_BASE, REGION_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_POPULATE, -1, 0);
  if (region != (void *)REGION_BASE) {
    perror("mmap of the test region");
    return 2;
  }
  /* Touch every page now: a page fault in the middle of an instruction (ENTER probes its final
   * ESP) would restart it with its earlier stores already done. INT3 everywhere: a stray branch
   * ends right there. */
  memset(region, 0xCC, REGION_SIZE);
  set_ldt(0, 0, 1);
  set_ldt(1, 1, 1);
  set_ldt(2, 0, 0);
  set_ldt(3, 1, 0);
  g_farptr[0] = CODE_OFF;
  __asm__ volatile("movw %%fs, %0" : "=r"(fs0));

  altstack.ss_sp = malloc(1 << 16);
  altstack.ss_size = 1 << 16;
  arm_altstack();
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  int sigs[] = {SIGTRAP, SIGSEGV, SIGBUS, SIGFPE, SIGILL};
  for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &sa, NULL);
  signal(SIGALRM, on_alarm);
  forbid_syscalls_from_test_code();
  alarm(120);

  /* Read all of stdin. */
  size_t cap = 1 << 20, n = 0;
  uint8_t *inb = malloc(cap);
  for (;;) {
    if (n == cap) inb = realloc(inb, cap *= 2);
    ssize_t r = read(0, inb + n, cap - n);
    if (r < 0) { perror("read"); return 2; }
    if (r == 0) break;
    n += (size_t)r;
  }
  if (n % sizeof(struct in_rec)) {
    fprintf(stderr, "runner: input of %zu bytes is not a whole number of %zu-byte records\n", n, sizeof(struct in_rec));
    return 2;
  }
  size_t count = n / sizeof(struct in_rec);
  struct out_rec *outs = malloc(count * sizeof(struct out_rec) + 1);
  const struct in_rec *ins = (const struct in_rec *)inb;
  for (size_t i = 0; i < count; i++) run_one(&ins[i], &outs[i]);
  size_t total = count * sizeof(struct out_rec), off = 0;
  while (off < total) {
    ssize_t w = write(1, (uint8_t *)outs + off, total - off);
    if (w <= 0) { perror("write"); return 2; }
    off += (size_t)w;
  }
  return 0;
}
