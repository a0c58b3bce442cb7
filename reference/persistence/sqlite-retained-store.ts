import type { StoredMessage } from '../session/index.js';
import { MemoryRetainedStore } from '../retain/index.js';
import type { Journal } from './journal.js';
import { propsFromJson, propsToJson } from './v5-columns.js';

/**
 * Retained messages in memory for matching (the memory store's topic trie), each change mirrored
 * to SQLite; read back when the store opens.
 */
export class SqliteRetainedStore extends MemoryRetainedStore {
  private readonly stmt;

  constructor(private readonly journal: Journal) {
    super();
    const db = journal.db;
    this.stmt = {
      set: db.prepare('INSERT OR REPLACE INTO retained (topic, payload, qos, props, expires_at) VALUES (?, ?, ?, ?, ?)'),
      delete: db.prepare('DELETE FROM retained WHERE topic = ?'),
    };
    type Row = { topic: string; payload: Buffer; qos: number; props: string | null; expires_at: number | null };
    for (const row of db.prepare('SELECT topic, payload, qos, props, expires_at FROM retained').all() as Row[]) {
      const m: StoredMessage = { topic: row.topic, payload: row.payload, qos: row.qos === 2 ? 2 : row.qos === 1 ? 1 : 0, retain: true };
      const properties = propsFromJson(row.props);
      super.set(properties === undefined && row.expires_at === null ? m : { ...m, properties, expiresAt: row.expires_at ?? undefined });
    }
  }

  override set(message: StoredMessage): void {
    this.journal.write(() => this.stmt.set.run(message.topic, message.payload, message.qos, propsToJson(message.properties), message.expiresAt ?? null));
    super.set(message);
  }

  override delete(topic: string): boolean {
    if (!super.delete(topic)) return false;
    this.journal.write(() => this.stmt.delete.run(topic));
    return true;
  }

  override async close(): Promise<void> {
    this.journal.release();
  }
}
