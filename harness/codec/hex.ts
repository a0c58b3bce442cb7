/** Hex helpers for fixtures, traces and Gherkin doc strings. */
import { CodecError } from './errors.js';

/**
 * Parses hex such as '10 0d 00 04 4d 51 54 54'. Whitespace (spaces, newlines, tabs) is ignored;
 * anything else must be pairs of hex digits. Throws CodecError HEX_INVALID naming the problem.
 */
export function fromHex(hex: string): Buffer {
  const compact = hex.replace(/\s+/g, '');
  const bad = /[^0-9a-fA-F]/.exec(compact);
  if (bad !== null) {
    throw new CodecError('HEX_INVALID', `invalid hex: character ${JSON.stringify(bad[0])} at position ${bad.index} (whitespace ignored)`);
  }
  if (compact.length % 2 !== 0) {
    throw new CodecError('HEX_INVALID', `invalid hex: odd number of digits (${compact.length})`);
  }
  return Buffer.from(compact, 'hex');
}

/** ASCII codes of '0'..'9', 'a'..'f'. */
const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');

/**
 * Formats bytes as lower-case hex pairs separated by single spaces: '10 0d 00 04'. Linear: the
 * characters are written into one buffer and decoded once (string concatenation per byte made a
 * 300 KB packet take ~0.3 s).
 */
export function toHex(bytes: Uint8Array): string {
  const n = bytes.length;
  if (n === 0) return '';
  const out = Buffer.allocUnsafe(n * 3 - 1);
  for (let i = 0, o = 0; i < n; i++, o += 3) {
    const b = bytes[i] as number;
    out[o] = HEX_DIGITS[b >> 4] as number;
    out[o + 1] = HEX_DIGITS[b & 15] as number;
    if (o + 2 < out.length) out[o + 2] = 0x20;
  }
  return out.toString('latin1');
}
