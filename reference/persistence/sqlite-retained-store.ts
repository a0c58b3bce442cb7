import type { StoredMessage } from '../session/index.js';
import type { RetainedStore } from '../retain/index.js';
import { TopicTrie } from '../topic/index.js';
import type { Journal } from './journal.js';
import { propsFromJson, propsToJson } from './v5-columns.js';

/** Retained messages in a topic trie for matching, mirrored to SQLite; read back when the store opens. */
export class SqliteRetainedStore implements RetainedStore {
  private readonly trie = new TopicTrie<StoredMessage>();
  private readonly stmt;

  constructor(private readonly journal: Journal) {
    const db = journal.db;
    this.stmt = {
      set: db.prepare('INSERT OR REPLACE INTO retained (topic, payload, qos, props, expires_at) VALUES (?, ?, ?, ?, ?)'),
      delete: db.prepare('DELETE FROM retained WHERE topic = ?'),
    };
    type Row = { topic: string; payload: Buffer; qos: number; props: string | null; expires_at: number | null };
    for (const row of db.prepare('SELECT topic, payload, qos, props, expires_at FROM retained').all() as Row[]) {
      const m: StoredMessage = { topic: row.topic, payload: row.payload, qos: row.qos === 2 ? 2 : row.qos === 1 ? 1 : 0, retain: true };
      const properties = propsFromJson(row.props);
      this.trie.set(row.topic, properties === undefined && row.expires_at === null ? m : { ...m, properties, expiresAt: row.expires_at ?? undefined });
    }
  }

  set(message: StoredMessage): void {
    this.journal.write(() => this.stmt.set.run(message.topic, message.payload, message.qos, propsToJson(message.properties), message.expiresAt ?? null));
    this.trie.set(message.topic, message);
  }

  delete(topic: string): boolean {
    if (!this.trie.delete(topic)) return false;
    this.journal.write(() => this.stmt.delete.run(topic));
    return true;
  }

  get(topic: string): StoredMessage | undefined {
    return this.trie.get(topic);
  }

  match(filter: string, visit: (message: StoredMessage) => void): void {
    this.trie.match(filter, visit);
  }

  get size(): number {
    return this.trie.size;
  }

  values(): IterableIterator<StoredMessage> {
    return this.trie.values();
  }

  async close(): Promise<void> {
    this.journal.release();
  }
}
