/**
 * The strict encoder: `encode(packet, version)` validates the packet for the version,
 * computes the exact size first, then writes once into one `Buffer.allocUnsafe` buffer.
 * Invalid packets are refused with `EncodeError` (use `raw` to write malformed bytes on purpose).
 */
import { EncodeError } from './errors.js';
import type { FastBuffer } from './reader.js';
import {
  MAX_VARIABLE_BYTE_INTEGER as MAX_VARIABLE_BYTE_INTEGER_,
  PROPERTY_ALLOWED as PROPERTY_ALLOWED_,
  PROPERTY_BY_KEY as PROPERTY_BY_KEY_,
  PROTOCOL_NAMES as PROTOCOL_NAMES_,
  REASON_CODES_BY_PACKET as REASON_CODES_BY_PACKET_,
  type PropertyPlace,
} from './tables.js';
import type {
  AuthPacket,
  ConnackPacket,
  ConnectPacket,
  DisconnectPacket,
  Packet,
  PacketType,
  Properties,
  ProtocolVersion,
  PubAckLikePacket,
  PublishPacket,
  SubackPacket,
  SubscribePacket,
  UnsubackPacket,
  UnsubscribePacket,
} from './types.js';

// Local bindings: module-namespace accesses cost a getter call per use under some loaders.
const MAX_VARIABLE_BYTE_INTEGER = MAX_VARIABLE_BYTE_INTEGER_;
const PROPERTY_ALLOWED = PROPERTY_ALLOWED_;
const PROPERTY_BY_KEY = PROPERTY_BY_KEY_;
const PROTOCOL_NAMES = PROTOCOL_NAMES_;
const REASON_CODES_BY_PACKET = REASON_CODES_BY_PACKET_;

/** Encodes `packet` for protocol `version`. Throws EncodeError when the packet is not valid for it. */
export function encode(packet: Packet, version: ProtocolVersion): Buffer {
  if (version !== 3 && version !== 4 && version !== 5) {
    throw new EncodeError('ENCODE_INVALID_PACKET', `protocol version must be 3, 4 or 5, got ${String(version)}`);
  }
  switch (packet.type) {
    case 'publish':
      return encodePublish(packet, version);
    case 'puback':
    case 'pubrec':
    case 'pubcomp':
      return encodePubAckLike(packet, version, PACKET_IDS[packet.type] << 4);
    case 'pubrel':
      return encodePubAckLike(packet, version, 0x62);
    case 'connect':
      return encodeConnect(packet, version);
    case 'connack':
      return encodeConnack(packet, version);
    case 'subscribe':
      return encodeSubscribe(packet, version);
    case 'suback':
      return encodeSuback(packet, version);
    case 'unsubscribe':
      return encodeUnsubscribe(packet, version);
    case 'unsuback':
      return encodeUnsuback(packet, version);
    case 'pingreq':
      return Buffer.from([0xc0, 0x00]);
    case 'pingresp':
      return Buffer.from([0xd0, 0x00]);
    case 'disconnect':
      return encodeDisconnectOrAuth(packet, version, 0xe0);
    case 'auth':
      if (version !== 5) invalid('auth', 'AUTH exists only in MQTT 5.0');
      return encodeDisconnectOrAuth(packet, version, 0xf0);
    default: {
      const never: never = packet;
      throw new EncodeError('ENCODE_INVALID_PACKET', `unknown packet type ${JSON.stringify((never as { type?: unknown }).type)}`);
    }
  }
}

const PACKET_IDS = { puback: 4, pubrec: 5, pubcomp: 7 } as const;

function invalid(type: PacketType, message: string): never {
  throw new EncodeError('ENCODE_INVALID_PACKET', message, { packetType: type });
}

// ---------------------------------------------------------------------------------------------
// Sizes and checks

/** Size of a Variable Byte Integer. */
export function varintSize(n: number): number {
  return n < 128 ? 1 : n < 16384 ? 2 : n < 2097152 ? 3 : 4;
}

/** Byte length of a UTF-8 Encoded String field's data; refuses U+0000, lone surrogates, > 65535 bytes. */
function stringSize(type: PacketType, s: unknown, what: string): number {
  if (typeof s !== 'string') invalid(type, `${what} must be a string`);
  const n = s.length;
  // Fast path: one pass over short ASCII strings (topics, client ids) checks and measures.
  if (n < 128) {
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c === 0) invalid(type, `${what} contains U+0000`);
      if (c > 0x7f) break;
    }
    if (i === n) return n;
  }
  if (s.includes('\u0000')) invalid(type, `${what} contains U+0000`);
  if (hasLoneSurrogate(s)) invalid(type, `${what} contains a lone surrogate`);
  const bytes = Buffer.byteLength(s, 'utf8');
  if (bytes > 65535) invalid(type, `${what} is ${bytes} bytes (at most 65535)`);
  return bytes;
}

function hasLoneSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
      else return true;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return true;
    }
  }
  return false;
}

function binarySize(type: PacketType, b: unknown, what: string): number {
  if (!(b instanceof Uint8Array)) invalid(type, `${what} must be a Buffer`);
  if (b.length > 65535) invalid(type, `${what} is ${b.length} bytes (at most 65535)`);
  return b.length;
}

function checkPacketId(type: PacketType, id: unknown): number {
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > 65535) {
    invalid(type, `packetId must be an integer 1..65535, got ${String(id)}`);
  }
  return id;
}

function checkInt(type: PacketType, v: unknown, max: number, what: string, min = 0): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    invalid(type, `${what} must be an integer ${min}..${max}, got ${String(v)}`);
  }
  return v;
}

function noProperties(type: PacketType, props: Properties | undefined, version: ProtocolVersion): void {
  if (props !== undefined && Object.values(props).some((v) => v !== undefined)) {
    invalid(type, `properties exist only in MQTT 5.0 (encoding for version ${version})`);
  }
}

function checkReasonCode(type: PacketType, code: number): number {
  if (!REASON_CODES_BY_PACKET[type].has(code)) {
    invalid(type, `0x${Number(code).toString(16)} is not a reason code defined for ${type.toUpperCase()}`);
  }
  return code;
}

/**
 * Size of a property block's content (without its length prefix). Validates every property:
 * known key, allowed in `place`, value range.
 */
function propertiesSize(type: PacketType, props: Properties | undefined, place: PropertyPlace): number {
  if (props === undefined) return 0;
  let size = 0;
  const allowed = PROPERTY_ALLOWED[place];
  for (const key in props) {
    const value = (props as Record<string, unknown>)[key];
    if (value === undefined) continue;
    const def = PROPERTY_BY_KEY.get(key);
    if (def === undefined) invalid(type, `unknown property ${JSON.stringify(key)}`);
    if (allowed[def.id] !== true) invalid(type, `${def.name} is not allowed in ${place === 'will' ? 'will properties' : type.toUpperCase()}`);
    switch (def.type) {
      case 'byte':
        checkInt(type, value, 1, def.name);
        size += 2;
        break;
      case 'u16':
        checkInt(type, value, 65535, def.name, def.key === 'receiveMaximum' || def.key === 'topicAlias' ? 1 : 0);
        size += 3;
        break;
      case 'u32':
        checkInt(type, value, 0xffffffff, def.name, def.key === 'maximumPacketSize' ? 1 : 0);
        size += 5;
        break;
      case 'string':
        size += 3 + stringSize(type, value, def.name);
        break;
      case 'binary':
        size += 3 + binarySize(type, value, def.name);
        break;
      case 'varint': {
        if (!Array.isArray(value)) invalid(type, `${def.name}s must be an array`);
        if (value.length > 1 && !def.repeatableIn.includes(place)) invalid(type, `${def.name} may appear only once in ${type.toUpperCase()}`);
        for (const v of value) size += 1 + varintSize(checkInt(type, v, MAX_VARIABLE_BYTE_INTEGER, def.name, 1));
        break;
      }
      case 'pair': {
        if (!Array.isArray(value)) invalid(type, 'userProperties must be an array of [name, value]');
        for (const pair of value as unknown[]) {
          if (!Array.isArray(pair) || pair.length !== 2) invalid(type, 'a user property must be [name, value]');
          size += 5 + stringSize(type, pair[0], 'user property name') + stringSize(type, pair[1], 'user property value');
        }
        break;
      }
    }
  }
  return size;
}

// ---------------------------------------------------------------------------------------------
// Writing

/** Writes a Variable Byte Integer at pos; returns the new position. */
function writeVarint(buf: Buffer, pos: number, n: number): number {
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    buf[pos++] = b;
  } while (n > 0);
  return pos;
}

function writeU16(buf: Buffer, pos: number, n: number): number {
  buf[pos] = n >>> 8;
  buf[pos + 1] = n & 0xff;
  return pos + 2;
}

function writeU32(buf: Buffer, pos: number, n: number): number {
  buf[pos] = n >>> 24;
  buf[pos + 1] = (n >>> 16) & 0xff;
  buf[pos + 2] = (n >>> 8) & 0xff;
  buf[pos + 3] = n & 0xff;
  return pos + 4;
}

/** Writes a length-prefixed UTF-8 string whose byte length is `len`. */
function writeString(buf: Buffer, pos: number, s: string, len: number): number {
  buf[pos] = len >>> 8;
  buf[pos + 1] = len & 0xff;
  pos += 2;
  if (len === s.length && len < 48) {
    for (let i = 0; i < len; i++) buf[pos + i] = s.charCodeAt(i);
  } else {
    (buf as FastBuffer).utf8Write(s, pos, len);
  }
  return pos + len;
}

/** Writes a string whose length is not known yet (properties); returns the new position. */
function writeStringUnsized(buf: Buffer, pos: number, s: string): number {
  const n = (buf as FastBuffer).utf8Write(s, pos + 2);
  buf[pos] = n >>> 8;
  buf[pos + 1] = n & 0xff;
  return pos + 2 + n;
}

function writeBytes(buf: Buffer, pos: number, b: Uint8Array): number {
  const n = b.length;
  if (n < 32) {
    for (let i = 0; i < n; i++) buf[pos + i] = b[i] as number;
  } else {
    buf.set(b, pos);
  }
  return pos + n;
}

function writeBinary(buf: Buffer, pos: number, b: Uint8Array): number {
  pos = writeU16(buf, pos, b.length);
  return writeBytes(buf, pos, b);
}

/** Writes the property block (length + properties). Props must have been validated by propertiesSize. */
function writeProperties(buf: Buffer, pos: number, props: Properties | undefined, size: number): number {
  pos = writeVarint(buf, pos, size);
  if (props === undefined || size === 0) return pos;
  for (const key in props) {
    const value = (props as Record<string, unknown>)[key];
    if (value === undefined) continue;
    const def = PROPERTY_BY_KEY.get(key);
    if (def === undefined) continue;
    switch (def.type) {
      case 'byte':
        buf[pos++] = def.id;
        buf[pos++] = value as number;
        break;
      case 'u16':
        buf[pos++] = def.id;
        pos = writeU16(buf, pos, value as number);
        break;
      case 'u32':
        buf[pos++] = def.id;
        pos = writeU32(buf, pos, value as number);
        break;
      case 'string':
        buf[pos++] = def.id;
        pos = writeStringUnsized(buf, pos, value as string);
        break;
      case 'binary':
        buf[pos++] = def.id;
        pos = writeBinary(buf, pos, value as Uint8Array);
        break;
      case 'varint':
        for (const v of value as number[]) {
          buf[pos++] = def.id;
          pos = writeVarint(buf, pos, v);
        }
        break;
      case 'pair':
        for (const [name, val] of value as [string, string][]) {
          buf[pos++] = def.id;
          pos = writeStringUnsized(buf, pos, name);
          pos = writeStringUnsized(buf, pos, val);
        }
        break;
    }
  }
  return pos;
}

/** Allocates the packet buffer and writes the fixed header; returns [buf, pos]. */
function fixedHeader(type: PacketType, first: number, remaining: number): Buffer {
  if (remaining > MAX_VARIABLE_BYTE_INTEGER) {
    invalid(type, `remaining length ${remaining} exceeds ${MAX_VARIABLE_BYTE_INTEGER}`);
  }
  const buf = Buffer.allocUnsafe(1 + varintSize(remaining) + remaining);
  buf[0] = first;
  writeVarint(buf, 1, remaining);
  return buf;
}

// ---------------------------------------------------------------------------------------------
// Packets

function encodePublish(p: PublishPacket, version: ProtocolVersion): Buffer {
  const qos = p.qos;
  if (qos !== 0 && qos !== 1 && qos !== 2) invalid('publish', `QoS must be 0, 1 or 2, got ${String(qos)}`);
  const topicLen = stringSize('publish', p.topic, 'topic name');
  const payload = p.payload;
  if (!(payload instanceof Uint8Array)) invalid('publish', 'payload must be a Buffer');
  let remaining = 2 + topicLen + payload.length;
  if (qos > 0) {
    checkPacketId('publish', p.packetId);
    remaining += 2;
  } else {
    if (p.packetId !== undefined) invalid('publish', 'a QoS 0 PUBLISH has no packet identifier (MQTT-2.3.1-5)');
    if (p.dup) invalid('publish', 'a QoS 0 PUBLISH must have DUP 0 (MQTT-3.3.1-2)');
  }
  let propsSize = 0;
  if (version === 5) {
    propsSize = propertiesSize('publish', p.properties, 'publish');
    remaining += varintSize(propsSize) + propsSize;
  } else {
    noProperties('publish', p.properties, version);
  }
  const first = 0x30 | (p.dup ? 8 : 0) | (qos << 1) | (p.retain ? 1 : 0);
  const buf = fixedHeader('publish', first, remaining);
  let pos = buf.length - remaining;
  pos = writeString(buf, pos, p.topic, topicLen);
  if (qos > 0) pos = writeU16(buf, pos, p.packetId as number);
  if (version === 5) pos = writeProperties(buf, pos, p.properties, propsSize);
  writeBytes(buf, pos, payload);
  return buf;
}

function encodePubAckLike(
  p: PubAckLikePacket<'puback' | 'pubrec' | 'pubrel' | 'pubcomp'>,
  version: ProtocolVersion,
  first: number,
): Buffer {
  checkPacketId(p.type, p.packetId);
  if (version !== 5) {
    if (p.reasonCode !== undefined) invalid(p.type, `reason codes exist only in MQTT 5.0 (encoding for version ${version})`);
    noProperties(p.type, p.properties, version);
    const buf = Buffer.allocUnsafe(4);
    buf[0] = first;
    buf[1] = 2;
    writeU16(buf, 2, p.packetId);
    return buf;
  }
  return encodeReasonTail(p.type, first, [p.packetId], p.reasonCode, p.properties);
}

/**
 * The 5.0 "optional reason code, optional properties" tail shared by PUBACK-likes,
 * DISCONNECT and AUTH: properties present -> code + properties; code present -> code only;
 * neither -> nothing (0x00 implied).
 */
function encodeReasonTail(
  type: PacketType,
  first: number,
  packetIds: number[],
  reasonCode: number | undefined,
  props: Properties | undefined,
): Buffer {
  const propsSize = propertiesSize(type, props, type);
  if (reasonCode !== undefined) checkReasonCode(type, reasonCode);
  let remaining = packetIds.length * 2;
  if (propsSize > 0) remaining += 1 + varintSize(propsSize) + propsSize;
  else if (reasonCode !== undefined) remaining += 1;
  const buf = fixedHeader(type, first, remaining);
  let pos = buf.length - remaining;
  for (const id of packetIds) pos = writeU16(buf, pos, id);
  if (propsSize > 0) {
    buf[pos++] = reasonCode ?? 0;
    writeProperties(buf, pos, props, propsSize);
  } else if (reasonCode !== undefined) {
    buf[pos] = reasonCode;
  }
  return buf;
}

function encodeConnect(p: ConnectPacket, version: ProtocolVersion): Buffer {
  if (p.protocolVersion !== version) {
    invalid('connect', `protocolVersion ${String(p.protocolVersion)} does not match the encoding version ${version}`);
  }
  const name = PROTOCOL_NAMES[version];
  if (p.protocolName !== name) {
    invalid('connect', `protocol name for level ${version} is "${name}", got ${JSON.stringify(p.protocolName)}`);
  }
  checkInt('connect', p.keepalive, 65535, 'keepalive');
  let remaining = 2 + name.length + 1 + 1 + 2;
  let propsSize = 0;
  if (version === 5) {
    propsSize = propertiesSize('connect', p.properties, 'connect');
    remaining += varintSize(propsSize) + propsSize;
  } else {
    noProperties('connect', p.properties, version);
  }
  const clientIdLen = stringSize('connect', p.clientId, 'client identifier');
  remaining += 2 + clientIdLen;
  const will = p.will;
  let willPropsSize = 0;
  let willTopicLen = 0;
  let flags = p.clean ? 0x02 : 0;
  if (will !== undefined) {
    if (will.qos !== 0 && will.qos !== 1 && will.qos !== 2) invalid('connect', `will QoS must be 0, 1 or 2, got ${String(will.qos)}`);
    willTopicLen = stringSize('connect', will.topic, 'will topic');
    remaining += 2 + willTopicLen + 2 + binarySize('connect', will.payload, 'will payload');
    if (version === 5) {
      willPropsSize = propertiesSize('connect', will.properties, 'will');
      remaining += varintSize(willPropsSize) + willPropsSize;
    } else {
      noProperties('connect', will.properties, version);
    }
    flags |= 0x04 | (will.qos << 3) | (will.retain ? 0x20 : 0);
  }
  let usernameLen = 0;
  if (p.username !== undefined) {
    usernameLen = stringSize('connect', p.username, 'user name');
    remaining += 2 + usernameLen;
    flags |= 0x80;
  }
  if (p.password !== undefined) {
    if (version !== 5 && p.username === undefined) {
      invalid('connect', 'a password requires a user name before MQTT 5.0 (MQTT-3.1.2-22)');
    }
    remaining += 2 + binarySize('connect', p.password, 'password');
    flags |= 0x40;
  }
  const buf = fixedHeader('connect', 0x10, remaining);
  let pos = buf.length - remaining;
  pos = writeString(buf, pos, name, name.length);
  buf[pos++] = version;
  buf[pos++] = flags;
  pos = writeU16(buf, pos, p.keepalive);
  if (version === 5) pos = writeProperties(buf, pos, p.properties, propsSize);
  pos = writeString(buf, pos, p.clientId, clientIdLen);
  if (will !== undefined) {
    if (version === 5) pos = writeProperties(buf, pos, will.properties, willPropsSize);
    pos = writeString(buf, pos, will.topic, willTopicLen);
    pos = writeBinary(buf, pos, will.payload);
  }
  if (p.username !== undefined) pos = writeString(buf, pos, p.username, usernameLen);
  if (p.password !== undefined) writeBinary(buf, pos, p.password);
  return buf;
}

function encodeConnack(p: ConnackPacket, version: ProtocolVersion): Buffer {
  if (typeof p.sessionPresent !== 'boolean') invalid('connack', 'sessionPresent must be a boolean');
  if (version === 5) {
    checkReasonCode('connack', p.reasonCode);
    const propsSize = propertiesSize('connack', p.properties, 'connack');
    const remaining = 2 + varintSize(propsSize) + propsSize;
    const buf = fixedHeader('connack', 0x20, remaining);
    let pos = buf.length - remaining;
    buf[pos++] = p.sessionPresent ? 1 : 0;
    buf[pos++] = p.reasonCode;
    writeProperties(buf, pos, p.properties, propsSize);
    return buf;
  }
  noProperties('connack', p.properties, version);
  checkInt('connack', p.reasonCode, 5, 'CONNACK return code');
  if (version === 3 && p.sessionPresent) invalid('connack', 'MQTT 3.1 CONNACK has no Session Present flag');
  return Buffer.from([0x20, 0x02, p.sessionPresent ? 1 : 0, p.reasonCode]);
}

function encodeSubscribe(p: SubscribePacket, version: ProtocolVersion): Buffer {
  checkPacketId('subscribe', p.packetId);
  const subs = p.subscriptions;
  if (!Array.isArray(subs) || subs.length === 0) invalid('subscribe', 'SUBSCRIBE needs at least one subscription (MQTT-3.8.3-3)');
  let remaining = 2;
  let propsSize = 0;
  if (version === 5) {
    propsSize = propertiesSize('subscribe', p.properties, 'subscribe');
    remaining += varintSize(propsSize) + propsSize;
  } else {
    noProperties('subscribe', p.properties, version);
  }
  const lens: number[] = new Array<number>(subs.length);
  const opts: number[] = new Array<number>(subs.length);
  for (let i = 0; i < subs.length; i++) {
    const s = subs[i] as SubscribePacket['subscriptions'][number];
    const len = stringSize('subscribe', s.topicFilter, 'topic filter');
    lens[i] = len;
    remaining += 3 + len;
    if (s.qos !== 0 && s.qos !== 1 && s.qos !== 2) invalid('subscribe', `requested QoS must be 0, 1 or 2, got ${String(s.qos)}`);
    let o: number = s.qos;
    const rh = s.retainHandling ?? 0;
    if (version === 5) {
      if (rh !== 0 && rh !== 1 && rh !== 2) invalid('subscribe', `retainHandling must be 0, 1 or 2, got ${String(rh)}`);
      o |= (s.noLocal === true ? 0x04 : 0) | (s.retainAsPublished === true ? 0x08 : 0) | (rh << 4);
    } else if (s.noLocal === true || s.retainAsPublished === true || rh !== 0) {
      invalid('subscribe', 'noLocal, retainAsPublished and retainHandling exist only in MQTT 5.0');
    }
    opts[i] = o;
  }
  const buf = fixedHeader('subscribe', 0x82, remaining);
  let pos = buf.length - remaining;
  pos = writeU16(buf, pos, p.packetId);
  if (version === 5) pos = writeProperties(buf, pos, p.properties, propsSize);
  for (let i = 0; i < subs.length; i++) {
    pos = writeString(buf, pos, (subs[i] as SubscribePacket['subscriptions'][number]).topicFilter, lens[i] as number);
    buf[pos++] = opts[i] as number;
  }
  return buf;
}

function encodeSuback(p: SubackPacket, version: ProtocolVersion): Buffer {
  checkPacketId('suback', p.packetId);
  const codes = p.reasonCodes;
  if (!Array.isArray(codes)) invalid('suback', 'reasonCodes must be an array');
  let remaining = 2 + codes.length;
  let propsSize = 0;
  if (version === 5) {
    for (const c of codes) checkReasonCode('suback', c);
    propsSize = propertiesSize('suback', p.properties, 'suback');
    remaining += varintSize(propsSize) + propsSize;
  } else {
    noProperties('suback', p.properties, version);
    for (const c of codes) {
      if (c !== 0 && c !== 1 && c !== 2 && c !== 0x80) invalid('suback', `SUBACK return code must be 0, 1, 2 or 0x80, got ${String(c)}`);
    }
  }
  const buf = fixedHeader('suback', 0x90, remaining);
  let pos = buf.length - remaining;
  pos = writeU16(buf, pos, p.packetId);
  if (version === 5) pos = writeProperties(buf, pos, p.properties, propsSize);
  for (const c of codes) buf[pos++] = c;
  return buf;
}

function encodeUnsubscribe(p: UnsubscribePacket, version: ProtocolVersion): Buffer {
  checkPacketId('unsubscribe', p.packetId);
  const filters = p.topicFilters;
  if (!Array.isArray(filters) || filters.length === 0) {
    invalid('unsubscribe', 'UNSUBSCRIBE needs at least one topic filter (MQTT-3.10.3-2)');
  }
  let remaining = 2;
  let propsSize = 0;
  if (version === 5) {
    propsSize = propertiesSize('unsubscribe', p.properties, 'unsubscribe');
    remaining += varintSize(propsSize) + propsSize;
  } else {
    noProperties('unsubscribe', p.properties, version);
  }
  const lens = filters.map((f) => stringSize('unsubscribe', f, 'topic filter'));
  for (const l of lens) remaining += 2 + l;
  const buf = fixedHeader('unsubscribe', 0xa2, remaining);
  let pos = buf.length - remaining;
  pos = writeU16(buf, pos, p.packetId);
  if (version === 5) pos = writeProperties(buf, pos, p.properties, propsSize);
  for (let i = 0; i < filters.length; i++) pos = writeString(buf, pos, filters[i] as string, lens[i] as number);
  return buf;
}

function encodeUnsuback(p: UnsubackPacket, version: ProtocolVersion): Buffer {
  checkPacketId('unsuback', p.packetId);
  if (version !== 5) {
    if (p.reasonCodes !== undefined) invalid('unsuback', 'UNSUBACK reason codes exist only in MQTT 5.0');
    noProperties('unsuback', p.properties, version);
    const buf = Buffer.allocUnsafe(4);
    buf[0] = 0xb0;
    buf[1] = 2;
    writeU16(buf, 2, p.packetId);
    return buf;
  }
  const codes = p.reasonCodes;
  if (!Array.isArray(codes)) invalid('unsuback', 'an MQTT 5.0 UNSUBACK needs reasonCodes (one per topic filter)');
  for (const c of codes) checkReasonCode('unsuback', c);
  const propsSize = propertiesSize('unsuback', p.properties, 'unsuback');
  const remaining = 2 + varintSize(propsSize) + propsSize + codes.length;
  const buf = fixedHeader('unsuback', 0xb0, remaining);
  let pos = buf.length - remaining;
  pos = writeU16(buf, pos, p.packetId);
  pos = writeProperties(buf, pos, p.properties, propsSize);
  for (const c of codes) buf[pos++] = c;
  return buf;
}

function encodeDisconnectOrAuth(p: DisconnectPacket | AuthPacket, version: ProtocolVersion, first: number): Buffer {
  if (version !== 5) {
    if (p.reasonCode !== undefined) invalid(p.type, `DISCONNECT reason codes exist only in MQTT 5.0 (encoding for version ${version})`);
    noProperties(p.type, p.properties, version);
    return Buffer.from([first, 0]);
  }
  return encodeReasonTail(p.type, first, [], p.reasonCode, p.properties);
}
