// Arms hardware breakpoints on a 32-bit child with ptrace and prints DR6, EIP and ECX at each
// SIGTRAP (B0-B3 and BS of DR6 as Linux reports them, the stop EIP as a label, ECX), for comparison
// with the core's #DB in debug-native.test.ts. Output: one line per case: name signal dr6 label ecx.
#include <stdio.h>
#include <stddef.h>
#include <signal.h>
#include <unistd.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>

unsigned char buf[64] __attribute__((aligned(64)));
extern char c1_bp[], c1_next[], c2_next[], c3_next[], c4_rep[], c5_next[];

static void cases(void) {
  __asm__ volatile(
    "int3\n"                                   // case 1: instruction breakpoint at c1_bp
    "xor %%ecx, %%ecx\n"
    "c1_bp: inc %%ecx\n"
    "c1_next: nop\n"
    "int3\n"                                   // case 2: write bp LEN 4 at buf
    "movl buf, %%eax\n"
    "movb $7, buf+2\n"
    "c2_next: nop\n"
    "int3\n"                                   // case 3: read/write bp LEN 2 at buf+16
    "movw buf+15, %%ax\n"
    "c3_next: nop\n"
    "int3\n"                                   // case 4: write bp LEN 1 at buf+5 hit by REP STOSB
    "lea buf, %%edi\n"
    "mov $10, %%ecx\n"
    "mov $0xaa, %%al\n"
    "cld\n"
    "c4_rep: rep stosb\n"
    "nop\n"
    "int3\n"                                   // case 5: write bp hit by a locked RMW
    "lock incl buf+32\n"
    "c5_next: nop\n"
    "int3\n"
    ::: "eax", "ecx", "edi", "memory");
}

static long off(int i) { return offsetof(struct user, u_debugreg) + i * 4; }

int main(void) {
  pid_t pid = fork();
  if (pid == 0) {
    ptrace(PTRACE_TRACEME, 0, 0, 0);
    raise(SIGSTOP);
    cases();
    _exit(0);
  }
  int st;
  waitpid(pid, &st, 0);
  struct { const char *name; unsigned addr; unsigned dr7; } c[] = {
    {"exec", (unsigned)c1_bp, 0x1},
    {"write4", (unsigned)buf, 0x1 | (1 << 16) | (3 << 18)},
    {"rw2-read-overlap", (unsigned)buf + 16, 0x1 | (3 << 16) | (1 << 18)},
    {"rep-stosb", (unsigned)buf + 5, 0x1 | (1 << 16) | (0 << 18)},
    {"lock-inc", (unsigned)buf + 32, 0x1 | (1 << 16) | (3 << 18)},
  };
  for (int k = 0; k < 5; k++) {
    ptrace(PTRACE_CONT, pid, 0, 0);
    waitpid(pid, &st, 0); // the int3 before the case
    ptrace(PTRACE_POKEUSER, pid, (void *)off(7), 0);
    ptrace(PTRACE_POKEUSER, pid, (void *)off(6), 0);
    if (ptrace(PTRACE_POKEUSER, pid, (void *)off(0), (void *)c[k].addr) != 0) perror("dr0");
    if (ptrace(PTRACE_POKEUSER, pid, (void *)off(7), (void *)c[k].dr7) != 0) perror("dr7");
    ptrace(PTRACE_CONT, pid, 0, 0);
    waitpid(pid, &st, 0);
    struct user_regs_struct r;
    ptrace(PTRACE_GETREGS, pid, 0, &r);
    long dr6 = ptrace(PTRACE_PEEKUSER, pid, (void *)off(6), 0);
    unsigned eip = r.eip;
    const char *where = eip == (unsigned)c1_bp ? "c1_bp" : eip == (unsigned)c1_next ? "c1_next" :
      eip == (unsigned)c2_next ? "c2_next" : eip == (unsigned)c3_next ? "c3_next" :
      eip == (unsigned)c4_rep ? "c4_rep" : eip == (unsigned)c5_next ? "c5_next" : "?";
    printf("%s %d %lx %s %u\n", c[k].name, WIFSTOPPED(st) ? WSTOPSIG(st) : -1, dr6 & 0x400f, where, (unsigned)r.ecx);
    ptrace(PTRACE_POKEUSER, pid, (void *)off(7), 0);
    if (k == 3) { // the REP STOSB resumes: the remaining iterations, no second trap
      ptrace(PTRACE_CONT, pid, 0, 0);
      waitpid(pid, &st, 0);
      ptrace(PTRACE_GETREGS, pid, 0, &r);
      printf("rep-resumed 0 0 - %u\n", (unsigned)r.ecx);
      // that stop was case 5's int3: run case 5 without an extra CONT
      ptrace(PTRACE_POKEUSER, pid, (void *)off(0), (void *)c[4].addr);
      ptrace(PTRACE_POKEUSER, pid, (void *)off(7), (void *)c[4].dr7);
      ptrace(PTRACE_CONT, pid, 0, 0);
      waitpid(pid, &st, 0);
      ptrace(PTRACE_GETREGS, pid, 0, &r);
      dr6 = ptrace(PTRACE_PEEKUSER, pid, (void *)off(6), 0);
      printf("%s %d %lx %s %u\n", c[4].name, WSTOPSIG(st), dr6 & 0x400f, r.eip == (unsigned)c5_next ? "c5_next" : "?", (unsigned)r.ecx);
      break;
    }
  }
  kill(pid, SIGKILL);
  return 0;
}
