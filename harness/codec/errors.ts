import type { PacketType } from './types.js';

/**
 * Stable error codes of the codec. Tests assert on these, never on message text.
 * AREA_WHAT naming: DECODE_* for bytes that break the protocol, ENCODE_* for a packet
 * value that `encode()` refuses to put on the wire.
 */
export type CodecErrorCode =
  | 'DECODE_RESERVED_PACKET_TYPE'
  | 'DECODE_RESERVED_FLAGS'
  | 'DECODE_REMAINING_LENGTH'
  | 'DECODE_PACKET_TOO_LARGE'
  | 'DECODE_TRUNCATED'
  | 'DECODE_TRAILING_BYTES'
  | 'DECODE_MALFORMED_UTF8'
  | 'DECODE_NULL_CHARACTER'
  | 'DECODE_PROTOCOL_NAME'
  | 'DECODE_PROTOCOL_VERSION'
  | 'DECODE_CONNECT_FLAGS'
  | 'DECODE_INVALID_QOS'
  | 'DECODE_PACKET_ID_ZERO'
  | 'DECODE_EMPTY_PAYLOAD'
  | 'DECODE_SUBSCRIPTION_OPTIONS'
  | 'DECODE_PROPERTY_UNKNOWN'
  | 'DECODE_PROPERTY_NOT_ALLOWED'
  | 'DECODE_PROPERTY_DUPLICATE'
  | 'DECODE_PROPERTY_VALUE'
  | 'DECODE_REASON_CODE'
  | 'DECODE_VARIABLE_BYTE_INTEGER'
  | 'DECODE_CONNACK_FLAGS'
  | 'DECODE_FAILED'
  | 'ENCODE_INVALID_PACKET'
  | 'HEX_INVALID';

export interface CodecErrorContext {
  /** The packet being decoded/encoded, when known. */
  packetType?: PacketType;
  /** Byte offset from the start of the packet (its first fixed-header byte). */
  offset?: number;
  /** The normative statement this input breaks, e.g. 'MQTT-2.2.2-2'. */
  statement?: string;
  /**
   * CONNECT only: the protocol level byte as received, set on DECODE_PROTOCOL_VERSION /
   * DECODE_PROTOCOL_NAME so a server can still answer CONNACK 0x01 (3.1.1) or 0x84 (5.0).
   */
  protocolLevel?: number;
  /** CONNECT only: the protocol name as received (when it was a readable string). */
  protocolName?: string;
}

export class CodecError extends Error {
  readonly code: CodecErrorCode;
  readonly packetType: PacketType | undefined;
  readonly offset: number | undefined;
  readonly statement: string | undefined;
  readonly protocolLevel: number | undefined;
  readonly protocolName: string | undefined;

  constructor(code: CodecErrorCode, message: string, context: CodecErrorContext = {}) {
    const where = [
      context.packetType !== undefined ? `packet ${context.packetType.toUpperCase()}` : undefined,
      context.offset !== undefined ? `offset ${context.offset}` : undefined,
      context.statement,
    ]
      .filter((s): s is string => s !== undefined)
      .join(', ');
    super(where ? `${message} (${where})` : message);
    this.name = new.target.name;
    this.code = code;
    this.packetType = context.packetType;
    this.offset = context.offset;
    this.statement = context.statement;
    this.protocolLevel = context.protocolLevel;
    this.protocolName = context.protocolName;
  }
}

/** Bytes on the wire break the protocol. The connection that sent them must be closed. */
export class DecodeError extends CodecError {}

/** `encode()` was asked to write a packet that is not valid for the version. */
export class EncodeError extends CodecError {}
