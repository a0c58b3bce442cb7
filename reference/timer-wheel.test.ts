import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimerWheel, type WheelEntry } from './timer-wheel.js';

/** An entry that records when it fired and resolves a promise then. */
function entry(onFire?: (e: WheelEntry) => void): WheelEntry & { fired: Promise<number>; count: number } {
  let resolve!: (t: number) => void;
  const fired = new Promise<number>((r) => (resolve = r));
  const e = {
    wheelSlot: -1,
    count: 0,
    fired,
    onDeadline(): void {
      e.count++;
      resolve(Date.now());
      onFire?.(e);
    },
  };
  return e;
}

describe('TimerWheel', () => {
  it('fires each entry once, never before its deadline and at most about one resolution late', async () => {
    const wheel = new TimerWheel(10);
    const now = Date.now();
    const dues = [now + 5, now + 30, now + 30, now + 61];
    const entries = dues.map(() => entry());
    entries.forEach((e, i) => wheel.schedule(e, dues[i] as number));
    expect(wheel.size).toBe(4);
    const times = await Promise.all(entries.map((e) => e.fired));
    times.forEach((t, i) => expect(t).toBeGreaterThanOrEqual(dues[i] as number));
    expect(wheel.size).toBe(0);
    expect(entries.map((e) => e.count)).toEqual([1, 1, 1, 1]);
  });

  it('a cancelled entry does not fire; a rescheduled one fires at its new deadline', async () => {
    const wheel = new TimerWheel(10);
    const cancelled = entry();
    const moved = entry();
    const after = entry();
    const now = Date.now();
    wheel.schedule(cancelled, now + 20);
    wheel.schedule(moved, now + 20);
    wheel.schedule(moved, now + 60);
    wheel.cancel(cancelled);
    wheel.schedule(after, now + 80); // the barrier: due after every deadline above
    expect(await moved.fired).toBeGreaterThanOrEqual(now + 60);
    await after.fired;
    expect(moved.count).toBe(1);
    expect(cancelled.count).toBe(0);
    expect(cancelled.wheelSlot).toBe(-1);
  });

  it('an entry may schedule itself again from its callback (keep-alive re-check), and cancel another due in the same tick', async () => {
    const wheel = new TimerWheel(10);
    const now = Date.now();
    const victim = entry();
    let again: Promise<number> | undefined;
    const first = entry((e) => {
      wheel.cancel(victim);
      const next = entry();
      again = next.fired;
      wheel.schedule(next, Date.now() + 15);
      wheel.schedule(e, Date.now() + 15);
    });
    wheel.schedule(first, now + 10);
    wheel.schedule(victim, now + 10);
    await first.fired;
    await again;
    expect(victim.count).toBe(0);
  });

  it('clear() drops every deadline', () => {
    const wheel = new TimerWheel(10);
    const es = [entry(), entry()];
    for (const e of es) wheel.schedule(e, Date.now() + 1000);
    wheel.clear();
    expect(wheel.size).toBe(0);
    expect(es.every((e) => e.wheelSlot === -1)).toBe(true);
  });

  it('size counts each scheduled entry once, whatever the schedule/cancel sequence', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(4), fc.boolean(), fc.nat(10_000)), { maxLength: 60 }), (ops) => {
        const wheel = new TimerWheel(50);
        const es = Array.from({ length: 5 }, () => entry());
        const scheduled = new Set<number>();
        for (const [i, add, ms] of ops) {
          const e = es[i] as WheelEntry;
          if (add) {
            wheel.schedule(e, Date.now() + 60_000 + ms);
            scheduled.add(i);
          } else {
            wheel.cancel(e);
            scheduled.delete(i);
          }
          expect(wheel.size).toBe(scheduled.size);
        }
        wheel.clear();
      }),
    );
  });

  it('rejects a resolution that is not positive', () => {
    expect(() => new TimerWheel(0)).toThrow(RangeError);
  });
});
