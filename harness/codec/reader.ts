/**
 * A cursor over one packet's bytes for the decoder. One instance per decoder is reused
 * for every packet (no per-packet allocation). Every read is bounds-checked against the
 * packet end and fails with a typed `DecodeError` naming what was being read.
 */
import { isUtf8 } from 'node:buffer';
import { DecodeError, type CodecErrorCode } from './errors.js';
import { statementFor, type StatementRule } from './statements.js';
import type { PacketType, ProtocolVersion } from './types.js';

const EMPTY = Buffer.alloc(0);

export class Reader {
  buf: Buffer = EMPTY;
  /** Next byte to read. */
  pos = 0;
  /** End of the current region (packet end, or property-block end while reading properties). */
  end = 0;
  /** Offset of the packet's first byte in `buf` (error offsets are relative to it). */
  start = 0;
  type: PacketType = 'connect';
  version: ProtocolVersion = 4;

  reset(buf: Buffer, start: number, bodyStart: number, end: number, type: PacketType, version: ProtocolVersion): void {
    this.buf = buf;
    this.start = start;
    this.pos = bodyStart;
    this.end = end;
    this.type = type;
    this.version = version;
  }

  /** Throws a DecodeError at `at` (absolute index into buf; defaults to the cursor). */
  fail(code: CodecErrorCode, message: string, rule?: StatementRule, at: number = this.pos): never {
    throw new DecodeError(code, message, {
      packetType: this.type,
      offset: at - this.start,
      statement: rule === undefined ? undefined : statementFor(rule, this.version),
    });
  }

  need(n: number, what: string): void {
    if (this.pos + n > this.end) {
      this.fail(
        'DECODE_TRUNCATED',
        `${this.type.toUpperCase()} ends inside ${what}: ${n} byte(s) needed, ${this.end - this.pos} left`,
      );
    }
  }

  u8(what: string): number {
    if (this.pos >= this.end) this.need(1, what);
    return this.buf[this.pos++] as number;
  }

  u16(what: string): number {
    if (this.pos + 2 > this.end) this.need(2, what);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 2;
    return ((b[p] as number) << 8) | (b[p + 1] as number);
  }

  u32(what: string): number {
    if (this.pos + 4 > this.end) this.need(4, what);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 4;
    return (b[p] as number) * 0x1000000 + (((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number));
  }

  /** Variable Byte Integer: at most 4 bytes; MQTT 5.0 also requires the minimal encoding (MQTT-1.5.5-1). */
  varint(what: string): number {
    const at = this.pos;
    let value = 0;
    let mul = 1;
    for (let n = 1; ; n++) {
      if (this.pos >= this.end) this.need(1, what);
      const b = this.buf[this.pos++] as number;
      value += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) {
        if (n > 1 && b === 0 && this.version === 5) {
          this.fail(
            'DECODE_VARIABLE_BYTE_INTEGER',
            `${what} is not encoded in the minimum number of bytes`,
            'varintMinimal',
            at,
          );
        }
        return value;
      }
      if (n === 4) {
        this.fail('DECODE_VARIABLE_BYTE_INTEGER', `${what} is longer than 4 bytes`, undefined, at);
      }
      mul *= 128;
    }
  }

  /**
   * UTF-8 Encoded String: well-formed UTF-8 without surrogates (MQTT-1.5.3-1 / 1.5.4-1) and
   * without U+0000 (MQTT-1.5.3-2 / 1.5.4-2). U+FEFF is kept as is.
   */
  string(what: string): string {
    const len = this.u16(`${what} length`);
    if (this.pos + len > this.end) this.need(len, what);
    const b = this.buf;
    const s = this.pos;
    const e = s + len;
    let ascii = true;
    for (let i = s; i < e; i++) {
      const c = b[i] as number;
      if (c === 0) this.fail('DECODE_NULL_CHARACTER', `${what} contains U+0000`, 'nul', i);
      if (c >= 0x80) {
        ascii = false;
        for (let j = i + 1; j < e; j++) {
          if (b[j] === 0) this.fail('DECODE_NULL_CHARACTER', `${what} contains U+0000`, 'nul', j);
        }
        if (!isUtf8(b.subarray(s, e))) {
          this.fail('DECODE_MALFORMED_UTF8', `${what} is not well-formed UTF-8 (or encodes a surrogate)`, 'utf8', s);
        }
        break;
      }
    }
    this.pos = e;
    return ascii ? (b as FastBuffer).latin1Slice(s, e) : (b as FastBuffer).utf8Slice(s, e);
  }

  /** Binary Data: two-byte length then bytes (a view into the input). */
  binary(what: string): Buffer {
    const len = this.u16(`${what} length`);
    if (this.pos + len > this.end) this.need(len, what);
    const s = this.pos;
    this.pos = s + len;
    return this.buf.subarray(s, s + len);
  }

  /** Everything up to the region end (a view). */
  rest(): Buffer {
    const s = this.pos;
    this.pos = this.end;
    return this.buf.subarray(s, this.end);
  }

  /** Fails unless the region was consumed exactly. */
  done(): void {
    if (this.pos !== this.end) {
      this.fail(
        'DECODE_TRAILING_BYTES',
        `${this.type.toUpperCase()} has ${this.end - this.pos} byte(s) after its last field (remaining length too long)`,
      );
    }
  }
}

/** Node's undocumented but long-stable Buffer fast paths (no argument normalisation). */
export interface FastBuffer extends Buffer {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
  utf8Write(str: string, offset: number, length?: number): number;
}
