// rtc146818.ts — Motorola MC146818A real-time clock with 128 bytes of CMOS RAM, as on PC boards.
//
// Status:    complete for Linux (boot-time wall clock, rtc-cmos periodic/alarm/update IRQs).
// Implements: index port with the NMI-disable bit 7; seconds..year, alarms with don't-care
//            values (0xC0–0xFF); BCD or binary (B.DM) and 12/24-hour (B.24/12) encodings;
//            register A (UIP, divider DV2–0, rate RS3–0), B (SET, PIE, AIE, UIE, SQWE, DM, 24/12,
//            DSE), C (IRQF, PF, AF, UF; read clears and lowers the IRQ), D (VRT); UIP set 244 µs
//            before every update; SET inhibits updates (and clears UIE) without losing the
//            divider phase; divider reset (DV=11x) stops the chain, the first update follows
//            500 ms after it restarts; periodic flag at 32768 Hz >> (RS−1) (RS 1, 2 = 256, 128 Hz);
//            update-ended and alarm flags at every update; CMOS memory size, equipment byte,
//            century (0x32) and checksum (0x2E/0x2F over 0x10–0x2D).
// Missing:   daylight-saving switching (DSE is stored only); square-wave output; writes to the
//            day-of-week register are ignored (it is derived from the date); out-of-range time
//            values are normalised when written, not stored raw.
// Ignored:   time bases other than 32.768 kHz (DV=000/001 run as DV=010); reads of port
//            iobase return the last index written (the port is write-only on PCs).
// Reference: Motorola MC146818A datasheet; IBM PC/AT Technical Reference (CMOS RAM map).
// Config:    rtc:iobase,irq,ram-mib — e.g. `rtc:0x70,8` or `rtc:0x70,8,256`; the machine builder
//            may instead call setMemorySize() once it knows the RAM size.
import { registerDevice } from '../vmm/config.ts';
import type { Device, DeviceContext, IrqWire, PortHandler, Size } from '../vmm/device-api.ts';

const NS_PER_S = 1e9;
const UIP_LEAD_NS = 244_000;
const REG_A = 0x0a, REG_B = 0x0b, REG_C = 0x0c, REG_D = 0x0d;
const CENTURY = 0x32;
const A_UIP = 0x80;
const B_SET = 0x80, B_PIE = 0x40, B_AIE = 0x20, B_UIE = 0x10, B_DM_BINARY = 0x04, B_24H = 0x02;
const C_IRQF = 0x80, C_PF = 0x40, C_AF = 0x20, C_UF = 0x10;

export interface Rtc146818State {
  index: number;
  nmiDisabled: boolean;
  /** CMOS RAM; 0x00–0x09 time bytes are derived from timeSec (alarm bytes 1, 3, 5 live here). */
  ram: Uint8Array;
  /** Register C flags PF, AF, UF (IRQF is derived). */
  flags: number;
  /** RTC time in seconds since 1970-01-01 00:00:00 (its own calendar, UTC-like) at tick baseTick. */
  timeSec: number;
  /** Divider-chain origin: updates happen at phaseNs + k·1 s. */
  phaseNs: number;
  /** Divider tick (second boundary count) at which timeSec was valid. */
  baseTick: number;
  /** PF is due for every periodic edge after this clock time. */
  pfSinceNs: number;
}

export interface Rtc146818Options {
  iobase: number;
  irq: number;
  /** Guest RAM size in bytes (for the CMOS memory-size bytes). */
  ramBytes?: number;
  /** Wall time at clock.now() in ms since the Unix epoch (default: host time now). */
  startTimeMs?: number;
}

/** Broken-down time, reused to avoid allocation. */
interface Fields { sec: number; min: number; hour: number; dow: number; day: number; month: number; year: number }

function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromSeconds(t: number, f: Fields): void {
  const days = Math.floor(t / 86400);
  let rem = t - days * 86400;
  f.hour = Math.floor(rem / 3600);
  rem -= f.hour * 3600;
  f.min = Math.floor(rem / 60);
  f.sec = rem - f.min * 60;
  f.dow = (((days + 4) % 7) + 7) % 7 + 1; // 1970-01-01 was a Thursday; Sunday = 1
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  f.day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  f.month = mp < 10 ? mp + 3 : mp - 9;
  f.year = yoe + era * 400 + (f.month <= 2 ? 1 : 0);
}

function secondsOf(f: Fields): number {
  return daysFromCivil(f.year, f.month, f.day) * 86400 + f.hour * 3600 + f.min * 60 + f.sec;
}

export class Rtc146818 implements Device<Rtc146818State> {
  readonly id: string;
  readonly version = 1;
  state: Rtc146818State;

  private readonly ctx: DeviceContext;
  private readonly wire: IrqWire;
  private readonly f: Fields = { sec: 0, min: 0, hour: 0, dow: 0, day: 0, month: 0, year: 0 };
  private updateTimer = -1;
  private periodicTimer = -1;
  private readonly onUpdateBound = (): void => this.onUpdate();
  private readonly onPeriodicBound = (): void => this.onPeriodic();

  constructor(ctx: DeviceContext, opts: Rtc146818Options) {
    this.ctx = ctx;
    this.id = `rtc146818@0x${opts.iobase.toString(16)}`;
    this.wire = ctx.irq(opts.irq);
    this.state = {
      index: 0, nmiDisabled: false, ram: new Uint8Array(128), flags: 0,
      timeSec: 0, phaseNs: 0, baseTick: 0, pfSinceNs: ctx.clock.now(),
    };
    this.initRam();
    this.setMemorySize(opts.ramBytes ?? 0);
    this.setWallTime(opts.startTimeMs ?? Date.now());
    const handler: PortHandler = {
      read: (port: number, size: Size) => this.portRead(port - opts.iobase, size),
      write: (port: number, _size: Size, value: number) => this.portWrite(port - opts.iobase, value & 0xff),
    };
    ctx.claimPorts(opts.iobase, 2, this.id, handler);
    this.updateIrq();
  }

  private initRam(): void {
    const r = this.state.ram;
    r[REG_A] = 0x26; // 32.768 kHz time base, 1024 Hz periodic rate
    r[REG_B] = B_24H; // BCD, 24-hour
    r[REG_D] = 0x80; // valid RAM and time
    r[0x14] = 0x02; // equipment: math coprocessor, VGA, no floppy
    r[0x15] = 640 & 0xff; // base memory in KiB
    r[0x16] = 640 >> 8;
  }

  /** Firmware's job: the memory-size bytes (0x17/0x18, 0x30/0x31, 0x34/0x35) and the checksum. */
  setMemorySize(ramBytes: number): void {
    const r = this.state.ram;
    const extKiB = Math.min(0xffff, Math.max(0, Math.floor((ramBytes - 0x100000) / 1024)));
    r[0x17] = r[0x30] = extKiB & 0xff;
    r[0x18] = r[0x31] = extKiB >> 8;
    const above16M = Math.min(0xffff, Math.max(0, Math.floor((ramBytes - 0x1000000) / 0x10000)));
    r[0x34] = above16M & 0xff;
    r[0x35] = above16M >> 8;
    let sum = 0;
    for (let i = 0x10; i <= 0x2d; i++) sum += r[i];
    r[0x2e] = (sum >> 8) & 0xff;
    r[0x2f] = sum & 0xff;
  }

  /** Set the clock to a wall time (ms since the Unix epoch, UTC) as of clock.now(). */
  setWallTime(ms: number): void {
    const s = this.state;
    const now = this.ctx.clock.now();
    s.timeSec = Math.floor(ms / 1000);
    s.phaseNs = now - (ms - s.timeSec * 1000) * 1e6;
    s.baseTick = this.tick(now);
    this.armUpdate();
    this.armPeriodic();
  }

  /** The RESET pin: clears the interrupt enables and flags; time and RAM survive (battery). */
  reset(): void {
    const s = this.state;
    s.ram[REG_B] &= ~(B_PIE | B_AIE | B_UIE | 0x08);
    s.flags = 0;
    s.pfSinceNs = this.ctx.clock.now();
    this.afterRestore();
  }

  afterRestore(): void {
    this.armUpdate();
    this.armPeriodic();
    this.updateIrq();
  }

  /** True while the guest holds NMIs off through bit 7 of the index port. */
  get nmiDisabled(): boolean { return this.state.nmiDisabled; }

  // ---- ports ----

  private portRead(off: number, size: Size): number {
    if (size !== 1) this.ctx.log.once(`${this.id}:wide`, `${this.id}: ${size}-byte read, answered as a byte`);
    return off === 0 ? this.state.index | (this.state.nmiDisabled ? 0x80 : 0) : this.readReg(this.state.index);
  }

  private portWrite(off: number, v: number): void {
    if (off === 0) {
      this.state.index = v & 0x7f;
      this.state.nmiDisabled = (v & 0x80) !== 0;
    } else {
      this.writeReg(this.state.index, v);
    }
  }

  private readReg(i: number): number {
    const s = this.state;
    switch (i) {
      case 0: case 2: case 4: case 6: case 7: case 8: case 9: case CENTURY:
        return this.readTime(i);
      case REG_A: return s.ram[REG_A] | (this.uip() ? A_UIP : 0);
      case REG_C: return this.readC();
      case REG_D: return 0x80;
      default: return s.ram[i];
    }
  }

  private writeReg(i: number, v: number): void {
    const s = this.state;
    switch (i) {
      case 0: case 2: case 4: case 7: case 8: case 9: case CENTURY:
        this.writeTime(i, v);
        return;
      case 6:
        this.ctx.log.once(`${this.id}:dow`, `${this.id}: day-of-week write ignored (derived from the date)`);
        return;
      case REG_A: this.writeA(v); return;
      case REG_B: this.writeB(v); return;
      case REG_C: case REG_D:
        this.ctx.log.once(`${this.id}:ro${i}`, `${this.id}: write to read-only register ${i} ignored`);
        return;
      default: s.ram[i] = v;
    }
  }

  // ---- time keeping ----

  /** Second boundaries passed since the divider origin (1 ns slack against float rounding). */
  private tick(now: number): number {
    return Math.floor((now - this.state.phaseNs + 1) / NS_PER_S);
  }

  private dividerRunning(): boolean {
    return (this.state.ram[REG_A] & 0x60) !== 0x60;
  }

  private updating(): boolean {
    return this.dividerRunning() && !(this.state.ram[REG_B] & B_SET);
  }

  /** Current RTC time in seconds. */
  private nowSec(): number {
    const s = this.state;
    return this.updating() ? s.timeSec + this.tick(this.ctx.clock.now()) - s.baseTick : s.timeSec;
  }

  /** Freeze the running time into timeSec (before updates stop or the time is changed). */
  private latchTime(): void {
    this.state.timeSec = this.nowSec();
    this.state.baseTick = this.tick(this.ctx.clock.now());
  }

  private uip(): boolean {
    if (!this.updating()) return false;
    const into = (this.ctx.clock.now() - this.state.phaseNs + 1) % NS_PER_S;
    return into >= NS_PER_S - UIP_LEAD_NS;
  }

  private binary(): boolean { return (this.state.ram[REG_B] & B_DM_BINARY) !== 0; }

  private enc(v: number): number { return this.binary() ? v : ((v / 10) | 0) * 16 + (v % 10); }

  private dec(v: number): number { return this.binary() ? v : (v >> 4) * 10 + (v & 15); }

  private encHour(h: number): number {
    if (this.state.ram[REG_B] & B_24H) return this.enc(h);
    return this.enc(h % 12 || 12) | (h >= 12 ? 0x80 : 0);
  }

  private decHour(v: number): number {
    if (this.state.ram[REG_B] & B_24H) return this.dec(v);
    return (this.dec(v & 0x7f) % 12) + (v & 0x80 ? 12 : 0);
  }

  private readTime(i: number): number {
    const f = this.f;
    civilFromSeconds(this.nowSec(), f);
    switch (i) {
      case 0: return this.enc(f.sec);
      case 2: return this.enc(f.min);
      case 4: return this.encHour(f.hour);
      case 6: return this.enc(f.dow);
      case 7: return this.enc(f.day);
      case 8: return this.enc(f.month);
      case 9: return this.enc(f.year % 100);
      default: return this.enc(Math.floor(f.year / 100));
    }
  }

  private writeTime(i: number, v: number): void {
    const f = this.f;
    this.latchTime();
    civilFromSeconds(this.state.timeSec, f);
    const n = i === 4 ? this.decHour(v) : this.dec(v);
    switch (i) {
      case 0: f.sec = n; break;
      case 2: f.min = n; break;
      case 4: f.hour = n; break;
      case 7: f.day = n; break;
      case 8: f.month = Math.min(12, Math.max(1, n)); break;
      case 9: f.year = Math.floor(f.year / 100) * 100 + (n % 100); break;
      default: f.year = n * 100 + (f.year % 100);
    }
    this.state.timeSec = secondsOf(f);
  }

  private alarmMatches(): boolean {
    const r = this.state.ram;
    const f = this.f;
    civilFromSeconds(this.nowSec(), f);
    const match = (alarm: number, cur: number) => (alarm & 0xc0) === 0xc0 || alarm === cur;
    return match(r[1], this.enc(f.sec)) && match(r[3], this.enc(f.min)) && match(r[5], this.encHour(f.hour));
  }

  // ---- control registers ----

  private writeA(v: number): void {
    const s = this.state;
    const wasRunning = this.dividerRunning();
    if (this.updating()) this.latchTime();
    this.syncPeriodic();
    s.ram[REG_A] = v & 0x7f;
    const now = this.ctx.clock.now();
    if (!wasRunning && this.dividerRunning()) {
      s.phaseNs = now - NS_PER_S / 2; // first update 500 ms after the divider restarts
    }
    s.baseTick = this.tick(now);
    s.pfSinceNs = now;
    this.afterRestore();
  }

  private writeB(v: number): void {
    const s = this.state;
    if (this.updating()) this.latchTime();
    this.syncPeriodic();
    if (v & B_SET) v &= ~B_UIE;
    s.ram[REG_B] = v;
    s.baseTick = this.tick(this.ctx.clock.now());
    this.afterRestore();
  }

  private readC(): number {
    const s = this.state;
    this.syncPeriodic();
    const v = s.flags | (this.irqf() ? C_IRQF : 0);
    s.flags = 0;
    s.pfSinceNs = this.ctx.clock.now();
    this.updateIrq();
    this.armPeriodic();
    return v;
  }

  // ---- interrupts ----

  /** Period of the periodic interrupt in ns, or 0 when RS = 0 or the divider is held. */
  private periodNs(): number {
    const rs = this.state.ram[REG_A] & 0x0f;
    if (rs === 0 || !this.dividerRunning()) return 0;
    const hz = rs <= 2 ? 256 >> (rs - 1) : 32768 >> (rs - 1);
    return NS_PER_S / hz;
  }

  /** Latch PF if a periodic edge passed since it was last cleared (PF is set even with PIE off). */
  private syncPeriodic(): void {
    const s = this.state;
    const p = this.periodNs();
    if (p === 0 || (s.flags & C_PF)) return;
    const now = this.ctx.clock.now();
    if (Math.floor((now - s.phaseNs + 1) / p) > Math.floor((s.pfSinceNs - s.phaseNs + 1) / p)) s.flags |= C_PF;
  }

  private irqf(): boolean {
    const b = this.state.ram[REG_B];
    const fl = this.state.flags;
    return ((fl & C_PF) !== 0 && (b & B_PIE) !== 0) || ((fl & C_AF) !== 0 && (b & B_AIE) !== 0)
      || ((fl & C_UF) !== 0 && (b & B_UIE) !== 0);
  }

  private updateIrq(): void {
    const want = this.irqf();
    if (want !== this.wire.level) {
      if (want) this.wire.raise();
      else this.wire.lower();
    }
  }

  private armUpdate(): void {
    if (this.updateTimer >= 0) this.ctx.clock.cancel(this.updateTimer);
    this.updateTimer = -1;
    if (!this.updating()) return;
    const next = this.state.phaseNs + (this.tick(this.ctx.clock.now()) + 1) * NS_PER_S;
    this.updateTimer = this.ctx.clock.at(next, this.onUpdateBound);
  }

  private onUpdate(): void {
    this.updateTimer = -1;
    this.state.flags |= C_UF;
    if (this.alarmMatches()) this.state.flags |= C_AF;
    this.updateIrq();
    this.armUpdate();
  }

  /** Arm the next periodic edge only when it can raise the IRQ and PF is not yet latched. */
  private armPeriodic(): void {
    if (this.periodicTimer >= 0) this.ctx.clock.cancel(this.periodicTimer);
    this.periodicTimer = -1;
    const s = this.state;
    const p = this.periodNs();
    if (p === 0 || !(s.ram[REG_B] & B_PIE) || (s.flags & C_PF)) return;
    const base = Math.max(s.pfSinceNs, this.ctx.clock.now());
    const next = s.phaseNs + (Math.floor((base - s.phaseNs + 1) / p) + 1) * p;
    this.periodicTimer = this.ctx.clock.at(next, this.onPeriodicBound);
  }

  private onPeriodic(): void {
    this.periodicTimer = -1;
    this.state.flags |= C_PF;
    this.updateIrq();
  }
}

registerDevice({
  word: 'rtc',
  params: ['iobase', 'irq', 'ram-mib'],
  help: 'Motorola MC146818A RTC + 128 bytes CMOS (ports iobase, iobase+1). Defaults: 0x70, irq 8.\n'
    + 'ram-mib: guest RAM for the CMOS memory-size bytes (default 0). Time starts at host wall time.',
  create(ctx, args) {
    return new Rtc146818(ctx, {
      iobase: args.num(0, 0x70, 0xfffe),
      irq: args.num(1, 8, 255),
      ramBytes: args.num(2, 0, 4095) * 1024 * 1024,
    });
  },
});
