import { MemorySessionStore, type SessionChange, type SessionState, type SessionStore } from '../session/index.js';

/** What the session store asks of the cluster node: journal a persistent session's changes to Redis. */
export interface SessionJournal {
  /** A new persistent session: its flags and replay start. */
  created(session: SessionState): void;
  /** The session's flags after a (re)connect. */
  flags(session: SessionState): void;
  change(session: SessionState, change: SessionChange): void;
  /** The session ended: its keys go. */
  deleted(clientId: string): void;
}

/**
 * Cluster mode's session store: the sessions of the clients connected to this node live in memory
 * (the broker's hot path is unchanged); every change to a persistent one is journalled to Redis,
 * where the session lives once its connection ends (`evict`), for any node to load again.
 */
export class ClusterSessionStore implements SessionStore {
  private readonly local = new MemorySessionStore();

  constructor(private readonly journal: SessionJournal) {}

  get(clientId: string): SessionState | undefined {
    return this.local.get(clientId);
  }

  create(clientId: string, clean: boolean, protocolVersion: 3 | 4 | 5): SessionState {
    const session = this.local.create(clientId, clean, protocolVersion);
    if (!clean) this.journal.created(session);
    return session;
  }

  /**
   * A persistent session loaded from Redis by the node its client connects to: in memory here,
   * nothing journalled. Journalling it as new would move its replay cursor to this node's log
   * position before the replayed messages are delivered, and a crash (or a client gone before its
   * CONNACK) would then lose them.
   */
  load(clientId: string, protocolVersion: 3 | 4 | 5): SessionState {
    return this.local.create(clientId, false, protocolVersion);
  }

  /** The session ended (clean, or expired): gone here and in Redis. */
  delete(clientId: string): void {
    this.local.delete(clientId);
    this.journal.deleted(clientId);
  }

  /** The session moved to Redis (its connection ended): gone from this node only. */
  evict(clientId: string): void {
    this.local.delete(clientId);
  }

  get size(): number {
    return this.local.size;
  }

  values(): IterableIterator<SessionState> {
    return this.local.values();
  }

  record(session: SessionState, change: SessionChange): void {
    if (!session.clean) this.journal.change(session, change);
  }

  touch(session: SessionState): void {
    if (!session.clean) this.journal.flags(session);
  }

  async close(): Promise<void> {
    await this.local.close();
  }
}
