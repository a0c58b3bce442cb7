/**
 * The streaming decoder: an incremental state machine over chunks.
 *
 * - When a whole packet is inside the chunk it is parsed straight from the chunk (no copy);
 *   `raw` and binary fields are views into the chunk.
 * - Only a packet that spans chunks is copied, into a buffer that grows as its bytes arrive
 *   (never more than the bytes received, capped at the packet's announced size), so at most one
 *   incomplete packet is held.
 * - The packet size is checked against `maxPacketSize` as soon as the fixed header is complete,
 *   before any of the body is buffered.
 * - Violations throw `DecodeError`; a failed decoder keeps throwing the same error.
 */
import { DecodeError } from './errors.js';
import { parseBody } from './decode-packet.js';
import { Reader } from './reader.js';
import { statementFor } from './statements.js';
import { MAX_VARIABLE_BYTE_INTEGER as MAX_VARIABLE_BYTE_INTEGER_, PACKET_TYPE_BY_ID as PACKET_TYPE_BY_ID_, PACKET_TYPES as PACKET_TYPES_ } from './tables.js';
import type { Packet, PacketType, ProtocolVersion } from './types.js';

// Local bindings: module-namespace accesses cost a getter call per use under some loaders.
const MAX_VARIABLE_BYTE_INTEGER = MAX_VARIABLE_BYTE_INTEGER_;
const PACKET_TYPE_BY_ID = PACKET_TYPE_BY_ID_;
const PACKET_TYPES = PACKET_TYPES_;

export interface PacketDecoderOptions {
  /**
   * Protocol version of the connection. Leave undefined on a server: the first CONNECT
   * decoded sets it from its protocol level. Until then packets are decoded by 3.1.1 rules.
   */
  version?: ProtocolVersion;
  /**
   * Largest packet accepted, counted as the whole packet (fixed header included).
   * Default: the protocol maximum, 268,435,455 + 5 bytes.
   */
  maxPacketSize?: number;
}

export type OnPacket = (packet: Packet, raw: Buffer) => void;

/** Protocol maximum packet size: 1 type byte + 4 length bytes + 268,435,455. */
export const PROTOCOL_MAX_PACKET_SIZE = MAX_VARIABLE_BYTE_INTEGER + 5;

/** Initial size of the buffer for a packet spanning chunks; it grows as bytes arrive. */
const INITIAL_SPAN_CAPACITY = 64 * 1024;

/** What the reader points at between packets, so that no chunk is kept alive while idle. */
const NO_BYTES = Buffer.alloc(0);

/**
 * One reader for every decoder: a packet is parsed synchronously from reset() to the end of
 * parseBody(), so no two parses overlap (a server holds thousands of idle decoders).
 */
const READER = new Reader();

export class PacketDecoder {
  version: ProtocolVersion | undefined;
  readonly maxPacketSize: number;

  private failed: DecodeError | undefined;
  /** Bytes of an incomplete fixed header (at most 5); allocated the first time a header is split (a server holds many idle decoders). */
  private hdr: Buffer | undefined;
  private hdrLen = 0;
  /** Buffer of an incomplete packet whose size is known. */
  private span: Buffer | undefined;
  private spanLen = 0;
  private spanTotal = 0;
  private spanHeaderLen = 0;
  /** Outputs of readHeader. */
  private headerLen = 0;
  private bodyLen = 0;

  constructor(options: PacketDecoderOptions = {}) {
    this.version = options.version;
    const max = options.maxPacketSize ?? PROTOCOL_MAX_PACKET_SIZE;
    if (!Number.isInteger(max) || max < 2) {
      throw new RangeError(`maxPacketSize must be an integer >= 2, got ${String(max)}`);
    }
    this.maxPacketSize = max;
  }

  /** Bytes held of an incomplete packet. */
  get buffered(): number {
    return this.hdrLen + this.spanLen;
  }

  /** The error that stopped this decoder, if any. */
  get error(): DecodeError | undefined {
    return this.failed;
  }

  /**
   * Calls onPacket for each complete packet in order (raw = exactly that packet's bytes).
   * Throws DecodeError on a violation, after delivering the packets before it; a failed
   * decoder keeps throwing. If onPacket throws, that exception propagates and the decoder
   * is failed (the rest of the chunk is lost).
   */
  feed(chunk: Buffer, onPacket: OnPacket): void {
    if (this.failed !== undefined) throw this.failed;
    const len = chunk.length;
    let pos = 0;
    if (this.hdrLen > 0 || this.span !== undefined) {
      pos = this.continuePending(chunk, onPacket);
      if (pos < 0) return;
    }
    while (pos < len) {
      let packet: Packet;
      let end: number;
      try {
        const first = chunk[pos] as number;
        const type = this.checkFirstByte(first);
        const hl = this.readHeader(chunk, pos, len);
        if (hl === 0) {
          // Incomplete fixed header: keep its bytes (at most 4 here).
          chunk.copy((this.hdr ??= Buffer.alloc(5)), 0, pos, len);
          this.hdrLen = len - pos;
          return;
        }
        const total = hl + this.bodyLen;
        this.checkSize(total, type);
        end = pos + total;
        if (end > len) {
          this.startSpan(chunk, pos, len, total, hl);
          return;
        }
        packet = this.parse(chunk, pos, pos + hl, end, first, type);
      } catch (err) {
        throw this.fail(err);
      }
      this.deliver(onPacket, packet, chunk.subarray(pos, end));
      pos = end;
    }
  }

  /** Feeds the bytes of a pending packet; returns the chunk position after it, or -1 when the chunk was used up. */
  private continuePending(chunk: Buffer, onPacket: OnPacket): number {
    let pos = 0;
    const len = chunk.length;
    try {
      if (this.hdrLen > 0) {
        const hdr = this.hdr as Buffer; // hdrLen > 0: allocated
        while (pos < len) {
          hdr[this.hdrLen++] = chunk[pos++] as number;
          const hl = this.readHeader(hdr, 0, this.hdrLen);
          if (hl > 0) {
            const first = hdr[0] as number;
            const type = PACKET_TYPE_BY_ID[first >> 4] as PacketType;
            const total = hl + this.bodyLen;
            this.checkSize(total, type);
            this.hdrLen = 0;
            this.startSpan(hdr, 0, hl, total, hl);
            break;
          }
        }
        if (this.hdrLen > 0) return -1;
      }
      const span = this.span;
      if (span === undefined) return pos;
      const take = Math.min(this.spanTotal - this.spanLen, len - pos);
      this.ensureSpanCapacity(this.spanLen + take);
      chunk.copy(this.span as Buffer, this.spanLen, pos, pos + take);
      this.spanLen += take;
      pos += take;
      if (this.spanLen < this.spanTotal) return -1;
    } catch (err) {
      throw this.fail(err);
    }
    const buf = this.span as Buffer;
    const total = this.spanTotal;
    const hl = this.spanHeaderLen;
    this.span = undefined;
    this.spanLen = 0;
    let packet: Packet;
    try {
      const first = buf[0] as number;
      packet = this.parse(buf, 0, hl, total, first, PACKET_TYPE_BY_ID[first >> 4] as PacketType);
    } catch (err) {
      throw this.fail(err);
    }
    this.deliver(onPacket, packet, buf.length === total ? buf : buf.subarray(0, total));
    return pos;
  }

  private deliver(onPacket: OnPacket, packet: Packet, raw: Buffer): void {
    try {
      onPacket(packet, raw);
    } catch (err) {
      this.failed = new DecodeError('DECODE_FAILED', `onPacket threw: ${err instanceof Error ? err.message : String(err)}`, {
        packetType: packet.type,
      });
      throw err;
    }
  }

  private startSpan(src: Buffer, from: number, to: number, total: number, headerLen: number): void {
    const have = to - from;
    const cap = total <= INITIAL_SPAN_CAPACITY ? total : Math.max(INITIAL_SPAN_CAPACITY, Math.min(total, have * 2));
    const span = Buffer.allocUnsafe(cap);
    src.copy(span, 0, from, to);
    this.span = span;
    this.spanLen = have;
    this.spanTotal = total;
    this.spanHeaderLen = headerLen;
  }

  private ensureSpanCapacity(need: number): void {
    const span = this.span as Buffer;
    if (need <= span.length) return;
    const grown = Buffer.allocUnsafe(Math.min(this.spanTotal, Math.max(need, span.length * 2)));
    span.copy(grown, 0, 0, this.spanLen);
    this.span = grown;
  }

  private parse(buf: Buffer, start: number, bodyStart: number, end: number, first: number, type: PacketType): Packet {
    const r = READER;
    r.reset(buf, start, bodyStart, end, type, this.version ?? 4);
    const packet = parseBody(r, first);
    r.buf = NO_BYTES; // the packet holds views of what it needs; the reader must not keep the chunk alive
    if (packet.type === 'connect' && this.version === undefined) this.version = packet.protocolVersion;
    return packet;
  }

  private fail(err: unknown): DecodeError {
    const e =
      err instanceof DecodeError
        ? err
        : new DecodeError('DECODE_FAILED', `decoder failure: ${err instanceof Error ? err.message : String(err)}`);
    this.failed = e;
    this.hdrLen = 0;
    this.span = undefined;
    this.spanLen = 0;
    return e;
  }

  /** Validates the first byte: packet type and the fixed-header flags the version requires. */
  private checkFirstByte(first: number): PacketType {
    const id = first >> 4;
    const type = PACKET_TYPE_BY_ID[id];
    const version = this.version ?? 4;
    if (type === undefined || (type === 'auth' && version !== 5)) {
      throw new DecodeError('DECODE_RESERVED_PACKET_TYPE', `packet type ${id} is reserved${id === 15 ? ' before MQTT 5.0' : ''}`, {
        offset: 0,
      });
    }
    const flags = first & 0x0f;
    if (type === 'publish') {
      const qos = (flags >> 1) & 3;
      if (qos === 3) {
        throw new DecodeError('DECODE_INVALID_QOS', 'PUBLISH has QoS 3 (both QoS bits set)', {
          packetType: type,
          offset: 0,
          statement: statementFor('publishQos3', version),
        });
      }
      if (qos === 0 && (flags & 8) !== 0 && version !== 3) {
        throw new DecodeError('DECODE_RESERVED_FLAGS', 'PUBLISH has QoS 0 with DUP 1', {
          packetType: type,
          offset: 0,
          statement: statementFor('publishDupQos0', version),
        });
      }
      return type;
    }
    // MQTT 3.1 defines DUP/QoS/RETAIN bits on every packet without requiring values: not checked.
    if (version === 3) return type;
    const expected = PACKET_TYPES[type].flags;
    if (flags !== expected) {
      const rule =
        type === 'pubrel'
          ? 'pubrelFlags'
          : type === 'subscribe'
            ? 'subscribeFlags'
            : type === 'unsubscribe'
              ? 'unsubscribeFlags'
              : type === 'disconnect'
                ? 'disconnectFlags'
                : type === 'auth'
                  ? 'authFlags'
                  : 'flags';
      throw new DecodeError(
        'DECODE_RESERVED_FLAGS',
        `${PACKET_TYPES[type].name} fixed-header flags are 0x${flags.toString(16)} (must be 0x${(expected as number).toString(16)})`,
        { packetType: type, offset: 0, statement: statementFor(rule, version) ?? statementFor('flags', version) },
      );
    }
    return type;
  }

  /**
   * Reads the remaining length at buf[pos + 1...]. Returns the fixed-header length (2..5) and
   * sets bodyLen, or returns 0 when the header is not complete yet.
   */
  private readHeader(buf: Buffer, pos: number, len: number): number {
    let value = 0;
    let mul = 1;
    for (let i = 1; i <= 4; i++) {
      if (pos + i >= len) return 0;
      const b = buf[pos + i] as number;
      value += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) {
        if (i > 1 && b === 0 && this.version === 5) {
          throw new DecodeError('DECODE_REMAINING_LENGTH', 'remaining length is not encoded in the minimum number of bytes', {
            packetType: PACKET_TYPE_BY_ID[(buf[pos] as number) >> 4],
            offset: 1,
            statement: statementFor('varintMinimal', 5),
          });
        }
        this.headerLen = i + 1;
        this.bodyLen = value;
        return i + 1;
      }
      mul *= 128;
    }
    throw new DecodeError('DECODE_REMAINING_LENGTH', 'remaining length is longer than 4 bytes', {
      packetType: PACKET_TYPE_BY_ID[(buf[pos] as number) >> 4],
      offset: 4,
    });
  }

  private checkSize(total: number, type: PacketType): void {
    if (total > this.maxPacketSize) {
      throw new DecodeError(
        'DECODE_PACKET_TOO_LARGE',
        `packet of ${total} bytes exceeds the maximum packet size of ${this.maxPacketSize}`,
        { packetType: type, offset: 0 },
      );
    }
  }
}

/** Decodes a complete byte sequence of packets; throws DecodeError (DECODE_TRUNCATED when it ends inside a packet). */
export function decodeAll(bytes: Uint8Array, version?: ProtocolVersion): Packet[] {
  const decoder = new PacketDecoder(version === undefined ? {} : { version });
  const out: Packet[] = [];
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  decoder.feed(buf, (p) => {
    out.push(p);
  });
  if (decoder.buffered > 0) {
    throw new DecodeError('DECODE_TRUNCATED', `input ends inside a packet (${decoder.buffered} byte(s) of it present)`, {
      offset: decoder.buffered,
    });
  }
  return out;
}
