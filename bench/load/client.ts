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

/** Payload bytes: a one-byte kind ('D' data, 'E' end marker) then filler. */
export const DATA = 0x44;
export const END = 0x45;

export function payload(kind: number, size: number): Buffer {
  const b = Buffer.alloc(Math.max(1, size), 0x2e);
  b[0] = kind;
  return b;
}
