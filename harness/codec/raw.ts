/**
 * The raw builder: bytes with any field deliberately wrong, for malformed-input scenarios.
 *
 * Nothing here validates anything; it writes exactly what it is told. Use `encode()` for valid
 * packets and this for the rest.
 *
 * @example SUBSCRIBE with wrong reserved flags (0x80 instead of 0x82)
 * ```ts
 * raw.packet(0x80).u16(1).string('t/a').byte(0).build();            // 80 08 00 01 00 03 74 2f 61 00
 * ```
 * @example PUBLISH whose topic holds a UTF-16 surrogate encoded in UTF-8 (ED A0 80)
 * ```ts
 * raw.packet(0x30).string(Buffer.concat([Buffer.from('a/'), raw.utf8.surrogate])).build();
 * ```
 * @example Remaining length in 5 bytes, and a non-minimal one
 * ```ts
 * raw.packet(0xc0).remainingLength(0, 5).build();                    // c0 80 80 80 80 00
 * raw.packet(0xc0).remainingLength(0, 2).build();                    // c0 80 00
 * ```
 * @example MQTT 5.0 PUBLISH with a duplicated property and an unknown property id
 * ```ts
 * raw.packet(0x30).string('t')
 *   .properties(raw.props().u16(0x23, 1).u16(0x23, 2).byte(0x7f, 0))
 *   .bytes('payload').build();
 * ```
 * @example mutate an encoded packet
 * ```ts
 * raw.withFirstByte(encode(pub, 4), 0x36);                             // QoS bits 3
 * raw.withTrailing(encode({ type: 'pingreq' }, 4), [0x00]);            // c0 01 00
 * ```
 */
import { PROPERTIES, type PropertyKey } from './tables.js';

/** Bytes accepted wherever raw bytes are: a Buffer/Uint8Array, an array of byte values, or a string (UTF-8). */
export type RawBytes = Uint8Array | readonly number[] | string;

function toBuffer(b: RawBytes): Buffer {
  if (typeof b === 'string') return Buffer.from(b, 'utf8');
  if (b instanceof Uint8Array) return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  return Buffer.from(b as number[]);
}

/**
 * Encodes `value` as a Variable Byte Integer. With `width` larger than the minimum, the
 * encoding is padded to that many bytes (non-minimal: continuation bits set, then 0x00), so
 * `varint(0, 2)` is `80 00` and `varint(0, 5)` is `80 80 80 80 00` (5 bytes: malformed).
 * Values above 268,435,455 are written with as many 7-bit groups as they need.
 */
export function rawVarint(value: number, width?: number): Buffer {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`varint value must be a non-negative integer, got ${value}`);
  const out: number[] = [];
  let n = value;
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  if (width !== undefined) {
    if (width < out.length) throw new RangeError(`varint ${value} needs ${out.length} bytes, width ${width} is too small`);
    while (out.length < width) {
      out[out.length - 1] = (out[out.length - 1] as number) | 0x80;
      out.push(0);
    }
  }
  return Buffer.from(out);
}

/** Fluent writer of a byte sequence, shared by packet and property builders. */
abstract class RawWriter<Self> {
  protected readonly parts: Buffer[] = [];

  protected abstract self(): Self;

  /** One byte (0..255; higher bits are masked off). */
  byte(value: number): Self {
    this.parts.push(Buffer.from([value & 0xff]));
    return this.self();
  }

  /** Two-byte big-endian integer (e.g. a packet identifier; `u16(0)` for packet id 0). */
  u16(value: number): Self {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(value & 0xffff);
    this.parts.push(b);
    return this.self();
  }

  /** Four-byte big-endian integer. */
  u32(value: number): Self {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(value >>> 0);
    this.parts.push(b);
    return this.self();
  }

  /** Variable Byte Integer, optionally padded to `width` bytes (see `rawVarint`). */
  varint(value: number, width?: number): Self {
    this.parts.push(rawVarint(value, width));
    return this.self();
  }

  /**
   * A length-prefixed string: two-byte length then the bytes. A JS string is written as UTF-8;
   * pass bytes (e.g. `raw.utf8.surrogate`) for ill-formed UTF-8, since JS strings cannot carry it.
   * `length` overrides the length prefix (a lie about the field size).
   */
  string(value: RawBytes, length?: number): Self {
    const bytes = toBuffer(value);
    this.u16(length ?? bytes.length);
    this.parts.push(bytes);
    return this.self();
  }

  /** Binary Data: same layout as `string` (two-byte length then bytes). */
  binary(value: RawBytes, length?: number): Self {
    return this.string(value, length);
  }

  /** Bytes as they are, with no length prefix. */
  bytes(value: RawBytes): Self {
    this.parts.push(toBuffer(value));
    return this.self();
  }

  /** Bytes from hex ('00 01 ff'; whitespace ignored). */
  hex(value: string): Self {
    this.parts.push(Buffer.from(value.replace(/\s+/g, ''), 'hex'));
    return this.self();
  }

  /** The bytes written so far. */
  protected content(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/**
 * Builder of an MQTT 5.0 property block's content. Identifiers are written as Variable Byte
 * Integers, so any id (unknown, multi-byte) can be sent; values are written as told.
 */
export class RawProperties extends RawWriter<RawProperties> {
  protected self(): RawProperties {
    return this;
  }

  /** A property with a byte value (e.g. 0x24 Maximum QoS). */
  byteProp(id: number, value: number): RawProperties {
    return this.varint(id).byte(value);
  }

  /** A property with a two-byte value (e.g. 0x23 Topic Alias). */
  u16Prop(id: number, value: number): RawProperties {
    return this.varint(id).u16(value);
  }

  /** A property with a four-byte value (e.g. 0x11 Session Expiry Interval). */
  u32Prop(id: number, value: number): RawProperties {
    return this.varint(id).u32(value);
  }

  /** A property with a Variable Byte Integer value (0x0B Subscription Identifier). */
  varintProp(id: number, value: number, width?: number): RawProperties {
    return this.varint(id).varint(value, width);
  }

  /** A property with a string or binary value. */
  stringProp(id: number, value: RawBytes, length?: number): RawProperties {
    return this.varint(id).string(value, length);
  }

  /** A user-property-like pair (0x26). */
  pairProp(id: number, name: RawBytes, value: RawBytes): RawProperties {
    return this.varint(id).string(name).string(value);
  }

  /**
   * A property by its model key with the wire type from the PROPERTIES table, e.g.
   * `set('topicAlias', 0)`, `set('userProperties', ['k', 'v'])`, `set('subscriptionIdentifiers', 0)`.
   */
  set(key: PropertyKey, value: number | RawBytes | readonly [RawBytes, RawBytes]): RawProperties {
    const def = PROPERTIES[key];
    switch (def.type) {
      case 'byte':
        return this.byteProp(def.id, value as number);
      case 'u16':
        return this.u16Prop(def.id, value as number);
      case 'u32':
        return this.u32Prop(def.id, value as number);
      case 'varint':
        return this.varintProp(def.id, value as number);
      case 'string':
      case 'binary':
        return this.stringProp(def.id, value as RawBytes);
      case 'pair': {
        const [n, v] = value as readonly [RawBytes, RawBytes];
        return this.pairProp(def.id, n, v);
      }
    }
  }

  /** The property block content (without its length prefix). */
  build(): Buffer {
    return this.content();
  }
}

/**
 * Builder of one packet: first byte (type and flags, anything 0..255), then the body fields in
 * order. `build()` prefixes the remaining length, computed from the body unless overridden.
 */
export class RawPacketBuilder extends RawWriter<RawPacketBuilder> {
  private readonly first: number;
  private lengthValue: number | undefined;
  private lengthWidth: number | undefined;
  private lengthBytes: Buffer | undefined;

  constructor(first: number) {
    super();
    this.first = first & 0xff;
  }

  protected self(): RawPacketBuilder {
    return this;
  }

  /**
   * Overrides the remaining length: `value` (default: the real body length) and/or its width in
   * bytes (e.g. 5 for an over-long encoding, or more than needed for a non-minimal one).
   */
  remainingLength(value?: number, width?: number): RawPacketBuilder {
    this.lengthValue = value;
    this.lengthWidth = width;
    return this;
  }

  /** Replaces the whole remaining-length field with these bytes (e.g. `[0xff, 0xff, 0xff, 0xff, 0x7f]`). */
  remainingLengthBytes(bytes: RawBytes): RawPacketBuilder {
    this.lengthBytes = toBuffer(bytes);
    return this;
  }

  /**
   * An MQTT 5.0 property block: Variable Byte Integer length then the properties. `length`
   * overrides the length prefix; `width` pads it (non-minimal).
   */
  properties(props?: RawProperties | RawBytes, length?: number, width?: number): RawPacketBuilder {
    const content = props === undefined ? Buffer.alloc(0) : props instanceof RawProperties ? props.build() : toBuffer(props);
    this.varint(length ?? content.length, width);
    this.parts.push(content);
    return this;
  }

  /** The packet bytes. */
  build(): Buffer {
    const body = this.content();
    const header = this.lengthBytes ?? rawVarint(this.lengthValue ?? body.length, this.lengthWidth);
    return Buffer.concat([Buffer.from([this.first]), header, body]);
  }
}

/** Fields of `raw.connect`: every field may be given as bytes, and the flags byte may be forced. */
export interface RawConnectFields {
  protocolName?: RawBytes;
  /** Protocol level byte; default 4. */
  level?: number;
  /** Connect flags byte; default computed from the fields present (and `clean`). */
  flags?: number;
  clean?: boolean;
  keepalive?: number;
  /** MQTT 5.0 property block content (written with its length when `level` is 5 or this is set). */
  properties?: RawProperties | RawBytes;
  clientId?: RawBytes;
  will?: { properties?: RawProperties | RawBytes; topic: RawBytes; payload: RawBytes; qos?: number; retain?: boolean };
  username?: RawBytes;
  password?: RawBytes;
}

/** Splits an encoded packet into first byte, header length and body (no validation beyond framing). */
function split(packet: Uint8Array): { first: number; body: Buffer } {
  const buf = toBuffer(packet);
  if (buf.length < 2) throw new RangeError('not a packet: fewer than 2 bytes');
  let i = 1;
  while (i < buf.length && i < 5 && ((buf[i] as number) & 0x80) !== 0) i++;
  return { first: buf[0] as number, body: buf.subarray(i + 1) };
}

/** Well-known byte sequences for string fields (use with `.string(...)` / `.bytes(...)`). */
const utf8 = {
  /** U+D800 encoded in UTF-8 (a surrogate: ill-formed, MQTT-1.5.3-1 / 1.5.4-1). */
  surrogate: Buffer.from([0xed, 0xa0, 0x80]),
  /** U+0000 (MQTT-1.5.3-2 / 1.5.4-2). */
  nul: Buffer.from([0x00]),
  /** Overlong encoding of U+0000 (C0 80): ill-formed UTF-8. */
  overlongNul: Buffer.from([0xc0, 0x80]),
  /** A byte that never appears in UTF-8. */
  invalidByte: Buffer.from([0xff]),
  /** A truncated multi-byte sequence (first byte of a 2-byte sequence). */
  truncated: Buffer.from([0xc3]),
  /** U+FEFF ZERO WIDTH NO-BREAK SPACE (BOM): valid, must be kept (MQTT-1.5.3-3 / 1.5.4-3). */
  bom: Buffer.from([0xef, 0xbb, 0xbf]),
} as const;

/** The raw builder: see the module documentation for examples. */
export const raw = {
  /** Starts a packet with this first byte (type << 4 | flags; any value 0..255, e.g. 0x00 or 0xf0). */
  packet(first: number): RawPacketBuilder {
    return new RawPacketBuilder(first);
  },

  /** Starts an MQTT 5.0 property block content. */
  props(): RawProperties {
    return new RawProperties();
  },

  /** A Variable Byte Integer, optionally padded to `width` bytes. */
  varint: rawVarint,

  /** Byte sequences for malformed / edge-case strings. */
  utf8,

  /**
   * A CONNECT with any field wrong: protocol name/level, flags, strings as bytes. Defaults give
   * a valid 3.1.1 CONNECT with client id 'raw', clean session, keep alive 60.
   */
  connect(fields: RawConnectFields = {}): Buffer {
    const level = fields.level ?? 4;
    const will = fields.will;
    const flags =
      fields.flags ??
      ((fields.clean ?? true ? 0x02 : 0) |
        (will !== undefined ? 0x04 | ((will.qos ?? 0) << 3) | (will.retain === true ? 0x20 : 0) : 0) |
        (fields.password !== undefined ? 0x40 : 0) |
        (fields.username !== undefined ? 0x80 : 0));
    const b = new RawPacketBuilder(0x10)
      .string(fields.protocolName ?? (level === 3 ? 'MQIsdp' : 'MQTT'))
      .byte(level)
      .byte(flags)
      .u16(fields.keepalive ?? 60);
    const v5 = level === 5;
    if (v5 || fields.properties !== undefined) b.properties(fields.properties);
    b.string(fields.clientId ?? 'raw');
    if (will !== undefined) {
      if (v5 || will.properties !== undefined) b.properties(will.properties);
      b.string(will.topic).binary(will.payload);
    }
    if (fields.username !== undefined) b.string(fields.username);
    if (fields.password !== undefined) b.binary(fields.password);
    return b.build();
  },

  /** A copy of `packet` with its first byte (type and flags) replaced. */
  withFirstByte(packet: Uint8Array, first: number): Buffer {
    const out = Buffer.from(packet);
    out[0] = first & 0xff;
    return out;
  },

  /**
   * `packet` with `bytes` appended inside it: the remaining length grows to cover them, so the
   * receiver sees extra bytes after the last field (a malformed packet), not a second packet.
   */
  withTrailing(packet: Uint8Array, bytes: RawBytes): Buffer {
    const { first, body } = split(packet);
    return raw.packet(first).bytes(body).bytes(bytes).build();
  },

  /** `packet` with its last `count` body bytes removed and the remaining length fixed (a field cut short). */
  withBodyCut(packet: Uint8Array, count: number): Buffer {
    const { first, body } = split(packet);
    return raw.packet(first).bytes(body.subarray(0, Math.max(0, body.length - count))).build();
  },

  /**
   * `packet` with its remaining length replaced by `value` (body unchanged), optionally written in
   * `width` bytes. A value larger than the body makes the receiver wait for more; smaller makes the
   * rest of the body look like the next packet.
   */
  withRemainingLength(packet: Uint8Array, value: number, width?: number): Buffer {
    const { first, body } = split(packet);
    return raw.packet(first).bytes(body).remainingLength(value, width).build();
  },
} as const;
