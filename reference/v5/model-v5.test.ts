/**
 * fast-check properties of MQTT 5.0 routing against simple models: a shared subscription delivers
 * each message to exactly one member; inbound Topic Aliases resolve like a per-connection map.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConnectPacket, Packet, Properties, PublishPacket } from '../../harness/codec/index.js';
import { useBroker } from '../../test/support/reference/fixture.js';
import type { RawClient } from '../../test/support/reference/raw-client.js';

const f = useBroker({ topicAliasMaximum: 4 });
const v5 = (properties?: Properties): Partial<Omit<ConnectPacket, 'type'>> => ({ protocolVersion: 5, properties });
let run = 0;

async function drain(c: RawClient): Promise<PublishPacket[]> {
  c.send({ type: 'pingreq' });
  const before = await c.collectUntil((p: Packet) => p.type === 'pingresp');
  return before.filter((p): p is PublishPacket => p.type === 'publish');
}

describe('MQTT 5.0 routing properties', () => {
  it('a shared subscription delivers every message to exactly one member, at the QoS its member was granted', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom<0 | 1 | 2>(0, 1, 2), { minLength: 1, maxLength: 4 }), fc.array(fc.constantFrom<0 | 1 | 2>(0, 1, 2), { minLength: 1, maxLength: 12 }), async (grants, messages) => {
        const n = run++;
        const members: RawClient[] = [];
        try {
          for (const [i, qos] of grants.entries()) {
            const m = await f.connect(`shm-${String(n)}-${String(i)}`, v5());
            m.autoAck = true;
            m.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: `$share/m${String(n)}/shm/${String(n)}`, qos }] });
            await m.expect('suback');
            members.push(m);
          }
          const pub = await f.connect(`shm-${String(n)}-pub`, v5());
          for (const [i, qos] of messages.entries()) await pub.publish(`shm/${String(n)}`, String(i), qos, false, i + 1);
          await pub.ping(); // every PUBLISH (QoS 0 too) has been routed
          const seen: string[] = [];
          for (const [i, m] of members.entries()) {
            for (const p of await drain(m)) {
              seen.push(p.payload.toString());
              const sent = messages[Number(p.payload.toString())] as 0 | 1 | 2;
              expect(p.qos).toBe(Math.min(sent, grants[i] as number));
            }
          }
          expect(seen.sort()).toEqual(messages.map((_, i) => String(i)).sort());
          pub.destroy();
        } finally {
          for (const m of members) m.destroy();
        }
      }),
      { numRuns: 15 },
    );
  });

  it('inbound Topic Aliases resolve like a per-connection map of alias -> last topic set', async () => {
    const step = fc.record({ alias: fc.integer({ min: 1, max: 4 }), topic: fc.option(fc.constantFrom('a', 'b', 'c/d'), { nil: undefined }) });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 15 }), async (steps) => {
        const n = run++;
        const sub = await f.connect(`tam-${String(n)}-sub`, v5());
        await sub.subscribe([[`tam/${String(n)}/#`, 0]]);
        const pub = await f.connect(`tam-${String(n)}-pub`, v5());
        const model = new Map<number, string>();
        const expected: string[] = [];
        for (const [i, s] of steps.entries()) {
          if (s.topic === undefined && !model.has(s.alias)) continue; // would be a Protocol Error: covered elsewhere
          const topic = s.topic === undefined ? '' : `tam/${String(n)}/${s.topic}`;
          if (s.topic !== undefined) model.set(s.alias, topic);
          expected.push(`${model.get(s.alias) as string} ${String(i)}`);
          pub.send({ type: 'publish', topic, payload: Buffer.from(String(i)), qos: 0, retain: false, dup: false, properties: { topicAlias: s.alias } });
        }
        await pub.ping();
        const got = (await drain(sub)).map((p) => `${p.topic} ${p.payload.toString()}`);
        expect(got).toEqual(expected);
        pub.destroy();
        sub.destroy();
      }),
      { numRuns: 25 },
    );
  });
});
