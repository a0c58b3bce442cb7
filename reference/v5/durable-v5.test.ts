/** --data-dir with MQTT 5.0: Session Expiry Interval, message properties and expiry, subscription options survive a restart. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConnectPacket, Properties } from '../../harness/codec/index.js';
import { DATABASE_FILE, startBroker, type RunningBroker } from '../index.js';
import { RawClient } from '../../test/support/reference/raw-client.js';

const dirs: string[] = [];
const brokers: RunningBroker[] = [];
const clients: RawClient[] = [];
afterAll(async () => {
  for (const c of clients) c.destroy();
  for (const b of brokers) await b.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'mqtt-v5-datadir-'));
  dirs.push(d);
  return d;
};
const start = async (dataDir: string): Promise<RunningBroker> => {
  const b = await startBroker({ dataDir, sysIntervalSeconds: 0 });
  brokers.push(b);
  return b;
};
const v5 = (properties?: Properties, more: Partial<Omit<ConnectPacket, 'type'>> = {}): Partial<Omit<ConnectPacket, 'type'>> => ({ protocolVersion: 5, properties, ...more });
const connect = async (b: RunningBroker, id: string, opts: Partial<Omit<ConnectPacket, 'type'>>) => {
  const r = await RawClient.connected(b.address.port, id, opts);
  clients.push(r.client);
  return r;
};

describe('--data-dir with MQTT 5.0', () => {
  it('keeps a session with its expiry interval, subscription options and identifiers, queued messages with properties and expiry, retained properties', async () => {
    const dir = tempDir();
    let broker = await start(dir);
    const { client: sub } = await connect(broker, 'd5-sub', v5({ sessionExpiryInterval: 300 }));
    sub.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'd5/#', qos: 1, noLocal: true }], properties: { subscriptionIdentifiers: [9] } });
    await sub.expect('suback');
    await sub.disconnect();
    const { client: pub } = await connect(broker, 'd5-pub', v5());
    const properties: Properties = { responseTopic: 'd5/reply', correlationData: Buffer.from([7]), userProperties: [['k', 'v']], contentType: 'c' };
    pub.send({ type: 'publish', topic: 'd5/a', payload: Buffer.from('queued'), qos: 1, retain: true, dup: false, packetId: 1, properties: { ...properties, messageExpiryInterval: 600 } });
    await pub.expect('puback');
    await broker.close();

    broker = await start(dir);
    const { client: back, sessionPresent } = await connect(broker, 'd5-sub', v5({ sessionExpiryInterval: 300 }, { clean: false }));
    expect(sessionPresent).toBe(true);
    const got = await back.expect('publish');
    expect(got).toMatchObject({ topic: 'd5/a', payload: Buffer.from('queued'), qos: 1, properties: { ...properties, subscriptionIdentifiers: [9] } });
    expect(got.properties?.messageExpiryInterval).toBeLessThanOrEqual(600);
    expect(got.properties?.messageExpiryInterval).toBeGreaterThan(590);
    // No Local survived: the subscriber's own publish is not sent back.
    await back.publish('d5/own', 'mine', 1);
    const { client: fresh } = await connect(broker, 'd5-fresh', v5());
    await fresh.subscribe([['d5/a', 0]]);
    expect(await fresh.expect('publish')).toMatchObject({ retain: true, properties });
    await back.ping();
    expect(back.received.filter((p) => p.type === 'publish')).toHaveLength(1);
  });

  it('a session whose expiry interval passed while the broker was down is gone after the restart', async () => {
    const dir = tempDir();
    let broker = await start(dir);
    const { client } = await connect(broker, 'd5-short', v5({ sessionExpiryInterval: 1 }));
    await client.subscribe([['d5s/t', 1]]);
    await client.disconnect();
    const { client: long } = await connect(broker, 'd5-long', v5({ sessionExpiryInterval: 3600 }));
    await long.disconnect();
    await broker.close();
    await new Promise((r) => setTimeout(r, 1200)); // the interval under test is time itself
    broker = await start(dir);
    expect((await connect(broker, 'd5-short', v5({ sessionExpiryInterval: 1 }, { clean: false }))).sessionPresent).toBe(false);
    expect((await connect(broker, 'd5-long', v5({ sessionExpiryInterval: 3600 }, { clean: false }))).sessionPresent).toBe(true);
  });

  it('opens a data directory written before MQTT 5.0 support (schema 1) and keeps its sessions', async () => {
    const dir = tempDir();
    const db = new Database(join(dir, DATABASE_FILE));
    db.exec('CREATE TABLE sessions (client_id TEXT PRIMARY KEY, protocol_version INTEGER NOT NULL)');
    db.exec("INSERT INTO sessions VALUES ('d5-old', 4)");
    db.pragma('user_version = 1');
    db.close();
    const broker = await start(dir);
    expect((await connect(broker, 'd5-old', { clean: false })).sessionPresent).toBe(true);
  });
});
