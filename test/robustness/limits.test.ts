/** Limits (issue 8, item 5): each enforced, counted, and visible in $SYS. */
import { afterEach, describe, expect, it } from 'vitest';
import { encode, fromHex } from '../../harness/codec/index.js';
import { startBroker, type BrokerOptions, type RunningBroker } from '../../reference/index.js';
import { connectPacket, RawClient } from '../support/reference/raw-client.js';

const running: RunningBroker[] = [];
const clients: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const b of running.splice(0)) await b.close();
});

const start = async (options: BrokerOptions): Promise<RunningBroker> => {
  const b = await startBroker({ sysIntervalSeconds: 0, ...options });
  running.push(b);
  return b;
};
const open = async (b: RunningBroker): Promise<RawClient> => {
  const c = await RawClient.open(b.address.port);
  clients.push(c);
  return c;
};
const connected = async (b: RunningBroker, id: string, clean = true): Promise<RawClient> => {
  const { client } = await RawClient.connected(b.address.port, id, { clean });
  clients.push(client);
  return client;
};

/** The retained $SYS value of `topic`, read by a fresh client. */
async function sys(b: RunningBroker, topic: string): Promise<string> {
  b.publishSys();
  const c = await connected(b, `sys-${String(Math.random()).slice(2)}`);
  await c.subscribe([[topic, 0]]);
  const p = await c.expect('publish');
  c.destroy();
  return p.payload.toString();
}

describe('limits', () => {
  it('maxConnections: a connection beyond the limit is closed at once and counted in $SYS', async () => {
    const b = await start({ maxConnections: 3 });
    await connected(b, 'l1');
    await connected(b, 'l2');
    const third = await open(b);
    const fourth = await open(b);
    await fourth.expectClosed();
    expect(b.stats().connectionsRejected).toBe(1);
    third.destroy();
    await third.expectClosed();
    expect(await sys(b, '$SYS/broker/connections/rejected')).toBe('1');
  });

  it('maxPacketSize: checked from the remaining length, before the body is sent', async () => {
    const b = await start({ maxPacketSize: 1024 });
    const c = await connected(b, 'big');
    // A PUBLISH announcing 10 MB; only its fixed header is sent: the broker closes right away.
    c.sendBytes(fromHex('30 80 ad e2 04'));
    await c.expectClosed();
    expect(b.stats().malformedPackets).toBe(1);
    const ok = await connected(b, 'small');
    await ok.publish('t', Buffer.alloc(900), 1);
  });

  it('maxQueued and maxQueuedBytes: an offline client cannot grow memory without bound; drops are counted', async () => {
    const b = await start({ maxQueuedBytes: 2100, maxQueued: 1000 });
    const sub = await connected(b, 'slow', false);
    await sub.subscribe([['q/#', 1]]);
    await sub.disconnect();
    const pub = await connected(b, 'fast');
    for (let i = 0; i < 10; i++) await pub.publish('q/x', Buffer.alloc(500, i), 1, false, i + 1);
    // 4 x (500 + 3) bytes fit in 2100.
    expect(b.stats().publishDropped).toBe(6);
    const back = await connected(b, 'slow', false);
    back.autoAck = true;
    const got: number[] = [];
    for (let i = 0; i < 4; i++) got.push((await back.expect('publish')).payload[0] as number);
    expect(got).toEqual([0, 1, 2, 3]);
    await back.ping();
    expect(await sys(b, '$SYS/broker/messages/publish/dropped')).toBe('6');

    const counted = await start({ maxQueued: 2 });
    const s2 = await connected(counted, 'slow2', false);
    await s2.subscribe([['q/#', 2]]);
    await s2.disconnect();
    const p2 = await connected(counted, 'fast2');
    for (let i = 0; i < 5; i++) await p2.publish('q/y', 'm', 2, false, i + 1);
    expect(counted.stats().publishDropped).toBe(3);
  });

  it('CONNECT timeout: a slowloris client trickling an unfinished CONNECT is cut at the timeout, and counted', async () => {
    const b = await start({ connectTimeoutMs: 300 });
    const c = await open(b);
    const bytes = encode(connectPacket('slowloris'), 4);
    const started = Date.now();
    let i = 0;
    const trickle = setInterval(() => {
      if (i < bytes.length - 1 && !c.closed) c.sendBytes(bytes.subarray(i, ++i)); // never the last byte
    }, 20);
    try {
      await c.expectClosed(5000);
    } finally {
      clearInterval(trickle);
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(i).toBeGreaterThan(3); // bytes kept arriving: the timeout is not reset by them
    expect(b.stats().connectTimeouts).toBe(1);
    expect(await sys(b, '$SYS/broker/connections/connect-timeouts')).toBe('1');
  });

  it('maxInboundBytesPerSecond: a fast client is paused, not dropped; nothing is lost', async () => {
    const b = await start({ maxInboundBytesPerSecond: 50_000 });
    const sub = await connected(b, 'rl-sub');
    await sub.subscribe([['rl/#', 1]]);
    sub.autoAck = true;
    const pub = await connected(b, 'rl-pub');
    const started = Date.now();
    // 150 KB in one burst: three times the per-second budget. A chunk already read is handled;
    // the reads after it wait until the connection is back within its budget.
    const n = 50;
    pub.sendBytes(Buffer.concat(Array.from({ length: n }, (_, i) => encode({ type: 'publish', topic: 'rl/x', payload: Buffer.alloc(3000, i), qos: 1, retain: false, dup: false, packetId: i + 1 }, 4))));
    for (let i = 0; i < n; i++) expect((await pub.expect('puback', 10_000)).packetId).toBe(i + 1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000); // the budget held it back
    for (let i = 0; i < n; i++) expect((await sub.expect('publish')).payload[0]).toBe(i);
    expect(b.stats().inboundThrottled).toBeGreaterThan(0);
  });
});
