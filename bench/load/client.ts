import { BenchConnection } from './connection.js';
import type { ClientResult } from './protocol.js';

/** One load-generator client inside a worker. */
export interface LoadClient {
  /** Open connections (and subscriptions) before the measured phase. */
  prepare(host: string, port: number): Promise<void>;
  /** Start the measured phase; `done` settles when this client has finished its part. */
  go(): void;
  readonly done: Promise<void>;
  /** Stop early (the coordinator's time bound): no more sends. */
  stop(): void;
  result(): ClientResult;
  /** Deliveries counted by this client so far (subscribers), for the publishers' pacing. */
  delivered?(): number;
  /** The phase's total deliveries so far (publishers' pacing). */
  credit?(delivered: number): void;
  close(): void;
}

/** A promise with its resolve function, settled at most once. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * A load client over one BenchConnection, the lifecycle every role shares: `prepare` opens the
 * connection, losing it ends `done` with the reason, `stop` and `close` clear the role's timer.
 * Roles add what they send and count (their packet handlers stay theirs: the hot path).
 */
export abstract class ConnectionClient implements LoadClient {
  protected conn: BenchConnection | undefined;
  protected readonly finished = deferred();
  readonly done = this.finished.promise;
  protected error: string | undefined;
  protected timer: NodeJS.Timeout | undefined;

  constructor(private readonly clientId: string) {}

  async prepare(host: string, port: number): Promise<void> {
    const conn = await BenchConnection.open(host, port, this.clientId);
    this.conn = conn;
    conn.onLost = (why) => this.fail(why);
    await this.opened(conn);
  }

  /** What the role sets up once its connection is open (packet handlers, a subscription). */
  protected opened(conn: BenchConnection): void | Promise<void> {
    void conn;
  }

  /** Ends the client; the first reason is the one its result reports. */
  protected fail(why: string): void {
    this.error ??= why;
    this.finished.resolve();
  }

  /** The connection `go` drives, or undefined (and the client failed) when `prepare` never ran. */
  protected connection(): BenchConnection | undefined {
    if (this.conn === undefined) this.fail('not prepared');
    return this.conn;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.finished.resolve();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.conn?.close();
  }

  abstract go(): void;
  abstract result(): ClientResult;
}

/** Payload bytes: a one-byte kind ('D' data, 'E' end marker) then filler. */
export const DATA = 0x44;
export const END = 0x45;

export function payload(kind: number, size: number): Buffer {
  const b = Buffer.alloc(Math.max(1, size), 0x2e);
  b[0] = kind;
  return b;
}
