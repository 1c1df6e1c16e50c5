/* SMP stress test run inside the guest: threads hammer shared counters with LOCKed instructions
 * and with a futex-based mutex; the totals must be exact. Built with gcc -m32 -static at test time. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <linux/futex.h>
#include <sys/syscall.h>

static volatile unsigned atomic_counter;
static unsigned long long cx8_counter;
static unsigned mutex_counter;
static int lock_word; /* 0 free, 1 locked, 2 locked with waiters */
static int iterations;

static void futex_lock(void) {
  int c = __sync_val_compare_and_swap(&lock_word, 0, 1);
  if (c == 0) return;
  if (c != 2) c = __sync_lock_test_and_set(&lock_word, 2);
  while (c != 0) {
    syscall(SYS_futex, &lock_word, FUTEX_WAIT_PRIVATE, 2, 0, 0, 0);
    c = __sync_lock_test_and_set(&lock_word, 2);
  }
}
static void futex_unlock(void) {
  if (__sync_fetch_and_sub(&lock_word, 1) != 1) {
    lock_word = 0;
    syscall(SYS_futex, &lock_word, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0);
  }
}
static void *worker(void *arg) {
  for (int i = 0; i < iterations; i++) {
    __sync_fetch_and_add(&atomic_counter, 1);                 /* lock xadd */
    unsigned long long old, nv;                               /* lock cmpxchg8b */
    do { old = cx8_counter; nv = old + 3; } while (!__sync_bool_compare_and_swap(&cx8_counter, old, nv));
    if ((i & 7) == 0) { futex_lock(); mutex_counter++; futex_unlock(); }
  }
  return arg;
}
int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 4;
  iterations = argc > 2 ? atoi(argv[2]) : 20000;
  pthread_t t[16];
  for (int i = 0; i < threads; i++) pthread_create(&t[i], 0, worker, 0);
  for (int i = 0; i < threads; i++) pthread_join(t[i], 0);
  unsigned want = (unsigned)threads * iterations;
  unsigned wantMutex = (unsigned)threads * ((iterations + 7) / 8);
  int ok = atomic_counter == want && cx8_counter == 3ULL * want && mutex_counter == wantMutex;
  printf("smp-stress threads=%d atomic=%u cx8=%llu mutex=%u %s\n", threads, atomic_counter, cx8_counter, mutex_counter, ok ? "OK" : "FAIL");
  return ok ? 0 : 1;
}
