/**
 * The MQTT codec: encode/decode of every control packet of MQTT 3.1, 3.1.1 and 5.0,
 * the protocol tables, hex helpers and the raw builder for deliberately malformed bytes.
 * Pure functions, no I/O; imports nothing else of ours.
 */
export * from './types.js';
export * from './errors.js';
export { encode, varintSize } from './encode.js';
export { PacketDecoder, decodeAll, PROTOCOL_MAX_PACKET_SIZE, type PacketDecoderOptions, type OnPacket } from './decoder.js';
export { fromHex, toHex } from './hex.js';
export {
  PACKET_TYPES,
  PACKET_TYPE_BY_ID,
  PROPERTIES,
  PROPERTY_BY_ID,
  PROPERTY_BY_KEY,
  REASON_CODES,
  REASON_CODES_BY_PACKET,
  CONNACK_RETURN_CODES,
  CONNACK_RETURN_CODE_BY_CODE,
  SUBACK_RETURN_CODES_V4,
  PROTOCOL_NAMES,
  MAX_VARIABLE_BYTE_INTEGER,
  isPropertyAllowed,
  isValidReasonCode,
  reasonCodeName,
  type PropertyDef,
  type PropertyKey,
  type PropertyPlace,
  type PropertyWireType,
  type ReasonCodeName,
  type ReasonCodePacket,
  type ConnackReturnCodeName,
} from './tables.js';
export {
  raw,
  rawVarint,
  RawPacketBuilder,
  RawProperties,
  type RawBytes,
  type RawConnectFields,
} from './raw.js';
