import { NativeFb, type NativeBlock, type NativeContext, type RestartMode } from './native-fb.js';

/** E_CYCLE: EO every DT after START until STOP. Periods are kept on the grid START + n·DT. */
export class E_CYCLE extends NativeFb {
  DT = 0;
  private next = 0;
  private active = false;
  $event(ei: number): void {
    if (ei === 0) {
      if (this.active) return;
      this.active = true;
      this.next = this.$ctx.now() + Math.max(this.DT, 1);
      this.$ctx.schedule(this, this.next);
    } else {
      this.active = false;
      this.$ctx.cancel(this);
    }
  }
  override $timer(): void {
    if (!this.active) return;
    const period = Math.max(this.DT, 1);
    this.next += period;
    this.$ctx.rearm(this, period);
    this.$emit(0);
  }
  override $restart(mode: RestartMode): void {
    if (mode === 'STOP') { this.active = false; this.$ctx.cancel(this); }
  }
}

/** E_DELAY: EO once, DT after START; a START while running is ignored; STOP cancels. */
export class E_DELAY extends NativeFb {
  DT = 0;
  protected active = false;
  $event(ei: number): void {
    if (ei === 0) {
      if (this.active) return;
      this.active = true;
      this.$ctx.schedule(this, this.$ctx.now() + this.DT);
    } else {
      this.active = false;
      this.$ctx.cancel(this);
    }
  }
  override $timer(): void {
    if (!this.active) return;
    this.active = false;
    this.$emit(0);
  }
  override $restart(mode: RestartMode): void {
    if (mode === 'STOP') { this.active = false; this.$ctx.cancel(this); }
  }
}

/** E_RDELAY: like E_DELAY, but a START while running restarts the delay. */
export class E_RDELAY extends E_DELAY {
  override $event(ei: number): void {
    if (ei === 0) {
      this.active = true;
      this.$ctx.schedule(this, this.$ctx.now() + this.DT);
    } else {
      super.$event(ei);
    }
  }
}

/** E_TP: pulse Q for PT on REQ (not retriggerable), CNF on each change of Q. */
export class E_TP extends NativeFb {
  PT = 0;
  Q = false;
  ET = 0;
  private start = 0;
  $event(_ei: number): void {
    if (this.Q) return;
    this.Q = true;
    this.start = this.$ctx.now();
    this.ET = 0;
    this.$ctx.schedule(this, this.start + this.PT);
    this.$emit(0);
  }
  override $timer(): void {
    this.Q = false;
    this.ET = this.PT;
    this.$emit(0);
  }
}

/** E_TON: Q rises PT after REQ with IN TRUE; IN FALSE resets at once. */
export class E_TON extends NativeFb {
  IN = false;
  PT = 0;
  Q = false;
  ET = 0;
  private running = false;
  private start = 0;
  $event(_ei: number): void {
    if (this.IN) {
      if (!this.running && !this.Q) {
        this.running = true;
        this.start = this.$ctx.now();
        this.$ctx.schedule(this, this.start + this.PT);
      }
      if (this.running) this.ET = this.$ctx.now() - this.start;
    } else {
      const was = this.Q;
      this.running = false;
      this.$ctx.cancel(this);
      this.Q = false;
      this.ET = 0;
      if (was) this.$emit(0);
    }
  }
  override $timer(): void {
    if (!this.running) return;
    this.running = false;
    this.Q = true;
    this.ET = this.PT;
    this.$emit(0);
  }
}

/** E_TOF: Q follows IN TRUE at once, falls PT after IN goes FALSE. */
export class E_TOF extends NativeFb {
  IN = false;
  PT = 0;
  Q = false;
  ET = 0;
  private running = false;
  $event(_ei: number): void {
    if (this.IN) {
      this.running = false;
      this.$ctx.cancel(this);
      this.ET = 0;
      if (!this.Q) { this.Q = true; this.$emit(0); }
    } else if (this.Q && !this.running) {
      this.running = true;
      this.$ctx.schedule(this, this.$ctx.now() + this.PT);
    }
  }
  override $timer(): void {
    if (!this.running) return;
    this.running = false;
    this.Q = false;
    this.ET = this.PT;
    this.$emit(0);
  }
}

/** E_PULSE: on REQ, Q TRUE for PT (CNF at both edges). */
export class E_PULSE extends E_TP {}

/** E_TRAIN: N events EO, DT apart, after START; CV counts them. */
export class E_TRAIN extends NativeFb {
  DT = 0;
  N = 0;
  CV = 0;
  private active = false;
  private next = 0;
  $event(ei: number): void {
    if (ei === 0) {
      if (this.active) return;
      this.active = true;
      this.CV = 0;
      this.next = this.$ctx.now() + this.DT;
      if (this.N > 0) this.$ctx.schedule(this, this.next);
      else this.active = false;
    } else {
      this.active = false;
      this.$ctx.cancel(this);
    }
  }
  override $timer(): void {
    if (!this.active) return;
    this.CV = (this.CV + 1) & 0xffff;
    if (this.CV >= this.N) this.active = false;
    // the next pulse DT after this one was due, given as a period: nothing boxed per pulse
    else { this.next += this.DT; this.$ctx.rearm(this, this.DT); }
    this.$emit(0);
  }
}

/** E_STOPWATCH: TD is the time from START to STOP, emitted with EO. */
export class E_STOPWATCH extends NativeFb {
  TD = 0;
  private start = 0;
  $event(ei: number): void {
    if (ei === 0) this.start = this.$ctx.now();
    else { this.TD = this.$ctx.now() - this.start; this.$emit(0); }
  }
}

/** Event names each class handles, in the order of its event numbers (bound to the .fbt by name). */
const START_STOP = { inputs: ['START', 'STOP'], outputs: ['EO'] };
const REQ_CNF = { inputs: ['REQ'], outputs: ['CNF'] };

export const TIMER_BLOCKS: NativeBlock[] = [
  { name: 'E_CYCLE', events: START_STOP, create: (c: NativeContext) => new E_CYCLE(c) },
  { name: 'E_DELAY', events: START_STOP, create: (c) => new E_DELAY(c) },
  { name: 'E_RDELAY', events: START_STOP, create: (c) => new E_RDELAY(c) },
  { name: 'E_TP', events: REQ_CNF, create: (c) => new E_TP(c) },
  { name: 'E_PULSE', events: REQ_CNF, create: (c) => new E_PULSE(c) },
  { name: 'E_TON', events: REQ_CNF, create: (c) => new E_TON(c) },
  { name: 'E_TOF', events: REQ_CNF, create: (c) => new E_TOF(c) },
  { name: 'E_TRAIN', events: START_STOP, create: (c) => new E_TRAIN(c) },
  { name: 'E_STOPWATCH', events: START_STOP, create: (c) => new E_STOPWATCH(c) },
];
