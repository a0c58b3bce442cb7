import { mkdirSync } from 'node:fs';
import { openDatabase, type SyncMode } from './database.js';
import { PersistenceError } from './errors.js';
import { lockDataDir } from './lock-file.js';
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
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new PersistenceError('PERSISTENCE_OPEN', dir, `cannot create the data directory: ${(error as Error).message}`, { cause: error });
  }
  const unlock = lockDataDir(dir);
  let db;
  try {
    db = openDatabase(dir, sync);
  } catch (error) {
    unlock();
    throw error;
  }
  const journal = new Journal(db, unlock);
  journal.retain();
  journal.retain();
  return { sessionStore: new SqliteSessionStore(journal), retainedStore: new SqliteRetainedStore(journal) };
}
