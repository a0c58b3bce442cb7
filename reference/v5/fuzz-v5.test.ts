/**
 * MQTT 5.0 robustness: random well-formed 5.0 client streams (any properties the codec allows in each
 * packet) with an occasional corrupted byte, against one broker. The broker must never hit an
 * internal error (every outcome is a handled packet, a reason code or a close), and a bystander's
 * QoS 1 round trip must keep working after every stream.
 */
import { connect as tcpConnect } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encode, type Packet } from '../../harness/codec/index.js';
import { connect as connectArb, publish, pubAckLike, subscribe, unsubscribe, disconnectOrAuth } from '../../harness/codec/arbitraries.js';
import { useBroker } from '../../test/support/reference/fixture.js';

const f = useBroker({ receiveMaximum: 4, topicAliasMaximum: 4, maxPacketSize: 65536, scramUsers: { u: 'p' } });

const body: fc.Arbitrary<Packet> = fc.oneof(
  { weight: 6, arbitrary: publish(5) },
  { weight: 2, arbitrary: fc.oneof(pubAckLike('puback', 5), pubAckLike('pubrec', 5), pubAckLike('pubrel', 5), pubAckLike('pubcomp', 5)) },
  { weight: 3, arbitrary: subscribe(5) },
  { weight: 1, arbitrary: unsubscribe(5) },
  { weight: 1, arbitrary: fc.constant<Packet>({ type: 'pingreq' }) },
  { weight: 1, arbitrary: fc.oneof(disconnectOrAuth('disconnect', 5), disconnectOrAuth('auth', 5)) },
);

/** A 5.0 CONNECT the broker mostly accepts: the Authentication Method (unknown to it: 0x8C) kept in 1 of 8. */
const connectPacket: fc.Arbitrary<Packet> = fc.tuple(connectArb(5), fc.nat(7)).map(([c, keepAuth]) => {
  if (c.type !== 'connect' || keepAuth === 0 || !c.properties) return c;
  const { authenticationMethod: _m, authenticationData: _d, ...rest } = c.properties;
  return { ...c, properties: rest };
});

const stream = fc.record({
  connect: connectPacket,
  packets: fc.array(body, { minLength: 1, maxLength: 15 }),
  corrupt: fc.option(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { freq: 8, nil: undefined }),
});

/** Writes the bytes, ends our side, waits (bounded) for the broker's close. */
async function play(port: number, bytes: Buffer): Promise<void> {
  const socket = tcpConnect({ port, host: '127.0.0.1' });
  socket.on('error', () => undefined);
  socket.on('data', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', resolve).once('error', resolve));
  socket.end(bytes);
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => {
      socket.destroy();
      resolve();
    }, 3000);
    socket.once('close', () => {
      clearTimeout(t);
      resolve();
    });
  });
}

describe('MQTT 5.0 fuzz', () => {
  it('random 5.0 streams never cause an internal error; a bystander keeps its QoS 1 round trip', async () => {
    const bystander = await f.connect('fz5-bystander', { protocolVersion: 5 });
    await bystander.subscribe([['fz5/by', 1]]);
    bystander.autoAck = true;
    const publisher = await f.connect('fz5-publisher', { protocolVersion: 5 });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(stream, async (s) => {
        const id = n++;
        const connect = { ...s.connect, clientId: `fz5-${String(id)}` } as Packet;
        let bytes = Buffer.concat([encode(connect, 5), ...s.packets.map((p) => encode(p, 5))]);
        if (s.corrupt) {
          bytes = Buffer.from(bytes);
          bytes[s.corrupt.at % bytes.length] = s.corrupt.byte;
        }
        await play(f.port, bytes);
        await publisher.publish('fz5/by', `check ${String(id)}`, 1, false, (id % 65535) + 1);
        const got = await bystander.collectUntil((p) => p.type === 'publish' && p.payload.toString() === `check ${String(id)}`);
        expect(got.filter((p) => p.type === 'disconnect')).toEqual([]);
        const internal = f.logs.filter((r) => r.level === 'error');
        expect(internal.map((r) => JSON.stringify(r)).slice(0, 3)).toEqual([]);
      }),
      { numRuns: 400 },
    );
    // The generator must reach accepted connections whose packets are handled, or the property proves little.
    const accepted = f.logs.filter((r) => r.msg === 'client connected' && String(r['clientId']).startsWith('fz5-') && r['clientId'] !== 'fz5-bystander').length;
    const violations = f.logs.filter((r) => r.msg === 'protocol violation: closing the connection' || r.msg === 'malformed packet: closing the connection').length;
    const refused = new Map<string, number>();
    for (const r of f.logs) if (r.msg === 'CONNECT refused') refused.set(String(r['code']), (refused.get(String(r['code'])) ?? 0) + 1);
    expect(accepted, `accepted ${String(accepted)}, refused ${JSON.stringify([...refused])}`).toBeGreaterThan(60);
    expect(violations).toBeGreaterThan(50);
  }, 120_000);
});
