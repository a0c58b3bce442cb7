/** MQTT 5.0 wills: properties, Will Delay Interval, DISCONNECT 0x04, the session's end. */
import { describe, expect, it } from 'vitest';
import type { ConnectPacket, Properties, Will } from '../../harness/codec/index.js';
import { useBroker } from '../../test/support/reference/fixture.js';

const f = useBroker();
const v5 = (properties?: Properties, more: Partial<Omit<ConnectPacket, 'type'>> = {}): Partial<Omit<ConnectPacket, 'type'>> => ({ protocolVersion: 5, properties, ...more });
const will = (topic: string, payload: string, properties?: Properties): Will => ({ topic, payload: Buffer.from(payload), qos: 0, retain: false, properties });

describe('MQTT 5.0 will', () => {
  it('is published with its properties, User Properties in order, when the connection breaks (MQTT-3.1.2-8)', async () => {
    const sub = await f.connect('w5-sub', v5());
    await sub.subscribe([['w5/a', 0]]);
    const properties: Properties = { contentType: 'text/plain', responseTopic: 'w5/r', correlationData: Buffer.from('id'), userProperties: [['z', '1'], ['a', '2']] };
    const w = await f.connect('w5-a', v5(undefined, { will: will('w5/a', 'gone', properties) }));
    w.destroy();
    expect(await sub.expect('publish')).toMatchObject({ topic: 'w5/a', payload: Buffer.from('gone'), properties });
  });

  it('DISCONNECT 0x04 publishes the will; DISCONNECT 0x00 deletes it (MQTT-3.1.2-10)', async () => {
    const sub = await f.connect('w5-dc-sub', v5());
    await sub.subscribe([['w5/dc/#', 0]]);
    const a = await f.connect('w5-dc-a', v5(undefined, { will: will('w5/dc/a', 'with will') }));
    a.send({ type: 'disconnect', reasonCode: 0x04 });
    await a.expectClosed();
    const b = await f.connect('w5-dc-b', v5(undefined, { will: will('w5/dc/b', 'never') }));
    await b.disconnect();
    const marker = await f.connect('w5-dc-m', v5());
    await marker.publish('w5/dc/marker', 'm');
    const before = await sub.collectUntil((p) => p.type === 'publish' && p.topic === 'w5/dc/marker');
    expect(before.map((p) => (p.type === 'publish' ? p.payload.toString() : p.type))).toEqual(['with will']);
  });

  it('waits for its Will Delay Interval; a reconnect to the session in time cancels it (MQTT-3.1.3-9)', async () => {
    const sub = await f.connect('w5-delay-sub', v5());
    await sub.subscribe([['w5/delay/#', 0]]);
    const a = await f.connect('w5-delay-a', v5({ sessionExpiryInterval: 30 }, { will: will('w5/delay/a', 'late', { willDelayInterval: 1 }) }));
    const b = await f.connect('w5-delay-b', v5({ sessionExpiryInterval: 30 }, { will: will('w5/delay/b', 'cancelled', { willDelayInterval: 1 }) }));
    const start = Date.now();
    a.destroy();
    b.destroy();
    await b.expectClosed();
    const back = await f.connect('w5-delay-b', v5({ sessionExpiryInterval: 30 }, { clean: false }));
    const got = await sub.expect('publish', 3000);
    expect(got).toMatchObject({ topic: 'w5/delay/a', payload: Buffer.from('late') });
    expect(Date.now() - start).toBeGreaterThanOrEqual(900);
    await new Promise((r) => setTimeout(r, 300)); // b's delay has passed too: nothing more may come
    await sub.ping();
    expect(sub.received.filter((p) => p.type === 'publish')).toHaveLength(1);
    back.destroy();
  });

  it('is published when the session ends before the Will Delay Interval (MQTT-3.1.2-8)', async () => {
    const sub = await f.connect('w5-end-sub', v5());
    await sub.subscribe([['w5/end', 0]]);
    const a = await f.connect('w5-end', v5({ sessionExpiryInterval: 0 }, { will: will('w5/end', 'session over', { willDelayInterval: 600 }) }));
    a.destroy();
    expect(await sub.expect('publish')).toMatchObject({ payload: Buffer.from('session over') });
  });

  it('a take-over with Clean Start 1 ends the old session: a delayed will is published then', async () => {
    const sub = await f.connect('w5-to-sub', v5());
    await sub.subscribe([['w5/to', 0]]);
    const a = await f.connect('w5-to', v5({ sessionExpiryInterval: 60 }, { will: will('w5/to', 'replaced', { willDelayInterval: 600 }) }));
    const b = await f.connect('w5-to', v5(undefined, { clean: true }));
    expect(await a.expect('disconnect')).toMatchObject({ reasonCode: 0x8e });
    expect(await sub.expect('publish')).toMatchObject({ payload: Buffer.from('replaced') });
    b.destroy();
  });
});
