import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from './index.js';

describe('toHex', () => {
  it('formats lower-case pairs separated by single spaces', () => {
    expect(toHex(Buffer.from([]))).toBe('');
    expect(toHex(Buffer.from([0x10]))).toBe('10');
    expect(toHex(Buffer.from([0x10, 0x0d, 0x00, 0xff, 0xab]))).toBe('10 0d 00 ff ab');
    expect(toHex(new Uint8Array([1, 2, 3]).subarray(1))).toBe('02 03');
  });

  it('is the inverse of fromHex and agrees with Buffer hex for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (a) => {
        const hex = toHex(a);
        expect(fromHex(hex).equals(Buffer.from(a))).toBe(true);
        expect(hex.replaceAll(' ', '')).toBe(Buffer.from(a).toString('hex'));
        expect(hex.length).toBe(a.length === 0 ? 0 : a.length * 3 - 1);
      }),
    );
  });
});
