import type { QoS } from '../../harness/codec/index.js';
import {
  newSessionState,
  ownInboundQos2,
  ownInflight,
  ownQueue,
  ownSubscriptions,
  type InflightMessage,
  type SessionChange,
  type SessionState,
  type SessionStore,
  type StoredMessage,
} from '../session/index.js';
import type { Journal } from './journal.js';
import { extrasFromJson, extrasToJson, grantFromRow, optionsToJson, propsFromJson, propsToJson } from './v5-columns.js';

interface MessageRow {
  client_id: string;
  topic: string;
  payload: Buffer;
  message_qos: number;
  retain: number;
  qos: number;
  props?: string | null;
  expires_at?: number | null;
  extras?: string | null;
}

const asQos = (n: number): QoS => (n === 2 ? 2 : n === 1 ? 1 : 0);
const toMessage = (row: MessageRow): StoredMessage => {
  const properties = propsFromJson(row.props);
  const m: StoredMessage = { topic: row.topic, payload: row.payload, qos: asQos(row.message_qos), retain: row.retain === 1 };
  if (properties === undefined && (row.expires_at ?? null) === null) return m;
  return { ...m, properties, expiresAt: row.expires_at ?? undefined };
};
const withExtras = <T extends object>(entry: T, extras: string | null | undefined): T => {
  const e = extrasFromJson(extras);
  return e ? { ...entry, extras: e } : entry;
};

/**
 * Sessions in memory, persistent ones (CleanSession 0) mirrored to SQLite change by change.
 * A clean session lives only as long as its connection (MQTT-3.1.2-6), so it is never written:
 * after a restart it would be discarded anyway. The live objects stay the state the broker reads;
 * the database is read once, when the store opens.
 */
export class SqliteSessionStore implements SessionStore {
  private readonly sessions = new Map<string, SessionState>();
  private readonly stmt;

  constructor(private readonly journal: Journal) {
    const db = journal.db;
    this.stmt = {
      insertSession: db.prepare('INSERT OR REPLACE INTO sessions (client_id, protocol_version, expiry_interval, expires_at) VALUES (?, ?, NULL, NULL)'),
      deleteSession: db.prepare('DELETE FROM sessions WHERE client_id = ?'),
      deleteSubscriptions: db.prepare('DELETE FROM subscriptions WHERE client_id = ?'),
      deleteQueue: db.prepare('DELETE FROM queue WHERE client_id = ?'),
      deleteInflight: db.prepare('DELETE FROM inflight WHERE client_id = ?'),
      deleteInbound: db.prepare('DELETE FROM inbound_qos2 WHERE client_id = ?'),
      subscribe: db.prepare('INSERT OR REPLACE INTO subscriptions (client_id, filter, qos, options) VALUES (?, ?, ?, ?)'),
      unsubscribe: db.prepare('DELETE FROM subscriptions WHERE client_id = ? AND filter = ?'),
      enqueue: db.prepare('INSERT INTO queue (client_id, topic, payload, message_qos, retain, qos, props, expires_at, extras) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      dequeue: db.prepare('DELETE FROM queue WHERE seq = (SELECT seq FROM queue WHERE client_id = ? ORDER BY seq LIMIT 1)'),
      inflightAdd: db.prepare(
        'INSERT OR REPLACE INTO inflight (client_id, packet_id, topic, payload, message_qos, retain, qos, state, props, expires_at, extras) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      inflightPubrel: db.prepare("UPDATE inflight SET state = 'pubrel' WHERE client_id = ? AND packet_id = ?"),
      inflightRemove: db.prepare('DELETE FROM inflight WHERE client_id = ? AND packet_id = ?'),
      inboundAdd: db.prepare('INSERT OR IGNORE INTO inbound_qos2 (client_id, packet_id) VALUES (?, ?)'),
      inboundRemove: db.prepare('DELETE FROM inbound_qos2 WHERE client_id = ? AND packet_id = ?'),
      touch: db.prepare('UPDATE sessions SET protocol_version = ?, expiry_interval = ?, expires_at = ? WHERE client_id = ?'),
    };
    this.load();
  }

  private load(): void {
    const db = this.journal.db;
    type SessionRow = { client_id: string; protocol_version: number; expiry_interval: number | null; expires_at: number | null };
    for (const row of db.prepare('SELECT client_id, protocol_version, expiry_interval, expires_at FROM sessions').all() as SessionRow[]) {
      const v = row.protocol_version === 3 || row.protocol_version === 5 ? row.protocol_version : 4;
      const session = newSessionState(row.client_id, false, v);
      // MQTT 5.0 Session Expiry Interval, kept across a restart (the broker expires or schedules it).
      if (row.expiry_interval !== null) session.expiryInterval = row.expiry_interval;
      if (row.expires_at !== null) session.expiresAt = row.expires_at;
      this.sessions.set(row.client_id, session);
    }
    type SubscriptionRow = { client_id: string; filter: string; qos: number; options: string | null };
    for (const row of db.prepare('SELECT client_id, filter, qos, options FROM subscriptions ORDER BY rowid').all() as SubscriptionRow[]) {
      const session = this.sessions.get(row.client_id);
      if (session) ownSubscriptions(session).set(row.filter, grantFromRow(asQos(row.qos), row.options));
    }
    for (const row of db.prepare('SELECT * FROM queue ORDER BY seq').all() as MessageRow[]) {
      const session = this.sessions.get(row.client_id);
      if (session) ownQueue(session).push(withExtras({ message: toMessage(row), qos: asQos(row.qos) }, row.extras));
    }
    for (const row of db.prepare('SELECT * FROM inflight ORDER BY seq').all() as (MessageRow & { packet_id: number; state: string })[]) {
      const session = this.sessions.get(row.client_id);
      if (!session) continue;
      const entry: InflightMessage = withExtras(
        { packetId: row.packet_id, message: toMessage(row), qos: row.qos === 2 ? 2 : 1, state: row.state === 'pubrel' ? 'pubrel' : 'publish' },
        row.extras,
      );
      ownInflight(session).set(row.packet_id, entry);
      if (row.packet_id >= session.nextPacketId) session.nextPacketId = row.packet_id === 65535 ? 1 : row.packet_id + 1;
    }
    for (const row of db.prepare('SELECT client_id, packet_id FROM inbound_qos2').all() as { client_id: string; packet_id: number }[]) {
      const session = this.sessions.get(row.client_id);
      if (session) ownInboundQos2(session).add(row.packet_id);
    }
  }

  get(clientId: string): SessionState | undefined {
    return this.sessions.get(clientId);
  }

  create(clientId: string, clean: boolean, protocolVersion: 3 | 4 | 5): SessionState {
    const previous = this.sessions.get(clientId);
    const session = newSessionState(clientId, clean, protocolVersion);
    this.sessions.set(clientId, session);
    if (!clean || (previous && !previous.clean)) {
      this.journal.write(() => {
        this.deleteRows(clientId);
        if (!clean) this.stmt.insertSession.run(clientId, protocolVersion);
      });
    }
    return session;
  }

  delete(clientId: string): void {
    const session = this.sessions.get(clientId);
    if (!session) return;
    this.sessions.delete(clientId);
    if (!session.clean) this.journal.write(() => this.deleteRows(clientId));
  }

  private deleteRows(clientId: string): void {
    this.stmt.deleteSession.run(clientId);
    this.stmt.deleteSubscriptions.run(clientId);
    this.stmt.deleteQueue.run(clientId);
    this.stmt.deleteInflight.run(clientId);
    this.stmt.deleteInbound.run(clientId);
  }

  get size(): number {
    return this.sessions.size;
  }

  values(): IterableIterator<SessionState> {
    return this.sessions.values();
  }

  record(session: SessionState, change: SessionChange): void {
    if (session.clean || this.sessions.get(session.clientId) !== session) return;
    const id = session.clientId;
    const s = this.stmt;
    this.journal.write(() => {
      switch (change.kind) {
        case 'subscribe':
          s.subscribe.run(id, change.filter, change.grant.qos, optionsToJson(change.grant));
          return;
        case 'unsubscribe':
          s.unsubscribe.run(id, change.filter);
          return;
        case 'enqueue': {
          const m = change.entry.message;
          s.enqueue.run(id, m.topic, m.payload, m.qos, m.retain ? 1 : 0, change.entry.qos, propsToJson(m.properties), m.expiresAt ?? null, extrasToJson(change.entry.extras));
          return;
        }
        case 'dequeue':
          s.dequeue.run(id);
          return;
        case 'inflight-add': {
          const e = change.entry;
          const m = e.message;
          s.inflightAdd.run(id, e.packetId, m.topic, m.payload, m.qos, m.retain ? 1 : 0, e.qos, e.state, propsToJson(m.properties), m.expiresAt ?? null, extrasToJson(e.extras));
          return;
        }
        case 'inflight-pubrel':
          s.inflightPubrel.run(id, change.packetId);
          return;
        case 'inflight-remove':
          s.inflightRemove.run(id, change.packetId);
          return;
        case 'inbound-qos2-add':
          s.inboundAdd.run(id, change.packetId);
          return;
        case 'inbound-qos2-remove':
          s.inboundRemove.run(id, change.packetId);
          return;
        default: {
          const never: never = change;
          throw new Error(`unknown session change ${JSON.stringify(never)}`);
        }
      }
    });
  }

  touch(session: SessionState): void {
    if (session.clean || this.sessions.get(session.clientId) !== session) return;
    this.journal.write(() => this.stmt.touch.run(session.protocolVersion, session.expiryInterval ?? null, session.expiresAt ?? null, session.clientId));
  }

  /** Groups the changes `fn` makes into one transaction (the broker calls this per inbound packet). */
  batch<T>(fn: () => T): T {
    return this.journal.batch(fn);
  }

  async close(): Promise<void> {
    this.sessions.clear();
    this.journal.release();
  }
}
