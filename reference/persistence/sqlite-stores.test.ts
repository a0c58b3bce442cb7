import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { describeRetainedStoreContract } from '../retain/store-contract.js';
import { describeSessionStoreContract } from '../session/store-contract.js';
import type { RetainedStore } from '../retain/index.js';
import { ownInboundQos2, ownQueue, ownSubscriptions, type SessionStore } from '../session/index.js';
import { DATABASE_FILE, LOCK_FILE, openDatabase, openDataDir, PersistenceError, type DurableStores } from './index.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-persist-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Which data dir and which sibling store each opened store belongs to, for reopen. */
const opened = new Map<SessionStore | RetainedStore, { dir: string; stores: DurableStores }>();
const open = (dir: string): DurableStores => {
  const stores = openDataDir(dir);
  opened.set(stores.sessionStore, { dir, stores });
  opened.set(stores.retainedStore, { dir, stores });
  return stores;
};
const reopen = async (store: SessionStore | RetainedStore): Promise<DurableStores> => {
  const entry = opened.get(store);
  if (!entry) throw new Error('unknown store');
  await entry.stores.sessionStore.close();
  await entry.stores.retainedStore.close();
  return open(entry.dir);
};

describeSessionStoreContract('SQLite', {
  open: () => open(tempDir()).sessionStore,
  reopen: async (store) => (await reopen(store)).sessionStore,
});

describeRetainedStoreContract('SQLite', {
  open: () => open(tempDir()).retainedStore,
  reopen: async (store) => (await reopen(store)).retainedStore,
});

describe('SQLite stores', () => {
  it('do not write clean sessions, and delete a persistent session with all its rows', async () => {
    const dir = tempDir();
    let stores = open(dir);
    const clean = stores.sessionStore.create('c', true, 4);
    ownSubscriptions(clean).set('x', { qos: 1 });
    stores.sessionStore.record(clean, { kind: 'subscribe', filter: 'x', grant: { qos: 1 } });
    const p = stores.sessionStore.create('p', false, 3);
    ownSubscriptions(p).set('y', { qos: 2 });
    stores.sessionStore.record(p, { kind: 'subscribe', filter: 'y', grant: { qos: 2 } });
    const gone = stores.sessionStore.create('gone', false, 4);
    const entry = { message: { topic: 'y', payload: Buffer.from('m'), qos: 1 as const, retain: false }, qos: 1 as const };
    ownQueue(gone).push(entry);
    stores.sessionStore.record(gone, { kind: 'enqueue', entry });
    stores.sessionStore.delete('gone');
    stores = await reopen(stores.sessionStore);
    expect([...stores.sessionStore.values()].map((s) => [s.clientId, s.protocolVersion, [...s.subscriptions.keys()]])).toEqual([['p', 3, ['y']]]);
    const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM queue').get()).toEqual({ n: 0 });
    db.close();
    await stores.sessionStore.close();
    await stores.retainedStore.close();
  });

  it('a batch commits every change of one packet together: a crash before its end keeps none of them', async () => {
    const dir = tempDir();
    const stores = open(dir);
    const s = stores.sessionStore.create('p', false, 4);
    expect(() =>
      stores.sessionStore.batch(() => {
        ownInboundQos2(s).add(5);
        stores.sessionStore.record(s, { kind: 'inbound-qos2-add', packetId: 5 });
        stores.retainedStore.set({ topic: 'r', payload: Buffer.from('v'), qos: 2, retain: true });
        // Read the file from a second connection while the batch is open: nothing visible yet.
        const peek = new Database(join(dir, DATABASE_FILE), { readonly: true });
        const seen = [peek.prepare('SELECT count(*) AS n FROM inbound_qos2').get(), peek.prepare('SELECT count(*) AS n FROM retained').get()];
        peek.close();
        expect(seen).toEqual([{ n: 0 }, { n: 0 }]);
        throw new Error('handler failed');
      }),
    ).toThrow('handler failed');
    // The batch still commits what was applied in memory (memory and disk agree).
    const after = new Database(join(dir, DATABASE_FILE), { readonly: true });
    expect(after.prepare('SELECT count(*) AS n FROM inbound_qos2').get()).toEqual({ n: 1 });
    after.close();
    await stores.sessionStore.close();
    await stores.retainedStore.close();
  });

  it("opens in WAL mode with synchronous NORMAL by default and FULL on request", async () => {
    for (const [mode, expected] of [['normal', 1], ['full', 2]] as const) {
      const dir = tempDir();
      const stores = openDataDir(dir, mode);
      await stores.sessionStore.close();
      await stores.retainedStore.close();
      const db = openDatabase(dir, mode);
      expect([db.pragma('journal_mode', { simple: true }), db.pragma('synchronous', { simple: true })]).toEqual(['wal', expected]);
      db.close();
    }
  });

  it('refuses a database from a newer schema with PERSISTENCE_SCHEMA, and an unusable path with PERSISTENCE_OPEN', async () => {
    const dir = tempDir();
    const stores = open(dir);
    await stores.sessionStore.close();
    await stores.retainedStore.close();
    const db = new Database(join(dir, DATABASE_FILE));
    db.pragma('user_version = 99');
    db.close();
    expect(() => openDataDir(dir)).toThrow(expect.objectContaining({ code: 'PERSISTENCE_SCHEMA' }));
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'x');
    let caught: unknown;
    try {
      openDataDir(join(file, 'sub'));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PersistenceError);
    expect((caught as PersistenceError).code).toBe('PERSISTENCE_OPEN');
  });
});

describe('one broker per data directory', () => {
  it("a second opener gets PERSISTENCE_LOCKED until the first closes; a dead owner's lock is taken over", async () => {
    const dir = tempDir();
    const first = open(dir);
    expect(() => openDataDir(dir)).toThrow(expect.objectContaining({ code: 'PERSISTENCE_LOCKED' }));
    await first.sessionStore.close();
    await first.retainedStore.close();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    // A broker killed with -9 leaves its lock behind: a pid above pid_max is never alive.
    writeFileSync(join(dir, LOCK_FILE), '4194305:0:0');
    const again = openDataDir(dir);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toMatch(new RegExp(`^${String(process.pid)}:`));
    await again.sessionStore.close();
    await again.retainedStore.close();
  });
});
