/**
 * Malformed input: random bytes and mutated valid packets only ever yield packets or
 * DecodeError (never another exception, a hang, or an unbounded buffer).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyPacket } from './arbitraries.js';
import { decodeAll, DecodeError, encode, EncodeError, PacketDecoder, type ProtocolVersion } from './index.js';

const VERSIONS: readonly (ProtocolVersion | undefined)[] = [undefined, 3, 4, 5];

/** Feeds bytes in the given chunk sizes; returns the outcome; fails the test on any non-DecodeError. */
function feedAll(bytes: Uint8Array, chunkSizes: number[], version: ProtocolVersion | undefined, maxPacketSize?: number): 'ok' | 'error' {
  const decoder = new PacketDecoder({ ...(version === undefined ? {} : { version }), ...(maxPacketSize === undefined ? {} : { maxPacketSize }) });
  const buf = Buffer.from(bytes);
  let pos = 0;
  let i = 0;
  try {
    while (pos < buf.length) {
      const size = Math.max(1, chunkSizes[i++ % Math.max(1, chunkSizes.length)] ?? buf.length);
      decoder.feed(buf.subarray(pos, pos + size), (p, raw) => {
        expect(raw.length).toBeGreaterThanOrEqual(2);
        // whatever decodes, re-encodes (unless encode refuses it) to bytes that decode the same
        const v = p.type === 'connect' ? p.protocolVersion : (decoder.version ?? 4);
        let again: Buffer | undefined;
        try {
          again = encode(p, v);
        } catch (e) {
          if (!(e instanceof EncodeError)) throw e;
        }
        if (again !== undefined) expect(decodeAll(again, v)).toEqual([p]);
      });
      pos += size;
      // at most one incomplete packet is held, never more than what was fed
      expect(decoder.buffered).toBeLessThanOrEqual(pos);
    }
    return 'ok';
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    expect(e.code).toMatch(/^DECODE_/);
    return 'error';
  }
}

describe.each(VERSIONS)('fuzz, decoder version %s', (version) => {
  it('random bytes yield packets or DecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 5 }), (bytes, chunks) => {
        feedAll(bytes, chunks, version);
      }),
      { numRuns: 2000 },
    );
  });

  it('random bytes after a plausible first byte yield packets or DecodeError', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 60 }), fc.uint8Array({ maxLength: 60 }), (first, len, body) => {
        feedAll(Buffer.concat([Buffer.from([first, len]), body]), [7], version, 1000);
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated valid packets yield packets or DecodeError', () => {
    const v: ProtocolVersion = version ?? 4;
    fc.assert(
      fc.property(
        fc.array(anyPacket(v), { minLength: 1, maxLength: 3 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'insert', 'delete')), { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 1, max: 16 }), { maxLength: 4 }),
        (packets, mutations, chunks) => {
          const bytes = [...Buffer.concat(packets.map((p) => encode(p, v)))];
          for (const [at, value, op] of mutations) {
            const i = at % (bytes.length + 1);
            if (op === 'set' && i < bytes.length) bytes[i] = value;
            else if (op === 'insert') bytes.splice(i, 0, value);
            else if (op === 'delete') bytes.splice(i, 1);
          }
          feedAll(Uint8Array.from(bytes), chunks, version);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
