import { openDatabase, type SyncMode } from './database.js';
import { Journal } from './journal.js';
import { SqliteRetainedStore } from './sqlite-retained-store.js';
import { SqliteSessionStore } from './sqlite-session-store.js';

export interface DurableStores {
  readonly sessionStore: SqliteSessionStore;
  readonly retainedStore: SqliteRetainedStore;
}

/**
 * Opens the SQLite stores of a data directory (created when missing). Both stores share one
 * connection, so the changes of one inbound packet commit together; the database closes when
 * both stores are closed (the broker closes them on shutdown).
 */
export function openDataDir(dir: string, sync: SyncMode = 'normal'): DurableStores {
  const journal = new Journal(openDatabase(dir, sync));
  journal.retain();
  journal.retain();
  return { sessionStore: new SqliteSessionStore(journal), retainedStore: new SqliteRetainedStore(journal) };
}
