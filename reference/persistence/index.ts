export { DATABASE_FILE, openDatabase, type SyncMode } from './database.js';
export { PersistenceError } from './errors.js';
export { Journal } from './journal.js';
export { LOCK_FILE, lockDataDir } from './lock-file.js';
export { openDataDir, type DurableStores } from './open.js';
export { SqliteRetainedStore } from './sqlite-retained-store.js';
export { SqliteSessionStore } from './sqlite-session-store.js';
