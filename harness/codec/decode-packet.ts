/**
 * Parsing of one complete packet (fixed header already validated) into the packet model.
 * Every violation is a DecodeError with the packet type, offset and statement it breaks.
 */
import { DecodeError } from './errors.js';
import type { Reader } from './reader.js';
import { statementFor, type StatementRule } from './statements.js';
import {
  PROPERTY_ALLOWED as PROPERTY_ALLOWED_,
  PROPERTY_BY_ID as PROPERTY_BY_ID_,
  type PropertyDef,
  type PropertyPlace,
  REASON_CODES_BY_PACKET as REASON_CODES_BY_PACKET_,
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
  QoS,
  RetainHandling,
  SubackPacket,
  SubscribePacket,
  Subscription,
  UnsubackPacket,
  UnsubscribePacket,
  UserProperty,
  Will,
} from './types.js';

// Local bindings: module-namespace accesses cost a getter call per use under some loaders.
const PROPERTY_ALLOWED = PROPERTY_ALLOWED_;
const PROPERTY_BY_ID = PROPERTY_BY_ID_;
const REASON_CODES_BY_PACKET = REASON_CODES_BY_PACKET_;

/** Property definitions indexed by id (dense array for the hot path). */
const PROPERTY_DEFS_BY_ID: readonly (PropertyDef | undefined)[] = (() => {
  const out: (PropertyDef | undefined)[] = new Array<PropertyDef | undefined>(64).fill(undefined);
  for (const [id, def] of PROPERTY_BY_ID) out[id] = def;
  return out;
})();

/**
 * Parses the packet whose fixed header is `first` and whose body spans r.pos..r.end.
 * The reader must have been reset to the packet.
 */
export function parseBody(r: Reader, first: number): Packet {
  switch (r.type) {
    case 'publish':
      return parsePublish(r, first);
    case 'puback':
    case 'pubrec':
    case 'pubrel':
    case 'pubcomp':
      return parsePubAckLike(r, r.type);
    case 'connect':
      return parseConnect(r);
    case 'connack':
      return parseConnack(r);
    case 'subscribe':
      return parseSubscribe(r);
    case 'suback':
      return parseSuback(r);
    case 'unsubscribe':
      return parseUnsubscribe(r);
    case 'unsuback':
      return parseUnsuback(r);
    case 'pingreq':
      r.done();
      return { type: 'pingreq' };
    case 'pingresp':
      r.done();
      return { type: 'pingresp' };
    case 'disconnect':
      return parseDisconnectOrAuth(r, 'disconnect');
    case 'auth':
      return parseDisconnectOrAuth(r, 'auth');
  }
}

function parsePublish(r: Reader, first: number): PublishPacket {
  const qos = ((first >> 1) & 3) as QoS;
  const topic = r.string('topic name');
  let packetId: number | undefined;
  if (qos > 0) {
    const at = r.pos;
    packetId = r.u16('packet identifier');
    if (packetId === 0) r.fail('DECODE_PACKET_ID_ZERO', 'PUBLISH with QoS > 0 has packet identifier 0', 'packetIdZero', at);
  }
  const properties = r.version === 5 ? readProperties(r, 'publish') : undefined;
  const packet: PublishPacket = {
    type: 'publish',
    topic,
    payload: r.rest(),
    qos,
    retain: (first & 1) === 1,
    dup: (first & 8) === 8,
  };
  if (packetId !== undefined) packet.packetId = packetId;
  if (properties !== undefined) packet.properties = properties;
  return packet;
}

function parsePubAckLike<T extends 'puback' | 'pubrec' | 'pubrel' | 'pubcomp'>(r: Reader, type: T): PubAckLikePacket<T> {
  const packet: PubAckLikePacket<T> = { type, packetId: r.u16('packet identifier') };
  if (r.version === 5 && r.pos < r.end) {
    packet.reasonCode = readReasonCode(r, type);
    if (r.pos < r.end) {
      const properties = readProperties(r, type);
      if (properties !== undefined) packet.properties = properties;
    }
  }
  r.done();
  return packet;
}

function readReasonCode(r: Reader, type: PacketType): number {
  const at = r.pos;
  const code = r.u8('reason code');
  if (!REASON_CODES_BY_PACKET[type].has(code)) {
    const rule: StatementRule | undefined =
      type === 'connack'
        ? 'connackReasonCode'
        : type === 'pubrel'
          ? 'pubrelReasonCode'
          : type === 'suback'
            ? 'subackReasonCode'
            : type === 'unsuback'
              ? 'unsubackReasonCode'
              : type === 'disconnect'
                ? 'disconnectReasonCode'
                : type === 'auth'
                  ? 'authReasonCode'
                  : undefined;
    r.fail(
      'DECODE_REASON_CODE',
      `0x${code.toString(16).padStart(2, '0')} is not a reason code defined for ${type.toUpperCase()}`,
      rule,
      at,
    );
  }
  return code;
}

const PROTOCOL_MQTT = [0x4d, 0x51, 0x54, 0x54];
const PROTOCOL_MQISDP = [0x4d, 0x51, 0x49, 0x73, 0x64, 0x70];

function bytesEqual(buf: Buffer, at: number, len: number, expected: readonly number[]): boolean {
  if (len !== expected.length) return false;
  for (let i = 0; i < len; i++) if (buf[at + i] !== expected[i]) return false;
  return true;
}

/**
 * CONNECT. The protocol level decides the layout of the rest, so it is read first:
 * - protocol name other than 'MQTT' / 'MQIsdp': DECODE_PROTOCOL_NAME (MQTT-3.1.2-1);
 * - a level that is not 3 with 'MQIsdp', or not 4/5 with 'MQTT': DECODE_PROTOCOL_VERSION
 *   (MQTT-3.1.2-2), with `protocolLevel` and `protocolName` set on the error so a server can
 *   answer CONNACK 0x01 (3.1/3.1.1) or 0x84 (5.0) before closing.
 */
function parseConnect(r: Reader): ConnectPacket {
  const nameAt = r.pos;
  const nameLen = r.u16('protocol name length');
  r.need(nameLen, 'protocol name');
  const b = r.buf;
  const isMqtt = bytesEqual(b, r.pos, nameLen, PROTOCOL_MQTT);
  const isMqisdp = !isMqtt && bytesEqual(b, r.pos, nameLen, PROTOCOL_MQISDP);
  const nameText = b.toString('latin1', r.pos, r.pos + nameLen);
  r.pos += nameLen;
  const levelAt = r.pos;
  const level = r.pos < r.end ? (b[r.pos] as number) : undefined;
  if (!isMqtt && !isMqisdp) {
    throw new DecodeError('DECODE_PROTOCOL_NAME', `protocol name ${JSON.stringify(nameText)} is neither "MQTT" nor "MQIsdp"`, {
      packetType: 'connect',
      offset: nameAt - r.start,
      statement: statementFor('protocolName', 4),
      protocolName: nameText,
      ...(level === undefined ? {} : { protocolLevel: level }),
    });
  }
  r.u8('protocol level');
  const lv = level as number;
  if ((isMqisdp && lv !== 3) || (isMqtt && lv !== 4 && lv !== 5)) {
    throw new DecodeError(
      'DECODE_PROTOCOL_VERSION',
      `protocol level ${lv} is not supported with protocol name "${nameText}" (3 = MQIsdp, 4/5 = MQTT)`,
      {
        packetType: 'connect',
        offset: levelAt - r.start,
        statement: statementFor('protocolVersion', lv === 5 ? 5 : 4),
        protocolLevel: lv,
        protocolName: nameText,
      },
    );
  }
  const version = lv as ProtocolVersion;
  r.version = version;
  const flagsAt = r.pos;
  const flags = r.u8('connect flags');
  if ((flags & 0x01) !== 0) r.fail('DECODE_CONNECT_FLAGS', 'CONNECT reserved flag (bit 0) is set', 'connectReserved', flagsAt);
  const willFlag = (flags & 0x04) !== 0;
  const willQos = (flags >> 3) & 3;
  const willRetain = (flags & 0x20) !== 0;
  const hasPassword = (flags & 0x40) !== 0;
  const hasUsername = (flags & 0x80) !== 0;
  if (!willFlag) {
    if (willQos !== 0) r.fail('DECODE_CONNECT_FLAGS', `Will QoS is ${willQos} but the Will Flag is 0`, 'willQosNoWill', flagsAt);
    if (willRetain) r.fail('DECODE_CONNECT_FLAGS', 'Will Retain is 1 but the Will Flag is 0', 'willRetainNoWill', flagsAt);
  } else if (willQos === 3) {
    r.fail('DECODE_INVALID_QOS', 'Will QoS is 3', 'willQos3', flagsAt);
  }
  if (version !== 5 && hasPassword && !hasUsername) {
    r.fail('DECODE_CONNECT_FLAGS', 'Password Flag is 1 but the User Name Flag is 0', 'passwordNoUser', flagsAt);
  }
  const keepalive = r.u16('keep alive');
  const properties = version === 5 ? readProperties(r, 'connect') : undefined;
  const clientId = r.string('client identifier');
  const packet: ConnectPacket = {
    type: 'connect',
    protocolName: isMqtt ? 'MQTT' : 'MQIsdp',
    protocolVersion: version,
    clean: (flags & 0x02) !== 0,
    keepalive,
    clientId,
  };
  if (willFlag) {
    const willProperties = version === 5 ? readProperties(r, 'will') : undefined;
    const will: Will = {
      topic: r.string('will topic'),
      payload: r.binary('will payload'),
      qos: willQos as QoS,
      retain: willRetain,
    };
    if (willProperties !== undefined) will.properties = willProperties;
    packet.will = will;
  }
  if (hasUsername) packet.username = r.string('user name');
  if (hasPassword) packet.password = r.binary('password');
  if (properties !== undefined) packet.properties = properties;
  r.done();
  return packet;
}

function parseConnack(r: Reader): ConnackPacket {
  const flagsAt = r.pos;
  const flags = r.u8('connect acknowledge flags');
  if (r.version !== 3 && (flags & 0xfe) !== 0) {
    r.fail('DECODE_CONNACK_FLAGS', 'CONNACK reserved flag bits 7-1 are not 0', 'connackFlags', flagsAt);
  }
  let reasonCode: number;
  if (r.version === 5) {
    reasonCode = readReasonCode(r, 'connack');
  } else {
    const at = r.pos;
    reasonCode = r.u8('return code');
    if (reasonCode > 5) r.fail('DECODE_REASON_CODE', `CONNACK return code ${reasonCode} is reserved (0-5 defined)`, undefined, at);
  }
  const packet: ConnackPacket = {
    type: 'connack',
    sessionPresent: r.version !== 3 && (flags & 1) === 1,
    reasonCode,
  };
  if (r.version === 5) {
    const properties = readProperties(r, 'connack');
    if (properties !== undefined) packet.properties = properties;
  }
  r.done();
  return packet;
}

function readNonZeroPacketId(r: Reader): number {
  const at = r.pos;
  const id = r.u16('packet identifier');
  if (id === 0) r.fail('DECODE_PACKET_ID_ZERO', `${r.type.toUpperCase()} has packet identifier 0`, 'packetIdZero', at);
  return id;
}

function parseSubscribe(r: Reader): SubscribePacket {
  const packetId = readNonZeroPacketId(r);
  const properties = r.version === 5 ? readProperties(r, 'subscribe') : undefined;
  if (r.pos === r.end) r.fail('DECODE_EMPTY_PAYLOAD', 'SUBSCRIBE has no topic filter', 'subscribeEmpty');
  const subscriptions: Subscription[] = [];
  while (r.pos < r.end) {
    const topicFilter = r.string('topic filter');
    const at = r.pos;
    const opts = r.u8('subscription options');
    const qos = opts & 3;
    if (r.version === 5) {
      if ((opts & 0xc0) !== 0) {
        r.fail('DECODE_SUBSCRIPTION_OPTIONS', 'subscription options reserved bits 7-6 are not 0', 'subscriptionOptions', at);
      }
      if (qos === 3) r.fail('DECODE_SUBSCRIPTION_OPTIONS', 'subscription options Maximum QoS is 3', undefined, at);
      const retainHandling = (opts >> 4) & 3;
      if (retainHandling === 3) r.fail('DECODE_SUBSCRIPTION_OPTIONS', 'subscription options Retain Handling is 3', undefined, at);
      subscriptions.push({
        topicFilter,
        qos: qos as QoS,
        noLocal: (opts & 0x04) !== 0,
        retainAsPublished: (opts & 0x08) !== 0,
        retainHandling: retainHandling as RetainHandling,
      });
    } else {
      if (r.version === 4 && (opts & 0xfc) !== 0) {
        r.fail('DECODE_SUBSCRIPTION_OPTIONS', 'requested QoS byte has reserved bits 7-2 set', 'subscriptionOptions', at);
      }
      if (qos === 3) r.fail('DECODE_SUBSCRIPTION_OPTIONS', 'requested QoS is 3', 'subscriptionOptions', at);
      subscriptions.push({ topicFilter, qos: qos as QoS });
    }
  }
  const packet: SubscribePacket = { type: 'subscribe', packetId, subscriptions };
  if (properties !== undefined) packet.properties = properties;
  return packet;
}

function parseSuback(r: Reader): SubackPacket {
  const packetId = r.u16('packet identifier');
  const properties = r.version === 5 ? readProperties(r, 'suback') : undefined;
  const reasonCodes: number[] = [];
  while (r.pos < r.end) {
    if (r.version === 5) {
      reasonCodes.push(readReasonCode(r, 'suback'));
    } else {
      const at = r.pos;
      const code = r.u8('return code');
      if (code > 2 && code !== 0x80) {
        r.fail('DECODE_REASON_CODE', `SUBACK return code 0x${code.toString(16)} is reserved`, 'subackReturnCode', at);
      }
      reasonCodes.push(code);
    }
  }
  const packet: SubackPacket = { type: 'suback', packetId, reasonCodes };
  if (properties !== undefined) packet.properties = properties;
  return packet;
}

function parseUnsubscribe(r: Reader): UnsubscribePacket {
  const packetId = readNonZeroPacketId(r);
  const properties = r.version === 5 ? readProperties(r, 'unsubscribe') : undefined;
  if (r.pos === r.end) r.fail('DECODE_EMPTY_PAYLOAD', 'UNSUBSCRIBE has no topic filter', 'unsubscribeEmpty');
  const topicFilters: string[] = [];
  while (r.pos < r.end) topicFilters.push(r.string('topic filter'));
  const packet: UnsubscribePacket = { type: 'unsubscribe', packetId, topicFilters };
  if (properties !== undefined) packet.properties = properties;
  return packet;
}

function parseUnsuback(r: Reader): UnsubackPacket {
  const packetId = r.u16('packet identifier');
  const packet: UnsubackPacket = { type: 'unsuback', packetId };
  if (r.version === 5) {
    const properties = readProperties(r, 'unsuback');
    const reasonCodes: number[] = [];
    while (r.pos < r.end) reasonCodes.push(readReasonCode(r, 'unsuback'));
    packet.reasonCodes = reasonCodes;
    if (properties !== undefined) packet.properties = properties;
  }
  r.done();
  return packet;
}

function parseDisconnectOrAuth<T extends 'disconnect' | 'auth'>(r: Reader, type: T): DisconnectPacket | AuthPacket {
  const packet: DisconnectPacket | AuthPacket = { type };
  if (r.version === 5 && r.pos < r.end) {
    packet.reasonCode = readReasonCode(r, type);
    if (r.pos < r.end) {
      const properties = readProperties(r, type);
      if (properties !== undefined) packet.properties = properties;
    }
  }
  r.done();
  return packet;
}

type MutableProperties = { -readonly [K in keyof Properties]: Properties[K] };

/**
 * Reads a property block (length + properties) and returns the properties, or undefined
 * when the block is empty. Checks: known id, allowed in `place`, no duplicates (except the
 * repeatable ones), values in range.
 */
export function readProperties(r: Reader, place: PropertyPlace): Properties | undefined {
  const len = r.varint('property length');
  if (len === 0) return undefined;
  r.need(len, 'properties');
  const outerEnd = r.end;
  const blockEnd = r.pos + len;
  r.end = blockEnd;
  const props: MutableProperties = {};
  const allowed = PROPERTY_ALLOWED[place];
  while (r.pos < blockEnd) {
    const at = r.pos;
    const id = r.varint('property identifier');
    const def = id < 64 ? PROPERTY_DEFS_BY_ID[id] : undefined;
    if (def === undefined) r.fail('DECODE_PROPERTY_UNKNOWN', `unknown property identifier 0x${id.toString(16)}`, undefined, at);
    if (allowed[id] !== true) {
      r.fail('DECODE_PROPERTY_NOT_ALLOWED', `${def.name} (0x${id.toString(16)}) is not allowed in ${placeName(place)}`, undefined, at);
    }
    const key = def.key;
    if (props[key] !== undefined && !def.repeatableIn.includes(place)) {
      r.fail('DECODE_PROPERTY_DUPLICATE', `${def.name} appears more than once in ${placeName(place)}`, undefined, at);
    }
    switch (key) {
      case 'userProperties': {
        const pair: UserProperty = [r.string('user property name'), r.string('user property value')];
        (props.userProperties ??= []).push(pair);
        break;
      }
      case 'subscriptionIdentifiers': {
        const v = r.varint('subscription identifier');
        if (v === 0) r.fail('DECODE_PROPERTY_VALUE', 'Subscription Identifier is 0', undefined, at);
        (props.subscriptionIdentifiers ??= []).push(v);
        break;
      }
      default:
        readPropertyValue(r, props, def, at);
    }
  }
  r.end = outerEnd;
  return props;
}

function readPropertyValue(r: Reader, props: MutableProperties, def: PropertyDef, at: number): void {
  const rec = props as Record<string, unknown>;
  switch (def.type) {
    case 'byte': {
      const v = r.u8(def.name);
      if (v > 1) r.fail('DECODE_PROPERTY_VALUE', `${def.name} is ${v} (0 or 1 allowed)`, undefined, at);
      rec[def.key] = v;
      return;
    }
    case 'u16': {
      const v = r.u16(def.name);
      if (v === 0 && (def.key === 'receiveMaximum' || def.key === 'topicAlias')) {
        r.fail('DECODE_PROPERTY_VALUE', `${def.name} is 0`, def.key === 'topicAlias' ? 'topicAliasZero' : undefined, at);
      }
      rec[def.key] = v;
      return;
    }
    case 'u32': {
      const v = r.u32(def.name);
      if (v === 0 && def.key === 'maximumPacketSize') r.fail('DECODE_PROPERTY_VALUE', 'Maximum Packet Size is 0', undefined, at);
      rec[def.key] = v;
      return;
    }
    case 'string':
      rec[def.key] = r.string(def.name);
      return;
    case 'binary':
      rec[def.key] = r.binary(def.name);
      return;
    case 'varint':
    case 'pair':
      // handled by the caller (repeatable properties)
      r.fail('DECODE_FAILED', `unexpected property wire type for ${def.name}`, undefined, at);
  }
}

function placeName(place: PropertyPlace): string {
  return place === 'will' ? 'the will properties' : place.toUpperCase();
}
