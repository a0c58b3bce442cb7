const DUE = -2;

/** Something with a deadline on a {@link TimerWheel}. */
export interface WheelEntry {
  /** Called once the deadline has passed (the entry is off the wheel by then; it may schedule again). */
  onDeadline(): void;
  /** The slot it waits in; -1 when not scheduled (-2 while due in the current tick). Owned by the wheel. */
  wheelSlot: number;
}

/**
 * Coarse deadlines for many connections on one Node timer (the CONNECT timeout, keep-alive): an
 * entry waits in the slot of its due time rounded up to `resolutionMs`, so it fires at most one
 * resolution late and never early. A scheduled connection costs one Set entry, instead of a
 * Timeout object (and its arguments array) per connection.
 */
export class TimerWheel {
  /** Slot number (due time / resolution, rounded up) -> entries due then. */
  private readonly slots = new Map<number, Set<WheelEntry>>();
  private timer: NodeJS.Timeout | undefined;
  /** The slot the timer is armed for (Infinity: not armed). */
  private armedSlot = Infinity;
  /**
   * Slots count from here, not from 1970: a slot number stays a small integer (V8 stores it in the
   * entry as is for 3.4 years at 50 ms), where an epoch slot number (~3.5e10) would make V8 box
   * every entry's `wheelSlot` as a 16-byte heap number (memory per idle connection).
   */
  private readonly origin = Date.now();

  constructor(readonly resolutionMs = 50) {
    if (!(resolutionMs > 0)) throw new RangeError(`resolutionMs must be > 0, got ${String(resolutionMs)}`);
  }

  /** Number of scheduled entries (for tests and stats). */
  get size(): number {
    let n = 0;
    for (const set of this.slots.values()) n += set.size;
    return n;
  }

  /** Schedules `entry` for `dueAt` (epoch ms), replacing its previous deadline. */
  schedule(entry: WheelEntry, dueAt: number): void {
    this.cancel(entry);
    const slot = Math.ceil((dueAt - this.origin) / this.resolutionMs);
    let set = this.slots.get(slot);
    if (set === undefined) {
      set = new Set();
      this.slots.set(slot, set);
    }
    set.add(entry);
    entry.wheelSlot = slot;
    if (slot < this.armedSlot) this.arm(slot);
  }

  cancel(entry: WheelEntry): void {
    const slot = entry.wheelSlot;
    entry.wheelSlot = -1; // also stops one that is due in the current tick (-2) from firing
    if (slot < 0) return;
    const set = this.slots.get(slot);
    if (set === undefined) return;
    set.delete(entry);
    if (set.size === 0) this.slots.delete(slot); // the timer stays armed: firing on nothing just re-arms
  }

  /** Drops every deadline and the timer. */
  clear(): void {
    for (const set of this.slots.values()) for (const e of set) e.wheelSlot = -1;
    this.slots.clear();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedSlot = Infinity;
  }

  private arm(slot: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.armedSlot = slot;
    // Unref'd: connections (their sockets) keep the process alive, a deadline alone does not.
    this.timer = setTimeout(fire, Math.max(1, this.origin + slot * this.resolutionMs - Date.now()), this);
    this.timer.unref();
  }

  /** The timer fired: runs every entry whose slot has passed, then re-arms for the earliest left. */
  tick(): void {
    this.timer = undefined;
    this.armedSlot = Infinity;
    const current = Math.floor((Date.now() - this.origin) / this.resolutionMs); // a timer that fired a little early finds nothing due yet
    const due: WheelEntry[] = [];
    for (const [slot, set] of this.slots) {
      if (slot > current) continue;
      for (const e of set) due.push(e);
      this.slots.delete(slot);
    }
    for (const e of due) e.wheelSlot = DUE;
    for (const e of due) {
      if (e.wheelSlot !== DUE) continue; // an earlier callback cancelled or rescheduled it
      e.wheelSlot = -1;
      e.onDeadline();
    }
    let next = Infinity;
    for (const slot of this.slots.keys()) if (slot < next) next = slot;
    if (next < this.armedSlot) this.arm(next);
  }
}

function fire(wheel: TimerWheel): void {
  wheel.tick();
}
