import type { SqliteDatabase } from './database.js';

/**
 * The one database connection both SQLite stores write through, and the unit of atomicity.
 *
 * Outside a batch every change commits on its own. Inside `batch(fn)` (the broker wraps the
 * handling of each inbound packet in one) the first change opens a transaction and the end of
 * the batch commits it, so everything one packet caused (the inbound QoS 2 id, the retained copy,
 * every subscriber's queue or in-flight row) is stored together or not at all. The batch ends
 * synchronously, before the connection's corked writes (the PUBACK/PUBREC, the deliveries) are
 * released on the next tick: nothing is acknowledged or delivered before it is durable.
 */
export class Journal {
  private depth = 0;
  private open = false;
  private users = 0;
  private closed = false;

  /** `onClose` runs once the connection is closed (the data directory lock is released there). */
  constructor(
    readonly db: SqliteDatabase,
    private readonly onClose?: () => void,
  ) {}

  /** Runs statements as one change: inside a batch's transaction, or as their own transaction. */
  write(fn: () => void): void {
    if (this.closed) return;
    if (this.depth > 0) {
      if (!this.open) {
        this.db.exec('BEGIN IMMEDIATE');
        this.open = true;
      }
      fn();
      return;
    }
    this.db.transaction(fn)();
  }

  batch<T>(fn: () => T): T {
    this.depth++;
    try {
      return fn();
    } finally {
      if (--this.depth === 0 && this.open) {
        this.open = false;
        if (!this.closed) this.db.exec('COMMIT');
      }
    }
  }

  /** Each store that shares the connection takes a reference; the last release closes it. */
  retain(): void {
    this.users++;
  }

  release(): void {
    if (--this.users > 0 || this.closed) return;
    this.closed = true;
    if (this.open) {
      this.open = false;
      this.db.exec('COMMIT');
    }
    this.db.close();
    this.onClose?.();
  }
}
