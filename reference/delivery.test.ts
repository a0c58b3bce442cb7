import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeAll, encode, type QoS } from '../harness/codec/index.js';
import { PublishEncoder } from './delivery.js';

describe('PublishEncoder (encode once, patch the packet id per subscriber)', () => {
  it('produces exactly the bytes of a direct encode, for any message, QoS, id and version', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 300 }).filter((t) => !t.includes('\u0000') && !t.includes('+') && !t.includes('#')),
        fc.uint8Array({ maxLength: 400 }),
        fc.constantFrom<QoS>(0, 1, 2),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom<3 | 4>(3, 4),
        fc.boolean(),
        (topic, payload, qos, retain, ids, version, dup) => {
          const message = { topic, payload: Buffer.from(payload), qos, retain };
          const encoder = new PublishEncoder(message);
          for (const id of ids) {
            const d = qos > 0 && dup;
            const got = encoder.bytes(version, qos, qos > 0 ? id : undefined, d);
            const want = encode({ type: 'publish', topic, payload: Buffer.from(payload), qos, retain, dup: d, packetId: qos > 0 ? id : undefined }, version);
            expect(got.equals(want)).toBe(true);
          }
        },
      ),
    );
  });

  it('gives each subscriber its own buffer for QoS > 0 (patching one never changes another)', () => {
    const encoder = new PublishEncoder({ topic: 't', payload: Buffer.from('x'), qos: 1, retain: false });
    const a = encoder.bytes(4, 1, 10, false);
    const b = encoder.bytes(4, 1, 20, false);
    const [pa] = decodeAll(a, 4);
    const [pb] = decodeAll(b, 4);
    expect(pa).toMatchObject({ packetId: 10 });
    expect(pb).toMatchObject({ packetId: 20 });
  });
});
