import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { PersistenceError } from './errors.js';
import { migrateV5 } from './v5-columns.js';

/**
 * How hard a commit is pushed to disk.
 * - 'normal' (default): WAL with synchronous=NORMAL. A commit is a write() into the WAL file, so it
 *   survives the broker process dying at any instant (kill -9, crash, OOM): the bytes are in the OS
 *   page cache. An OS crash or power loss may lose the last commits (never corrupts the file).
 *   This is the failure the broker can cause itself, at no fsync per packet.
 * - 'full': synchronous=FULL, the WAL is fsync'ed at every commit: acknowledged messages survive a
 *   power loss too, at the price of one fsync per state-changing inbound packet.
 */
export type SyncMode = 'normal' | 'full';

export const DATABASE_FILE = 'broker.sqlite3';
/** 2: the MQTT 5.0 columns (reference/persistence/v5-columns.ts), added to a version 1 file on open. */
const SCHEMA_VERSION = 2;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sessions (
  client_id TEXT PRIMARY KEY,
  protocol_version INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS subscriptions (
  client_id TEXT NOT NULL,
  filter TEXT NOT NULL,
  qos INTEGER NOT NULL,
  PRIMARY KEY (client_id, filter)
);
CREATE TABLE IF NOT EXISTS queue (
  seq INTEGER PRIMARY KEY,
  client_id TEXT NOT NULL,
  topic TEXT NOT NULL,
  payload BLOB NOT NULL,
  message_qos INTEGER NOT NULL,
  retain INTEGER NOT NULL,
  qos INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS queue_by_client ON queue (client_id, seq);
CREATE TABLE IF NOT EXISTS inflight (
  seq INTEGER PRIMARY KEY,
  client_id TEXT NOT NULL,
  packet_id INTEGER NOT NULL,
  topic TEXT NOT NULL,
  payload BLOB NOT NULL,
  message_qos INTEGER NOT NULL,
  retain INTEGER NOT NULL,
  qos INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('publish', 'pubrel')),
  UNIQUE (client_id, packet_id)
);
CREATE TABLE IF NOT EXISTS inbound_qos2 (
  client_id TEXT NOT NULL,
  packet_id INTEGER NOT NULL,
  PRIMARY KEY (client_id, packet_id)
);
CREATE TABLE IF NOT EXISTS retained (
  topic TEXT PRIMARY KEY,
  payload BLOB NOT NULL,
  qos INTEGER NOT NULL
);
`;

export type SqliteDatabase = Database.Database;

/**
 * better-sqlite3, loaded on the first `--data-dir`: a native module that only durable brokers
 * need, so the package lists it as an optional peer dependency and a broker without a data
 * directory never loads it. Absent, the error names the package to install.
 */
function sqliteDriver(path: string): typeof Database {
  try {
    return createRequire(import.meta.url)('better-sqlite3') as typeof Database;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND';
    const message = missing
      ? 'a data directory needs the better-sqlite3 package, which is not installed: npm install better-sqlite3'
      : `cannot load better-sqlite3: ${(error as Error).message}`;
    throw new PersistenceError('PERSISTENCE_OPEN', path, message, { cause: error });
  }
}

/** Opens (creating when needed) the broker database in `dir`: WAL, the chosen sync mode, the schema. */
export function openDatabase(dir: string, sync: SyncMode = 'normal'): SqliteDatabase {
  const path = join(dir, DATABASE_FILE);
  const Driver = sqliteDriver(path);
  let db: SqliteDatabase;
  try {
    mkdirSync(dir, { recursive: true });
    db = new Driver(path);
  } catch (error) {
    throw new PersistenceError('PERSISTENCE_OPEN', path, `cannot open the broker database: ${(error as Error).message}`, { cause: error });
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${sync === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('foreign_keys = OFF');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new PersistenceError('PERSISTENCE_SCHEMA', path, `database schema version ${String(version)} is newer than this broker's (${String(SCHEMA_VERSION)})`);
    }
    db.exec(SCHEMA);
    migrateV5(db);
    db.pragma(`user_version = ${String(SCHEMA_VERSION)}`);
  } catch (error) {
    db.close();
    if (error instanceof PersistenceError) throw error;
    throw new PersistenceError('PERSISTENCE_OPEN', path, `cannot prepare the broker database: ${(error as Error).message}`, { cause: error });
  }
  return db;
}
