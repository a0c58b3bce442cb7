import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex } from '../harness/codec/index.js';
import { useBroker } from '../test/support/reference/fixture.js';

const f = useBroker();

const MALFORMED: [string, string, string][] = [
  ['PUBLISH with QoS 3', '36 05 00 01 74 00 01', 'DECODE_INVALID_QOS'],
  ['PUBREL with wrong flags', '60 02 00 01', 'DECODE_RESERVED_FLAGS'],
  ['SUBSCRIBE with no filters', '82 02 00 01', 'DECODE_EMPTY_PAYLOAD'],
  ['UNSUBSCRIBE with no filters', 'a2 02 00 01', 'DECODE_EMPTY_PAYLOAD'],
  ['SUBSCRIBE with a reserved QoS bit', '82 08 00 01 00 03 74 2f 61 04', 'DECODE_SUBSCRIPTION_OPTIONS'],
  ['DISCONNECT with flags', 'e1 00', 'DECODE_RESERVED_FLAGS'],
  ['reserved packet type 0', '00 00', 'DECODE_RESERVED_PACKET_TYPE'],
  ['remaining length over 4 bytes', '30 ff ff ff ff 01', 'DECODE_REMAINING_LENGTH'],
  ['topic with U+0000', '30 05 00 03 61 00 62', 'DECODE_NULL_CHARACTER'],
  ['topic with invalid UTF-8', '30 04 00 02 c3 28', 'DECODE_MALFORMED_UTF8'],
  ['QoS 1 PUBLISH with packet id 0', '32 05 00 01 74 00 00', 'DECODE_PACKET_ID_ZERO'],
  ['QoS 0 PUBLISH with DUP', '38 05 00 01 74 00 01', 'DECODE_RESERVED_FLAGS'],
  ['SUBSCRIBE filter with invalid UTF-8', '82 07 00 01 00 02 c3 28 00', 'DECODE_MALFORMED_UTF8'],
];

/** CONNECTs that break section 3.1: closed without any CONNACK (MQTT-3.1.4-1). */
const BAD_CONNECTS: [string, string][] = [
  ['Will QoS 3 (MQTT-3.1.2-14)', '10 0d 00 04 4d 51 54 54 04 1e 00 00 00 01 63'],
  ['User Name Flag without a user name (MQTT-3.1.2-19)', '10 0d 00 04 4d 51 54 54 04 82 00 00 00 01 63'],
  ['client id with invalid UTF-8 (MQTT-3.1.3-4)', '10 0e 00 04 4d 51 54 54 04 02 00 00 00 02 c3 28'],
  ['trailing bytes after the payload', '10 0e 00 04 4d 51 54 54 04 02 00 00 00 01 63 00'],
];

describe('a CONNECT that breaks section 3.1', () => {
  it.each(BAD_CONNECTS)('%s: closed without CONNACK, counted', async (_name, hex) => {
    const before = f.broker.stats().malformedPackets;
    const c = await f.open();
    c.sendBytes(fromHex(hex));
    await c.expectClosed();
    expect(f.broker.stats().malformedPackets).toBe(before + 1);
  });
});

describe('malformed input closes that connection only', () => {
  it.each(MALFORMED)('%s: closed, logged with client id and reason, counted; a bystander is unaffected', async (_name, hex, code) => {
    const bystander = await f.connect(`by-${code}-${hex}`);
    await bystander.subscribe([['iso/t', 1]]);
    const id = `bad-${hex}`;
    const c = await f.connect(id);
    const before = f.broker.stats().malformedPackets;
    c.sendBytes(fromHex(hex));
    await c.expectClosed();
    expect(f.broker.stats().malformedPackets).toBe(before + 1);
    const log = f.logs.find((r) => r.clientId === id && r.level === 'warn');
    expect(log).toMatchObject({ code });
    expect(typeof log?.reason).toBe('string');
    const pub = await f.connect(`pub-${id}`);
    await pub.publish('iso/t', 'still here', 1);
    expect((await bystander.expect('publish')).payload.toString()).toBe('still here');
  });

  it('random bytes after CONNECT never take the broker down (fuzz)', async () => {
    const bystander = await f.connect('fuzz-bystander');
    await bystander.subscribe([['fuzz/t', 0]]);
    bystander.autoAck = true;
    const pub = await f.connect('fuzz-pub');
    let round = 0;
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 64 }), async (bytes) => {
        const c = await f.connect(`fuzz-${String(round++)}`);
        c.autoAck = true;
        c.sendBytes(Buffer.from(bytes));
        c.destroy();
        await pub.publish('fuzz/t', String(round), 0);
        const m = await bystander.next();
        expect(m.type).toBe('publish');
      }),
      { numRuns: 100 },
    );
  });
});

describe('maximum packet size', () => {
  const small = useBroker({ maxPacketSize: 100 });
  it('a packet over maxPacketSize closes the connection, judged from its fixed header', async () => {
    const c = await small.connect('too-big');
    const before = small.broker.stats().malformedPackets;
    // Only the fixed header of a 1000-byte PUBLISH: the broker must not wait for the body.
    c.sendBytes(fromHex('30 e8 07'));
    await c.expectClosed();
    expect(small.broker.stats().malformedPackets).toBe(before + 1);
    expect(small.logs.find((r) => r.clientId === 'too-big' && r.level === 'warn')).toMatchObject({ code: 'DECODE_PACKET_TOO_LARGE' });
  });
});
