import { describe, expect, it } from 'vitest';
import { decodeAll, encode, fromHex, toHex } from './index.js';
import { FIXTURES } from './fixtures.js';

describe('known-answer fixtures', () => {
  for (const f of FIXTURES) {
    describe(`${f.name} (v${f.version})`, () => {
      it('decodes to the packet', () => {
        expect(decodeAll(fromHex(f.hex), f.version)).toEqual([f.packet]);
      });
      it('encodes to the bytes', () => {
        expect(toHex(encode(f.packet, f.version))).toBe(toHex(fromHex(f.hex)));
      });
    });
  }
});

describe('hex helpers', () => {
  it('ignore whitespace and round-trip', () => {
    expect(toHex(fromHex('10 0d\n00  04\t4D'))).toBe('10 0d 00 04 4d');
  });
  it('reject bad input with HEX_INVALID', () => {
    expect(() => fromHex('1')).toThrow(expect.objectContaining({ code: 'HEX_INVALID' }));
    expect(() => fromHex('zz')).toThrow(expect.objectContaining({ code: 'HEX_INVALID' }));
  });
});
