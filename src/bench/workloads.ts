// The guest workloads of the placement benchmark (issue 9), as the commands typed at the
// guest's shell prompt. DOM-free and Node-free: the CLI, `npm run bench` and the page share them.
//
//   lua   /bin/seoulweb-bench in images/initramfs-bench.cpio.gz: tcc builds Lua 5.4 (33 units per
//         round, one job per online CPU), runs it on check.lua; ~75-90 s per round on one vCPU.
//   tiny  a few-second stand-in for tests and quick looks, typed in at the prompt (no image
//         change): a small C program compiled by the image's tcc as 4 parallel units (one job
//         per online CPU), linked, run; the checksum is the md5 of its output, which the tests
//         check against the same program built by gcc -m32 and run on the host CPU.
//   par   CPU-bound and parallel, for the speedup of 2 vCPUs over 1 (issue 7): a fixed total of
//         PAR_UNITS independent compute units (shell arithmetic loops in busybox sh: integers
//         only, no I/O, no fork inside a unit, no compiler), one job per online CPU; typed in
//         like tiny, so any image with busybox runs it. (awk would do the same in x87 doubles,
//         about 30 times slower here.)

export type WorkloadName = 'lua' | 'tiny' | 'par';

export interface Workload {
  name: WorkloadName;
  /** What is typed at the prompt (lines separated by \r; each line under the shell's 1024-byte limit). */
  command: string;
  /** md5 of the program's output the guest must report. */
  checksum: string;
  /** For tables and exports. */
  description: string;
  /** Rounds of the Lua build (lua only). */
  rounds?: number;
}

/** md5 of check.lua's output under the Lua the guest builds; the same for any rounds/jobs. */
export const LUA_CHECKSUM = '0a05b8dd025ed130ba742ead787b9a81';
/** md5 of TINY_C's output (gcc -m32 on the host gives the same; test/src/bench/workloads.test.ts). */
export const TINY_CHECKSUM = '98e21b0a066039dff28cd9ae3dee755a';

export function luaWorkload(rounds = 1, jobs?: number): Workload {
  return {
    name: 'lua', rounds, checksum: LUA_CHECKSUM,
    command: `SEOULWEB_BENCH_ROUNDS=${rounds} seoulweb-bench${jobs ? ' ' + jobs : ''}`,
    description: `tcc builds Lua 5.4, ${rounds} × 33 units`,
  };
}

/**
 * The tiny workload's C source: built with -DP=1..4 it is one compute part each (an LCG fill
 * and mixing passes), with -DP=0 the main program (a sieve, a float sum, the four parts chained).
 * No undefined or implementation-defined behaviour beyond 32-bit unsigned arithmetic.
 */
export const TINY_C = `#include <stdio.h>
#define C2(a,b) a##b
#define F(p) C2(part,p)
#if P
unsigned F(P)(unsigned s){unsigned a[512],i,k;for(i=0;i<512;i++)a[i]=s=s*1103515245u+12345u+P;for(k=0;k<40;k++)for(i=1;i<512;i++)a[i]^=(a[i-1]>>3)+a[(i*7+k)%512]*(2*P+1);for(i=0;i<512;i++)s+=a[i]^(s<<5);return s;}
#else
unsigned part1(unsigned),part2(unsigned),part3(unsigned),part4(unsigned);
int main(void){unsigned s=1,i,n=0;static char c[30000];double x=0;for(i=2;i<30000;i++)if(!c[i]){n++;for(unsigned j=i*2;j<30000;j+=i)c[j]=1;}
for(i=1;i<=2000;i++)x+=1.0/((double)i*i);
printf("primes %u\\nzeta2 %.12f\\n",n,x);s=part1(s);printf("p1 %08x\\n",s);s=part2(s);printf("p2 %08x\\n",s);s=part3(s);printf("p3 %08x\\n",s);s=part4(s);printf("p4 %08x\\n",s);return 0;}
#endif
`;

/**
 * The guest-side script of the tiny workload (busybox sh); same markers as seoulweb-bench. The
 * clock is read with the shell's own `read` from /proc/uptime and subtracted in shell arithmetic
 * (hundredths), so no process start sits between a marker and its clock reading: on a run of a
 * few seconds, two extra fork+exec (cut, awk) made the host's figure ~10% longer than the guest's.
 */
export const TINY_SCRIPT = `j=\${1:-$(nproc)};d=/tmp/seoulweb-tiny;rm -rf $d;mkdir -p $d;cd $d||exit 1
cat >t.c <<'X'
${TINY_C}X
echo "SEOULWEB-BENCH-START jobs=$j workload=tiny";read t0 x </proc/uptime
printf '1\\n2\\n3\\n4\\n'|xargs -P $j -n 1 sh -c 'exec tcc -c -DP=$0 -o p$0.o t.c'||{ echo SEOULWEB-BENCH-FAIL compile;exit 1;}
tcc -DP=0 -o t t.c p1.o p2.o p3.o p4.o||{ echo SEOULWEB-BENCH-FAIL link;exit 1;}
s=$(./t|md5sum|cut -d' ' -f1);read t1 x </proc/uptime
c=$((\${t1%.*}\${t1#*.}-\${t0%.*}\${t0#*.}))
echo "SEOULWEB-BENCH-END seconds=$((c/100)).$((c%100/10))$((c%10)) checksum=$s"
`;

const CHUNK = 400;
const B64 = '/tmp/seoulweb-tiny.b64';

/**
 * The script goes in base64 (no quoting problems, and its markers never appear in the echo of
 * what is typed), a few hundred characters per line, then is decoded and run.
 */
export function tinyWorkload(jobs?: number): Workload {
  const b64 = btoa(TINY_SCRIPT); // ASCII only
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += CHUNK) lines.push(`echo ${b64.slice(i, i + CHUNK)} ${i === 0 ? '>' : '>>'}${B64}`);
  lines.push(`base64 -d ${B64} >/tmp/seoulweb-tiny.sh && sh /tmp/seoulweb-tiny.sh${jobs ? ' ' + jobs : ''}`);
  return {
    name: 'tiny', checksum: TINY_CHECKSUM, command: lines.join('\r'),
    description: 'tcc builds a small C program as 4 units, runs it',
  };
}

/** The par workload: units, and loop iterations per unit (about 2 s of one vCPU each on this host). */
export const PAR_UNITS = 8;
export const PAR_ITERATIONS = 1200;

/** What unit `u` prints: "u s" with s from an LCG mod a prime. */
export function parUnitOutput(u: number, iterations = PAR_ITERATIONS): string {
  let s = u;
  for (let i = 0; i < iterations; i++) s = (s * 31 + i) % 1000003;
  return `${u} ${s}\n`;
}

/** md5 of the units' outputs in order 1..PAR_UNITS (test/src/bench/workloads.test.ts recomputes it). */
export const PAR_CHECKSUM = 'af2d75c1541ef2a67bd6fc2a81e0aa0b';

/** The par workload's guest-side script (busybox sh); the markers and clock reads are tiny's. */
export const PAR_SCRIPT = `j=\${1:-$(nproc)};d=/tmp/seoulweb-par;rm -rf $d;mkdir -p $d;cd $d||exit 1
echo "SEOULWEB-BENCH-START jobs=$j workload=par";read t0 x </proc/uptime
seq 1 ${PAR_UNITS}|xargs -P $j -n 1 sh -c 'u=$0;s=$0;i=0;while [ $i -lt ${PAR_ITERATIONS} ];do s=$(((s*31+i)%1000003));i=$((i+1));done;echo $u $s >o$u'||{ echo SEOULWEB-BENCH-FAIL units;exit 1;}
s=$(for k in $(seq 1 ${PAR_UNITS});do cat o$k;done|md5sum|cut -d' ' -f1);read t1 x </proc/uptime
c=$((\${t1%.*}\${t1#*.}-\${t0%.*}\${t0#*.}))
echo "SEOULWEB-BENCH-END seconds=$((c/100)).$((c%100/10))$((c%10)) checksum=$s"
`;

const PAR_B64 = '/tmp/seoulweb-par.b64';

export function parWorkload(jobs?: number): Workload {
  const b64 = btoa(PAR_SCRIPT);
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += CHUNK) lines.push(`echo ${b64.slice(i, i + CHUNK)} ${i === 0 ? '>' : '>>'}${PAR_B64}`);
  lines.push(`base64 -d ${PAR_B64} >/tmp/seoulweb-par.sh && sh /tmp/seoulweb-par.sh${jobs ? ' ' + jobs : ''}`);
  return {
    name: 'par', checksum: PAR_CHECKSUM, command: lines.join('\r'),
    description: `${PAR_UNITS} CPU-bound shell loops of ${PAR_ITERATIONS} iterations, one job per CPU`,
  };
}

export function workload(name: WorkloadName, rounds = 1): Workload {
  return name === 'tiny' ? tinyWorkload() : name === 'par' ? parWorkload() : luaWorkload(rounds);
}
