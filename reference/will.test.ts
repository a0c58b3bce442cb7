import { describe, expect, it } from 'vitest';
import { fromHex } from '../harness/codec/index.js';
import { useBroker } from '../test/support/reference/fixture.js';

const f = useBroker();

let n = 0;
async function withWill(retain = false, qos: 0 | 1 | 2 = 1) {
  const id = `will-${String(++n)}`;
  const topic = `will/${id}`;
  const watcher = await f.connect(`${id}-watch`);
  await watcher.subscribe([[topic, 2]]);
  const c = await f.connect(id, { will: { topic, payload: Buffer.from(`bye ${id}`), qos, retain }, keepalive: 0 });
  return { c, watcher, topic, id };
}

describe('Last Will', () => {
  it('is published when the socket closes without DISCONNECT (MQTT-3.1.2-8)', async () => {
    const { c, watcher, topic, id } = await withWill();
    c.destroy();
    const m = await watcher.expect('publish');
    expect(m).toMatchObject({ topic, qos: 1, retain: false });
    expect(m.payload.toString()).toBe(`bye ${id}`);
  });

  it('is published on a protocol violation', async () => {
    const { c, watcher, topic } = await withWill();
    c.send({ type: 'connect', protocolName: 'MQTT', protocolVersion: 4, clean: true, keepalive: 0, clientId: 'again' });
    await c.expectClosed();
    expect(await watcher.expect('publish')).toMatchObject({ topic });
  });

  it('is published after a malformed packet', async () => {
    const { c, watcher, topic } = await withWill();
    c.sendBytes(fromHex('82 04 00 01 00 00')); // SUBSCRIBE with an empty filter list... and bad length
    await c.expectClosed();
    expect(await watcher.expect('publish')).toMatchObject({ topic });
  });

  it('is discarded on DISCONNECT (MQTT-3.14.4-3, MQTT-3.1.2-10)', async () => {
    const { c, watcher } = await withWill();
    await c.disconnect();
    await watcher.ping();
  });

  it('is published once only', async () => {
    const { c, watcher, topic } = await withWill();
    c.destroy();
    await watcher.expect('publish');
    const pub = await f.connect('will-once-pub');
    await pub.publish(topic, 'marker', 0);
    expect((await watcher.expect('publish')).payload.toString()).toBe('marker');
  });

  it('with Will Retain 1 is retained; with 0 it is not (MQTT-3.1.2-16, -17)', async () => {
    const kept = await withWill(true, 0);
    kept.c.destroy();
    await kept.watcher.expect('publish');
    const notKept = await withWill(false, 0);
    notKept.c.destroy();
    await notKept.watcher.expect('publish');
    const later = await f.connect('will-later');
    await later.subscribe([[kept.topic, 0], [notKept.topic, 0]]);
    const m = await later.expect('publish');
    expect(m).toMatchObject({ topic: kept.topic, retain: true });
    await later.ping();
  });

  it('keeps its QoS (delivered at min(will QoS, granted))', async () => {
    const { c, watcher } = await withWill(false, 2);
    c.destroy();
    expect(await watcher.expect('publish')).toMatchObject({ qos: 2 });
  });

  it('without a will nothing is published (MQTT-3.1.2-12)', async () => {
    const watcher = await f.connect('nowill-watch');
    await watcher.subscribe([['#', 0]]);
    watcher.send({ type: 'pingreq' });
    await watcher.collectUntil((p) => p.type === 'pingresp'); // retained messages of earlier tests
    const c = await f.connect('nowill');
    c.destroy();
    await c.expectClosed().catch(() => undefined);
    const pub = await f.connect('nowill-pub');
    await pub.publish('nowill/marker', 'm', 0);
    const before = await watcher.collectUntil((p) => p.type === 'publish' && p.topic === 'nowill/marker');
    expect(before).toEqual([]);
  });
});
