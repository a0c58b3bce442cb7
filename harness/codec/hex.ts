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

/** Formats bytes as lower-case hex pairs separated by single spaces: '10 0d 00 04'. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    if (i > 0) out += ' ';
    const b = bytes[i] as number;
    out += (b < 16 ? '0' : '') + b.toString(16);
  }
  return out;
}
