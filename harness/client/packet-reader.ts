/**
 * The reading side shared by both ends of the harness: the test client (judging a broker) and the
 * scripted server's connections (judging a client). Decoded packets queue here until an
 * expectation consumes them; every expectation is a bounded wait re-checked at each event. What
 * differs between the two ends (what "dead" means, how the connection's end is worded) each end
 * says through {@link failIfDead} and {@link receivedText}.
 */
import type { Packet, PacketOf, PacketType, ProtocolVersion } from '../codec/index.js';
import { decodeAll } from '../codec/index.js';
import { ExpectationError, TimeoutError } from './errors.js';
import type { PacketPattern } from './match.js';
import { describePattern, mismatch } from './match.js';
import type { TraceRecorder } from './trace.js';
import { describePacket, toTracePacket, traceHex } from './trace.js';
import type { Waiter } from './waiters.js';
import { Waiters } from './waiters.js';

export interface WaitOptions {
  /** Bound of this wait (ms); the reader's default when absent. */
  timeoutMs?: number;
}

/** How absence is proven: a barrier packet that must arrive first, or (only where no barrier exists) a time window. */
export type AbsenceProof = { until: PacketPattern; timeoutMs?: number } | { windowMs: number };

/** How a barrier wait words itself in failures (the two ends keep the wording their reports always had). */
export interface BarrierWording {
  /** After "no <forbidden> ": where a forbidden packet was found, e.g. `before the barrier X`. */
  before: string;
  /** What was awaited, for a close or undecodable bytes before the barrier. */
  awaited: string;
  /** The TimeoutError's subject. */
  subject: string;
  /** The TimeoutError's expected text. */
  expected: string;
}

/** Bytes sent as they are, as the trace shows them: the packet when they decode to exactly one, else why not. */
export interface RawBytes {
  packet: Packet | undefined;
  /** Every packet the bytes decode to (none when they do not decode). */
  decoded: Packet[];
  /** Why the bytes are not one packet, when they are not. */
  error: string | undefined;
}

export function decodeRaw(bytes: Buffer, version: ProtocolVersion): RawBytes {
  try {
    const packets = decodeAll(bytes, version);
    if (packets.length === 1) return { packet: packets[0], decoded: packets, error: undefined };
    return { packet: undefined, decoded: packets, error: `${packets.length} packets: ${packets.map(describePacket).join('; ')}` };
  } catch (e) {
    return { packet: undefined, decoded: [], error: `raw bytes (${e instanceof Error ? e.message : String(e)})` };
  }
}

export abstract class PacketReader {
  /** Logical name shown in the trace. */
  readonly name: string;
  readonly trace: TraceRecorder;
  protected readonly inbox: Packet[] = [];
  protected readonly waiters = new Waiters();
  protected readonly defaultTimeoutMs: number;

  protected constructor(name: string, trace: TraceRecorder, defaultTimeoutMs: number) {
    this.name = name;
    this.trace = trace;
    this.defaultTimeoutMs = defaultTimeoutMs;
  }

  /** Received packets no expectation has consumed yet, oldest first. */
  get pending(): readonly Packet[] {
    return this.inbox;
  }

  /** Throws when nothing more can arrive (closed, undecodable bytes, flooded). */
  protected abstract failIfDead(expected: string, pattern?: PacketPattern): void;

  /** The "Received" part of a failure: what is queued and how the connection stands. */
  protected abstract receivedText(pattern?: PacketPattern): string;

  /** Records bytes going out in the trace (decoded where they decode); the caller writes them. */
  protected recordOut(bytes: Buffer, packet: Packet | undefined, error?: string): void {
    this.trace.record({
      client: this.name,
      dir: 'out',
      hex: traceHex(bytes),
      ...(packet ? { packet: toTracePacket(packet) } : {}),
      ...(error !== undefined ? { error } : {}),
    });
  }

  /** How this end words a barrier wait's failures (`barrier` and `forbidden` are described patterns). */
  protected abstract barrierWording(barrier: string, forbidden: string, timeoutMs: number): BarrierWording;

  /**
   * How a time window of absence ends before its time: undefined while it runs, `over` when
   * nothing more can arrive (the window is passed), or the error that fails it.
   */
  protected abstract windowEnd(expected: string): Error | 'over' | undefined;

  /** Removes the queued packet at `i` (consumed by an expectation). */
  protected consume(i: number): Packet | undefined {
    return this.inbox.splice(i, 1)[0];
  }

  private timeout(expected: string, timeoutMs: number, pattern?: PacketPattern): TimeoutError {
    return new TimeoutError(expected, timeoutMs, { expected: `${expected} within ${timeoutMs} ms`, received: this.receivedText(pattern), trace: this.trace.entries });
  }

  /**
   * Waits for a packet matching the pattern, consuming it (earlier non-matching packets stay queued).
   * Fails as soon as the connection closes or undecodable bytes arrive, or after the bound.
   */
  expect<T extends PacketType>(pattern: PacketPattern<T>, options: WaitOptions = {}): Promise<PacketOf<T>> {
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    const expected = describePattern(pattern);
    return this.waiters.wait(
      timeoutMs,
      () => {
        const i = this.inbox.findIndex((p) => mismatch(pattern, p) === undefined);
        if (i >= 0) return this.consume(i) as PacketOf<T>;
        this.failIfDead(expected, pattern);
        return undefined;
      },
      () => this.timeout(expected, timeoutMs, pattern),
    );
  }

  /** Waits for the next packet (whatever it is) and requires it to match: for order-sensitive checks. */
  expectNext<T extends PacketType>(pattern: PacketPattern<T>, options: WaitOptions = {}): Promise<PacketOf<T>> {
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    const expected = `next packet ${describePattern(pattern)}`;
    return this.waiters.wait(
      timeoutMs,
      () => {
        const first = this.inbox[0];
        if (first !== undefined) {
          const m = mismatch(pattern, first);
          if (m !== undefined) throw new ExpectationError({ expected, received: `${describePacket(first)} (${m})`, trace: this.trace.entries });
          return this.consume(0) as PacketOf<T>;
        }
        this.failIfDead(expected);
        return undefined;
      },
      () => this.timeout(expected, timeoutMs),
    );
  }

  /** Waits for the next packet, whatever it is, and consumes it; `what` names it in a failure (default "a packet"). */
  next(options: WaitOptions & { what?: string } = {}): Promise<Packet> {
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    const expected = options.what ?? 'a packet';
    return this.waiters.wait(
      timeoutMs,
      () => {
        if (this.inbox.length > 0) return this.consume(0);
        this.failIfDead(expected);
        return undefined;
      },
      () => this.timeout(expected, timeoutMs),
    );
  }

  /**
   * Proves that no packet matching `pattern` arrives: either a barrier packet (`until`) arrives
   * first (and is consumed) with no matching packet before it, or, where no barrier exists, none
   * arrives within `windowMs` (how an end of the connection counts, each end says in
   * {@link windowEnd}). Matching packets that already arrived count as a failure.
   * Returns the barrier packet (for the caller to acknowledge), or undefined for a window.
   */
  async expectNone(pattern: PacketPattern, proof: AbsenceProof): Promise<Packet | undefined> {
    const forbidden = describePattern(pattern);
    const fail = (p: Packet, how: string): ExpectationError =>
      new ExpectationError({ expected: `no ${forbidden} ${how}`, received: describePacket(p), trace: this.trace.entries });
    if ('until' in proof) {
      const until = proof.until;
      const timeoutMs = proof.timeoutMs ?? this.defaultTimeoutMs;
      const wording = this.barrierWording(describePattern(until), forbidden, timeoutMs);
      return this.waiters.wait<Packet>(
        timeoutMs,
        () => {
          const b = this.inbox.findIndex((p) => mismatch(until, p) === undefined);
          const limit = b >= 0 ? b : this.inbox.length;
          for (let i = 0; i < limit; i++) {
            const p = this.inbox[i];
            if (p !== undefined && mismatch(pattern, p) === undefined) throw fail(p, wording.before);
          }
          if (b >= 0) return this.consume(b);
          this.failIfDead(wording.awaited);
          return undefined;
        },
        () => new TimeoutError(wording.subject, timeoutMs, { expected: wording.expected, received: this.receivedText(), trace: this.trace.entries }),
      );
    }
    const windowMs = proof.windowMs;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.remove(waiter);
        resolve();
      }, windowMs);
      const waiter: Waiter = {
        check: () => {
          const p = this.inbox.find((q) => mismatch(pattern, q) === undefined);
          const end = p !== undefined ? fail(p, `within ${windowMs} ms`) : this.windowEnd(`no ${forbidden} within ${windowMs} ms`);
          if (end === undefined) return false;
          clearTimeout(timer);
          if (end === 'over') resolve();
          else reject(end);
          return true;
        },
      };
      if (!waiter.check()) this.waiters.add(waiter);
    });
    return undefined;
  }
}
