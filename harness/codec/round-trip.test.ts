import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyPacket, packetArbitraries } from './arbitraries.js';
import { decodeAll, encode, PacketDecoder, type Packet, type ProtocolVersion } from './index.js';

const VERSIONS: readonly ProtocolVersion[] = [3, 4, 5];
const RUNS = 1000;

describe.each(VERSIONS)('MQTT version %i', (version) => {
  describe('round trip: decode(encode(p)) equals p', () => {
    for (const [type, arb] of Object.entries(packetArbitraries(version))) {
      it(type, () => {
        fc.assert(
          fc.property(arb, (p) => {
            const bytes = encode(p, version);
            expect(decodeAll(bytes, version)).toEqual([p]);
          }),
          { numRuns: RUNS },
        );
      });
    }
  });

  it('chunking: any split of a stream yields the same packets and raw bytes', () => {
    fc.assert(
      fc.property(
        fc.array(anyPacket(version), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (packets, cuts) => {
          const encoded = packets.map((p) => encode(p, version));
          const stream = Buffer.concat(encoded);
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const decoder = new PacketDecoder({ version });
          const got: Packet[] = [];
          const raws: string[] = [];
          let from = 0;
          for (const at of [...points, stream.length]) {
            // copy each chunk so the decoder never relies on the caller's buffer past feed()
            decoder.feed(Buffer.from(stream.subarray(from, at)), (p, raw) => {
              got.push(p);
              raws.push(raw.toString('hex'));
            });
            from = at;
          }
          expect(decoder.buffered).toBe(0);
          expect(got).toEqual(packets);
          expect(raws).toEqual(encoded.map((e) => e.toString('hex')));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('chunking: one byte at a time', () => {
    fc.assert(
      fc.property(fc.array(anyPacket(version), { minLength: 1, maxLength: 5 }), (packets) => {
        const stream = Buffer.concat(packets.map((p) => encode(p, version)));
        const decoder = new PacketDecoder({ version });
        const got: Packet[] = [];
        for (let i = 0; i < stream.length; i++) {
          decoder.feed(stream.subarray(i, i + 1), (p) => got.push(structuredClone(p)));
          expect(decoder.buffered).toBeLessThanOrEqual(stream.length);
        }
        expect(decoder.buffered).toBe(0);
        expect(got.map(normalizeBuffers)).toEqual(packets.map(normalizeBuffers));
      }),
      { numRuns: 200 },
    );
  });
});

/** structuredClone turns Buffers into Uint8Arrays: compare as plain byte arrays. */
function normalizeBuffers(v: unknown): unknown {
  if (v instanceof Uint8Array) return Array.from(v);
  if (Array.isArray(v)) return v.map(normalizeBuffers);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalizeBuffers(x)]));
  }
  return v;
}

describe('packets larger than the span buffer', () => {
  it('reassemble across many chunks and across growth of the span buffer', () => {
    const payload = Buffer.alloc(300_000);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7) & 0xff;
    const p: Packet = { type: 'publish', topic: 'big', payload, qos: 1, packetId: 9, retain: false, dup: false };
    const bytes = Buffer.concat([encode(p, 4), encode({ type: 'pingreq' }, 4)]);
    for (const size of [1000, 70_000, 299_990]) {
      const decoder = new PacketDecoder({ version: 4 });
      const got: Packet[] = [];
      for (let i = 0; i < bytes.length; i += size) {
        decoder.feed(Buffer.from(bytes.subarray(i, i + size)), (q) => got.push(q));
        expect(decoder.buffered).toBeLessThanOrEqual(i + size);
      }
      expect(got).toEqual([p, { type: 'pingreq' }]);
    }
  });
});

describe('a server decoder (no version) follows the CONNECT', () => {
  it('decodes the packets after a 5.0 CONNECT by 5.0 rules', () => {
    const decoder = new PacketDecoder();
    const stream = Buffer.concat([
      encode({ type: 'connect', protocolName: 'MQTT', protocolVersion: 5, clean: true, keepalive: 0, clientId: 'c' }, 5),
      encode({ type: 'disconnect', reasonCode: 4 }, 5),
    ]);
    const got: Packet[] = [];
    decoder.feed(stream, (p) => got.push(p));
    expect(decoder.version).toBe(5);
    expect(got[1]).toEqual({ type: 'disconnect', reasonCode: 4 });
  });
});
