// THE opcode table: one row per opcode form, plain data, the single source of truth for the
// dispatch (wasm/gen/dispatch.mjs), the disassembler and the coverage report.
//
// Columns: opcode (hex; 0Fxx for two-byte), /digit or -, mnemonic, operands (SDM notation),
// kind, attributes.
// Kinds: alu = binary ALU on the operands; un = unary on E; shift = group-2 shift/rotate;
//        fn = a hand-written handler op_<mnemonic>[_<variant>] (named in the last column);
//        prefix = a prefix byte (handled by the decoder); ud = #UD.
// Attributes: lock = LOCK allowed (memory destination only); m = fetch ModRM before the handler;
//        cpl0 = #GP(0) unless CPL 0; since=N = first CPU family (486, 586, 686).
export const TABLE = `
00 - add Eb,Gb alu lock
01 - add Ev,Gv alu lock
02 - add Gb,Eb alu
03 - add Gv,Ev alu
04 - add AL,Ib alu
05 - add eAX,Iz alu
06 - push ES fn push_seg
07 - pop ES fn pop_seg
08 - or Eb,Gb alu lock
09 - or Ev,Gv alu lock
0A - or Gb,Eb alu
0B - or Gv,Ev alu
0C - or AL,Ib alu
0D - or eAX,Iz alu
0E - push CS fn push_seg
10 - adc Eb,Gb alu lock
11 - adc Ev,Gv alu lock
12 - adc Gb,Eb alu
13 - adc Gv,Ev alu
14 - adc AL,Ib alu
15 - adc eAX,Iz alu
16 - push SS fn push_seg
17 - pop SS fn pop_seg
18 - sbb Eb,Gb alu lock
19 - sbb Ev,Gv alu lock
1A - sbb Gb,Eb alu
1B - sbb Gv,Ev alu
1C - sbb AL,Ib alu
1D - sbb eAX,Iz alu
1E - push DS fn push_seg
1F - pop DS fn pop_seg
20 - and Eb,Gb alu lock
21 - and Ev,Gv alu lock
22 - and Gb,Eb alu
23 - and Gv,Ev alu
24 - and AL,Ib alu
25 - and eAX,Iz alu
26 - es - prefix
27 - daa - fn daa
28 - sub Eb,Gb alu lock
29 - sub Ev,Gv alu lock
2A - sub Gb,Eb alu
2B - sub Gv,Ev alu
2C - sub AL,Ib alu
2D - sub eAX,Iz alu
2E - cs - prefix
2F - das - fn das
30 - xor Eb,Gb alu lock
31 - xor Ev,Gv alu lock
32 - xor Gb,Eb alu
33 - xor Gv,Ev alu
34 - xor AL,Ib alu
35 - xor eAX,Iz alu
36 - ss - prefix
37 - aaa - fn aaa
38 - cmp Eb,Gb alu
39 - cmp Ev,Gv alu
3A - cmp Gb,Eb alu
3B - cmp Gv,Ev alu
3C - cmp AL,Ib alu
3D - cmp eAX,Iz alu
3E - ds - prefix
3F - aas - fn aas
40+r - inc Zv fn inc_reg
48+r - dec Zv fn dec_reg
50+r - push Zv fn push_reg
58+r - pop Zv fn pop_reg
60 - pusha - fn pusha
61 - popa - fn popa
62 - bound Gv,Ma fn bound m
63 - arpl Ew,Gw fn arpl m
64 - fs - prefix
65 - gs - prefix
66 - opsize - prefix
67 - adsize - prefix
68 - push Iz fn push_imm
69 - imul Gv,Ev,Iz fn imul3 m
6A - push Ib fn push_imm8
6B - imul Gv,Ev,Ib fn imul3_8 m
6C - insb - fn ins8
6D - ins - fn ins
6E - outsb - fn outs8
6F - outs - fn outs
70+c - jcc Jb fn jcc8
80 0 add Eb,Ib alu lock
80 1 or Eb,Ib alu lock
80 2 adc Eb,Ib alu lock
80 3 sbb Eb,Ib alu lock
80 4 and Eb,Ib alu lock
80 5 sub Eb,Ib alu lock
80 6 xor Eb,Ib alu lock
80 7 cmp Eb,Ib alu
81 0 add Ev,Iz alu lock
81 1 or Ev,Iz alu lock
81 2 adc Ev,Iz alu lock
81 3 sbb Ev,Iz alu lock
81 4 and Ev,Iz alu lock
81 5 sub Ev,Iz alu lock
81 6 xor Ev,Iz alu lock
81 7 cmp Ev,Iz alu
82 0 add Eb,Ib alu lock
82 1 or Eb,Ib alu lock
82 2 adc Eb,Ib alu lock
82 3 sbb Eb,Ib alu lock
82 4 and Eb,Ib alu lock
82 5 sub Eb,Ib alu lock
82 6 xor Eb,Ib alu lock
82 7 cmp Eb,Ib alu
83 0 add Ev,Ib alu lock
83 1 or Ev,Ib alu lock
83 2 adc Ev,Ib alu lock
83 3 sbb Ev,Ib alu lock
83 4 and Ev,Ib alu lock
83 5 sub Ev,Ib alu lock
83 6 xor Ev,Ib alu lock
83 7 cmp Ev,Ib alu
84 - test Eb,Gb alu
85 - test Ev,Gv alu
86 - xchg Eb,Gb fn xchg8 m lock
87 - xchg Ev,Gv fn xchg m lock
88 - mov Eb,Gb fn mov_eb_gb m
89 - mov Ev,Gv fn mov_ev_gv m
8A - mov Gb,Eb fn mov_gb_eb m
8B - mov Gv,Ev fn mov_gv_ev m
8C - mov Ew,Sw fn mov_ew_sw m
8D - lea Gv,M fn lea m
8E - mov Sw,Ew fn mov_sw_ew m
8F 0 pop Ev fn pop_ev m
90+r - xchg Zv,eAX fn xchg_ax
98 - cbw - fn cbw
99 - cwd - fn cwd
9A - callf Ap fn callf_ap
9B - fwait - fn fwait
9C - pushf - fn pushf
9D - popf - fn popf
9E - sahf - fn sahf
9F - lahf - fn lahf
A0 - mov AL,Ob fn mov_al_ob
A1 - mov eAX,Ov fn mov_ax_ov
A2 - mov Ob,AL fn mov_ob_al
A3 - mov Ov,eAX fn mov_ov_ax
A4 - movsb - fn movs8
A5 - movs - fn movs
A6 - cmpsb - fn cmps8
A7 - cmps - fn cmps
A8 - test AL,Ib alu
A9 - test eAX,Iz alu
AA - stosb - fn stos8
AB - stos - fn stos
AC - lodsb - fn lods8
AD - lods - fn lods
AE - scasb - fn scas8
AF - scas - fn scas
B0+r - mov Zb,Ib fn mov_r8_imm
B8+r - mov Zv,Iv fn mov_r_imm
C0 0 rol Eb,Ib shift
C0 1 ror Eb,Ib shift
C0 2 rcl Eb,Ib shift
C0 3 rcr Eb,Ib shift
C0 4 shl Eb,Ib shift
C0 5 shr Eb,Ib shift
C0 6 sal Eb,Ib shift
C0 7 sar Eb,Ib shift
C1 0 rol Ev,Ib shift
C1 1 ror Ev,Ib shift
C1 2 rcl Ev,Ib shift
C1 3 rcr Ev,Ib shift
C1 4 shl Ev,Ib shift
C1 5 shr Ev,Ib shift
C1 6 sal Ev,Ib shift
C1 7 sar Ev,Ib shift
C2 - ret Iw fn ret_imm
C3 - ret - fn ret
C4 - les Gv,Mp fn les m
C5 - lds Gv,Mp fn lds m
C6 0 mov Eb,Ib fn mov_eb_ib m
C7 0 mov Ev,Iz fn mov_ev_iz m
C8 - enter Iw,Ib fn enter
C9 - leave - fn leave
CA - retf Iw fn retf_imm
CB - retf - fn retf
CC - int3 - fn int3
CD - int Ib fn int_imm
CE - into - fn into
CF - iret - fn iret
D0 0 rol Eb,1 shift
D0 1 ror Eb,1 shift
D0 2 rcl Eb,1 shift
D0 3 rcr Eb,1 shift
D0 4 shl Eb,1 shift
D0 5 shr Eb,1 shift
D0 6 sal Eb,1 shift
D0 7 sar Eb,1 shift
D1 0 rol Ev,1 shift
D1 1 ror Ev,1 shift
D1 2 rcl Ev,1 shift
D1 3 rcr Ev,1 shift
D1 4 shl Ev,1 shift
D1 5 shr Ev,1 shift
D1 6 sal Ev,1 shift
D1 7 sar Ev,1 shift
D2 0 rol Eb,CL shift
D2 1 ror Eb,CL shift
D2 2 rcl Eb,CL shift
D2 3 rcr Eb,CL shift
D2 4 shl Eb,CL shift
D2 5 shr Eb,CL shift
D2 6 sal Eb,CL shift
D2 7 sar Eb,CL shift
D3 0 rol Ev,CL shift
D3 1 ror Ev,CL shift
D3 2 rcl Ev,CL shift
D3 3 rcr Ev,CL shift
D3 4 shl Ev,CL shift
D3 5 shr Ev,CL shift
D3 6 sal Ev,CL shift
D3 7 sar Ev,CL shift
D4 - aam Ib fn aam
D5 - aad Ib fn aad
D6 - salc - fn salc
D7 - xlat - fn xlat
D8+r - esc - fn x87
E0 - loopne Jb fn loopne
E1 - loope Jb fn loope
E2 - loop Jb fn loop
E3 - jcxz Jb fn jcxz
E4 - in AL,Ib fn in_al_ib
E5 - in eAX,Ib fn in_ax_ib
E6 - out Ib,AL fn out_ib_al
E7 - out Ib,eAX fn out_ib_ax
E8 - call Jz fn call_jz
E9 - jmp Jz fn jmp_jz
EA - jmpf Ap fn jmpf_ap
EB - jmp Jb fn jmp_jb
EC - in AL,DX fn in_al_dx
ED - in eAX,DX fn in_ax_dx
EE - out DX,AL fn out_dx_al
EF - out DX,eAX fn out_dx_ax
F0 - lock - prefix
F1 - int1 - fn int1
F2 - repne - prefix
F3 - rep - prefix
F4 - hlt - fn hlt cpl0
F5 - cmc - fn cmc
F6 0 test Eb,Ib alu
F6 1 test Eb,Ib alu
F6 2 not Eb un lock
F6 3 neg Eb un lock
F6 4 mul Eb fn mul8 m
F6 5 imul Eb fn imul8 m
F6 6 div Eb fn div8 m
F6 7 idiv Eb fn idiv8 m
F7 0 test Ev,Iz alu
F7 1 test Ev,Iz alu
F7 2 not Ev un lock
F7 3 neg Ev un lock
F7 4 mul Ev fn mul m
F7 5 imul Ev fn imul1 m
F7 6 div Ev fn div m
F7 7 idiv Ev fn idiv m
F8 - clc - fn clc
F9 - stc - fn stc
FA - cli - fn cli
FB - sti - fn sti
FC - cld - fn cld
FD - std - fn std
FE 0 inc Eb un lock
FE 1 dec Eb un lock
FF 0 inc Ev un lock
FF 1 dec Ev un lock
FF 2 call Ev fn call_ev m
FF 3 callf Mp fn callf_mp m
FF 4 jmp Ev fn jmp_ev m
FF 5 jmpf Mp fn jmpf_mp m
FF 6 push Ev fn push_ev m
0F00 0 sldt Ew fn sldt m
0F00 1 str Ew fn str m
0F00 2 lldt Ew fn lldt m
0F00 3 ltr Ew fn ltr m
0F00 4 verr Ew fn verr m
0F00 5 verw Ew fn verw m
0F01 0 sgdt Ms fn sgdt m
0F01 1 sidt Ms fn sidt m
0F01 2 lgdt Ms fn lgdt m cpl0
0F01 3 lidt Ms fn lidt m cpl0
0F01 4 smsw Ew fn smsw m
0F01 6 lmsw Ew fn lmsw m cpl0
0F01 7 invlpg M fn invlpg m cpl0 since=486
0F02 - lar Gv,Ew fn lar m
0F03 - lsl Gv,Ew fn lsl m
0F06 - clts - fn clts cpl0
0F08 - invd - fn wbinvd cpl0 since=486
0F09 - wbinvd - fn wbinvd cpl0 since=486
0F0B - ud2 - ud
0F18+r - hint Ev fn hint_nop m since=686
0F20 - mov Rd,Cd fn mov_r_cr m cpl0
0F21 - mov Rd,Dd fn mov_r_dr m cpl0
0F22 - mov Cd,Rd fn mov_cr_r m cpl0
0F23 - mov Dd,Rd fn mov_dr_r m cpl0
0F30 - wrmsr - fn wrmsr cpl0 since=586
0F31 - rdtsc - fn rdtsc since=586
0F32 - rdmsr - fn rdmsr cpl0 since=586
0F34 - sysenter - fn sysenter since=686
0F35 - sysexit - fn sysexit since=686
0F40+c - cmovcc Gv,Ev fn cmovcc m since=686
0F80+c - jcc Jz fn jcc_z since=386
0F90+c - setcc Eb fn setcc m since=386
0FA0 - push FS fn push_seg
0FA1 - pop FS fn pop_seg
0FA2 - cpuid - fn cpuid since=486
0FA3 - bt Ev,Gv fn bt_ev_gv m
0FA4 - shld Ev,Gv,Ib fn shld_ib m
0FA5 - shld Ev,Gv,CL fn shld_cl m
0FA8 - push GS fn push_seg
0FA9 - pop GS fn pop_seg
0FAB - bts Ev,Gv fn bts_ev_gv m lock
0FAC - shrd Ev,Gv,Ib fn shrd_ib m
0FAD - shrd Ev,Gv,CL fn shrd_cl m
0FAF - imul Gv,Ev fn imul2 m
0FB0 - cmpxchg Eb,Gb fn cmpxchg8 m lock since=486
0FB1 - cmpxchg Ev,Gv fn cmpxchg m lock since=486
0FB2 - lss Gv,Mp fn lss m
0FB3 - btr Ev,Gv fn btr_ev_gv m lock
0FB4 - lfs Gv,Mp fn lfs m
0FB5 - lgs Gv,Mp fn lgs m
0FB6 - movzx Gv,Eb fn movzx8 m
0FB7 - movzx Gv,Ew fn movzx16 m
0FBA 4 bt Ev,Ib fn bt_ev_ib m
0FBA 5 bts Ev,Ib fn bts_ev_ib m lock
0FBA 6 btr Ev,Ib fn btr_ev_ib m lock
0FBA 7 btc Ev,Ib fn btc_ev_ib m lock
0FBB - btc Ev,Gv fn btc_ev_gv m lock
0FBC - bsf Gv,Ev fn bsf m
0FBD - bsr Gv,Ev fn bsr m
0FBE - movsx Gv,Eb fn movsx8 m
0FBF - movsx Gv,Ew fn movsx16 m
0FC0 - xadd Eb,Gb fn xadd8 m lock since=486
0FC1 - xadd Ev,Gv fn xadd m lock since=486
0FC7 1 cmpxchg8b Mq fn cmpxchg8b m lock since=586
0FC8+r - bswap Zd fn bswap since=486
`;

export interface Row {
  op: number; // 0x00..0xFF, or 0x0F00..0x0FFF
  ext: number; // /digit, or -1
  mnemonic: string;
  operands: string;
  kind: 'alu' | 'un' | 'shift' | 'fn' | 'prefix' | 'ud';
  handler: string;
  lock: boolean;
  modrm: boolean;
  cpl0: boolean;
  since: number;
}

/** Parse TABLE into rows; `+r`/`+c` forms expand into 8 or 16 rows. */
export function rows(): Row[] {
  const out: Row[] = [];
  for (const line of TABLE.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    const [opText, extText, mnemonic, operands, kind, ...rest] = t.split(/\s+/);
    const handler = kind === 'fn' ? rest.shift()! : '';
    const attrs = new Set(rest);
    const since = Number([...attrs].find((a) => a.startsWith('since='))?.slice(6) ?? 386);
    const plus = opText.match(/^([0-9A-F]+)\+([rc])$/);
    const base = parseInt(plus ? plus[1] : opText, 16);
    const n = plus ? (plus[2] === 'r' ? 8 : 16) : 1;
    for (let i = 0; i < n; i++) {
      out.push({
        op: base + i, ext: extText === '-' ? -1 : Number(extText), mnemonic, operands,
        kind: kind as Row['kind'], handler, lock: attrs.has('lock'),
        modrm: attrs.has('m') || extText !== '-' || kind === 'alu' && /E/.test(operands) || kind === 'un' || kind === 'shift',
        cpl0: attrs.has('cpl0'), since,
      });
    }
  }
  return out;
}
