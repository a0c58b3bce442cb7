/**
 * The codec's tables: packet types, MQTT 5.0 properties, reason codes and the 3.1/3.1.1
 * CONNACK return codes. Everything else (reverse maps, per-packet sets) is derived from
 * these `as const` tables, never typed twice.
 */
import type { PacketType, Properties, ProtocolVersion } from './types.js';

/**
 * Control packet types (MQTT 3.1.1 section 2.2.1, MQTT 5.0 section 2.1.2).
 * `flags` is the required value of the low nibble of the first byte, or `null` when the
 * bits carry data (PUBLISH: DUP, QoS, RETAIN).
 */
export const PACKET_TYPES = {
  connect: { id: 1, name: 'CONNECT', flags: 0, versions: [3, 4, 5] },
  connack: { id: 2, name: 'CONNACK', flags: 0, versions: [3, 4, 5] },
  publish: { id: 3, name: 'PUBLISH', flags: null, versions: [3, 4, 5] },
  puback: { id: 4, name: 'PUBACK', flags: 0, versions: [3, 4, 5] },
  pubrec: { id: 5, name: 'PUBREC', flags: 0, versions: [3, 4, 5] },
  pubrel: { id: 6, name: 'PUBREL', flags: 2, versions: [3, 4, 5] },
  pubcomp: { id: 7, name: 'PUBCOMP', flags: 0, versions: [3, 4, 5] },
  subscribe: { id: 8, name: 'SUBSCRIBE', flags: 2, versions: [3, 4, 5] },
  suback: { id: 9, name: 'SUBACK', flags: 0, versions: [3, 4, 5] },
  unsubscribe: { id: 10, name: 'UNSUBSCRIBE', flags: 2, versions: [3, 4, 5] },
  unsuback: { id: 11, name: 'UNSUBACK', flags: 0, versions: [3, 4, 5] },
  pingreq: { id: 12, name: 'PINGREQ', flags: 0, versions: [3, 4, 5] },
  pingresp: { id: 13, name: 'PINGRESP', flags: 0, versions: [3, 4, 5] },
  disconnect: { id: 14, name: 'DISCONNECT', flags: 0, versions: [3, 4, 5] },
  auth: { id: 15, name: 'AUTH', flags: 0, versions: [5] },
} as const satisfies Record<
  PacketType,
  { id: number; name: string; flags: number | null; versions: readonly ProtocolVersion[] }
>;

/** Packet type by the 4-bit type number of the first byte (index 0 is reserved: undefined). */
export const PACKET_TYPE_BY_ID: readonly (PacketType | undefined)[] = (() => {
  const out: (PacketType | undefined)[] = new Array<PacketType | undefined>(16).fill(undefined);
  for (const [type, def] of Object.entries(PACKET_TYPES) as [PacketType, { id: number }][]) {
    out[def.id] = type;
  }
  return out;
})();

/** Wire data types of MQTT 5.0 properties (section 1.5). */
export type PropertyWireType = 'byte' | 'u16' | 'u32' | 'varint' | 'string' | 'binary' | 'pair';

/** Where a property may appear: a packet type, or `will` for the CONNECT will properties. */
export type PropertyPlace = PacketType | 'will';

/** Every place that has properties (all MQTT 5.0 packets but PINGREQ and PINGRESP): where a User Property may stand, and repeat. */
const EVERY_PROPERTY_PLACE = [
  'connect',
  'connack',
  'publish',
  'will',
  'puback',
  'pubrec',
  'pubrel',
  'pubcomp',
  'subscribe',
  'suback',
  'unsubscribe',
  'unsuback',
  'disconnect',
  'auth',
] as const satisfies readonly PropertyPlace[];

/**
 * MQTT 5.0 properties (section 2.2.2.2): identifier, spec name, key in the packet model
 * (`Properties`), wire type, the packets that may carry it, and whether it may repeat.
 * Subscription Identifier repeats in PUBLISH only (see `repeatableIn`).
 */
export const PROPERTIES = {
  payloadFormatIndicator: { id: 0x01, name: 'Payload Format Indicator', type: 'byte', packets: ['publish', 'will'] },
  messageExpiryInterval: { id: 0x02, name: 'Message Expiry Interval', type: 'u32', packets: ['publish', 'will'] },
  contentType: { id: 0x03, name: 'Content Type', type: 'string', packets: ['publish', 'will'] },
  responseTopic: { id: 0x08, name: 'Response Topic', type: 'string', packets: ['publish', 'will'] },
  correlationData: { id: 0x09, name: 'Correlation Data', type: 'binary', packets: ['publish', 'will'] },
  subscriptionIdentifiers: {
    id: 0x0b,
    name: 'Subscription Identifier',
    type: 'varint',
    packets: ['publish', 'subscribe'],
    repeatableIn: ['publish'],
  },
  sessionExpiryInterval: {
    id: 0x11,
    name: 'Session Expiry Interval',
    type: 'u32',
    packets: ['connect', 'connack', 'disconnect'],
  },
  assignedClientIdentifier: { id: 0x12, name: 'Assigned Client Identifier', type: 'string', packets: ['connack'] },
  serverKeepAlive: { id: 0x13, name: 'Server Keep Alive', type: 'u16', packets: ['connack'] },
  authenticationMethod: {
    id: 0x15,
    name: 'Authentication Method',
    type: 'string',
    packets: ['connect', 'connack', 'auth'],
  },
  authenticationData: {
    id: 0x16,
    name: 'Authentication Data',
    type: 'binary',
    packets: ['connect', 'connack', 'auth'],
  },
  requestProblemInformation: { id: 0x17, name: 'Request Problem Information', type: 'byte', packets: ['connect'] },
  willDelayInterval: { id: 0x18, name: 'Will Delay Interval', type: 'u32', packets: ['will'] },
  requestResponseInformation: { id: 0x19, name: 'Request Response Information', type: 'byte', packets: ['connect'] },
  responseInformation: { id: 0x1a, name: 'Response Information', type: 'string', packets: ['connack'] },
  serverReference: { id: 0x1c, name: 'Server Reference', type: 'string', packets: ['connack', 'disconnect'] },
  reasonString: {
    id: 0x1f,
    name: 'Reason String',
    type: 'string',
    packets: ['connack', 'puback', 'pubrec', 'pubrel', 'pubcomp', 'suback', 'unsuback', 'disconnect', 'auth'],
  },
  receiveMaximum: { id: 0x21, name: 'Receive Maximum', type: 'u16', packets: ['connect', 'connack'] },
  topicAliasMaximum: { id: 0x22, name: 'Topic Alias Maximum', type: 'u16', packets: ['connect', 'connack'] },
  topicAlias: { id: 0x23, name: 'Topic Alias', type: 'u16', packets: ['publish'] },
  maximumQoS: { id: 0x24, name: 'Maximum QoS', type: 'byte', packets: ['connack'] },
  retainAvailable: { id: 0x25, name: 'Retain Available', type: 'byte', packets: ['connack'] },
  userProperties: {
    id: 0x26,
    name: 'User Property',
    type: 'pair',
    packets: EVERY_PROPERTY_PLACE,
    repeatableIn: EVERY_PROPERTY_PLACE,
  },
  maximumPacketSize: { id: 0x27, name: 'Maximum Packet Size', type: 'u32', packets: ['connect', 'connack'] },
  wildcardSubscriptionAvailable: {
    id: 0x28,
    name: 'Wildcard Subscription Available',
    type: 'byte',
    packets: ['connack'],
  },
  subscriptionIdentifierAvailable: {
    id: 0x29,
    name: 'Subscription Identifier Available',
    type: 'byte',
    packets: ['connack'],
  },
  sharedSubscriptionAvailable: {
    id: 0x2a,
    name: 'Shared Subscription Available',
    type: 'byte',
    packets: ['connack'],
  },
} as const satisfies Record<
  keyof Properties,
  {
    id: number;
    name: string;
    type: PropertyWireType;
    packets: readonly PropertyPlace[];
    repeatableIn?: readonly PropertyPlace[];
  }
>;

export type PropertyKey = keyof typeof PROPERTIES;

/** One property definition, with its model key (derived from `PROPERTIES`). */
export interface PropertyDef {
  readonly key: PropertyKey;
  readonly id: number;
  readonly name: string;
  readonly type: PropertyWireType;
  readonly packets: readonly PropertyPlace[];
  readonly repeatableIn: readonly PropertyPlace[];
}

const PROPERTY_DEFS: readonly PropertyDef[] = (Object.keys(PROPERTIES) as PropertyKey[]).map((key) => {
  const def: { id: number; name: string; type: PropertyWireType; packets: readonly PropertyPlace[]; repeatableIn?: readonly PropertyPlace[] } =
    PROPERTIES[key];
  return { key, id: def.id, name: def.name, type: def.type, packets: def.packets, repeatableIn: def.repeatableIn ?? [] };
});

/** Property definition by identifier (reverse map of `PROPERTIES`). */
export const PROPERTY_BY_ID: ReadonlyMap<number, PropertyDef> = new Map(PROPERTY_DEFS.map((d) => [d.id, d]));

/** Property definition by model key. */
export const PROPERTY_BY_KEY: ReadonlyMap<string, PropertyDef> = new Map(PROPERTY_DEFS.map((d) => [d.key, d]));

/** Bit sets (bit = property id) of the properties allowed / repeatable per place, for the decoder's hot path. */
const placeMask = (place: PropertyPlace, field: 'packets' | 'repeatableIn'): bigint =>
  PROPERTY_DEFS.reduce((m, d) => (d[field].includes(place) ? m | (1n << BigInt(d.id)) : m), 0n);

export function isPropertyAllowed(id: number, place: PropertyPlace): boolean {
  const def = PROPERTY_BY_ID.get(id);
  return def !== undefined && def.packets.includes(place);
}

/** Allowed-property lookup tables: ALLOWED[place][id] === true. */
export const PROPERTY_ALLOWED: Readonly<Record<PropertyPlace, readonly boolean[]>> = (() => {
  const places: PropertyPlace[] = [...(Object.keys(PACKET_TYPES) as PacketType[]), 'will'];
  const out = {} as Record<PropertyPlace, boolean[]>;
  for (const p of places) {
    const mask = placeMask(p, 'packets');
    out[p] = Array.from({ length: 64 }, (_, i) => ((mask >> BigInt(i)) & 1n) === 1n);
  }
  return out;
})();

/** MQTT 5.0 reason codes (section 2.4) with the packets that may carry each. */
export const REASON_CODES = {
  SUCCESS: { code: 0x00, name: 'Success', packets: ['connack', 'puback', 'pubrec', 'pubrel', 'pubcomp', 'unsuback', 'auth'] },
  NORMAL_DISCONNECTION: { code: 0x00, name: 'Normal disconnection', packets: ['disconnect'] },
  GRANTED_QOS_0: { code: 0x00, name: 'Granted QoS 0', packets: ['suback'] },
  GRANTED_QOS_1: { code: 0x01, name: 'Granted QoS 1', packets: ['suback'] },
  GRANTED_QOS_2: { code: 0x02, name: 'Granted QoS 2', packets: ['suback'] },
  DISCONNECT_WITH_WILL_MESSAGE: { code: 0x04, name: 'Disconnect with Will Message', packets: ['disconnect'] },
  NO_MATCHING_SUBSCRIBERS: { code: 0x10, name: 'No matching subscribers', packets: ['puback', 'pubrec'] },
  NO_SUBSCRIPTION_EXISTED: { code: 0x11, name: 'No subscription existed', packets: ['unsuback'] },
  CONTINUE_AUTHENTICATION: { code: 0x18, name: 'Continue authentication', packets: ['auth'] },
  RE_AUTHENTICATE: { code: 0x19, name: 'Re-authenticate', packets: ['auth'] },
  UNSPECIFIED_ERROR: {
    code: 0x80,
    name: 'Unspecified error',
    packets: ['connack', 'puback', 'pubrec', 'suback', 'unsuback', 'disconnect'],
  },
  MALFORMED_PACKET: { code: 0x81, name: 'Malformed Packet', packets: ['connack', 'disconnect'] },
  PROTOCOL_ERROR: { code: 0x82, name: 'Protocol Error', packets: ['connack', 'disconnect'] },
  IMPLEMENTATION_SPECIFIC_ERROR: {
    code: 0x83,
    name: 'Implementation specific error',
    packets: ['connack', 'puback', 'pubrec', 'suback', 'unsuback', 'disconnect'],
  },
  UNSUPPORTED_PROTOCOL_VERSION: { code: 0x84, name: 'Unsupported Protocol Version', packets: ['connack'] },
  CLIENT_IDENTIFIER_NOT_VALID: { code: 0x85, name: 'Client Identifier not valid', packets: ['connack'] },
  BAD_USER_NAME_OR_PASSWORD: { code: 0x86, name: 'Bad User Name or Password', packets: ['connack'] },
  NOT_AUTHORIZED: {
    code: 0x87,
    name: 'Not authorized',
    packets: ['connack', 'puback', 'pubrec', 'suback', 'unsuback', 'disconnect'],
  },
  SERVER_UNAVAILABLE: { code: 0x88, name: 'Server unavailable', packets: ['connack'] },
  SERVER_BUSY: { code: 0x89, name: 'Server busy', packets: ['connack', 'disconnect'] },
  BANNED: { code: 0x8a, name: 'Banned', packets: ['connack'] },
  SERVER_SHUTTING_DOWN: { code: 0x8b, name: 'Server shutting down', packets: ['disconnect'] },
  BAD_AUTHENTICATION_METHOD: { code: 0x8c, name: 'Bad authentication method', packets: ['connack', 'disconnect'] },
  KEEP_ALIVE_TIMEOUT: { code: 0x8d, name: 'Keep Alive timeout', packets: ['disconnect'] },
  SESSION_TAKEN_OVER: { code: 0x8e, name: 'Session taken over', packets: ['disconnect'] },
  TOPIC_FILTER_INVALID: { code: 0x8f, name: 'Topic Filter invalid', packets: ['suback', 'unsuback', 'disconnect'] },
  TOPIC_NAME_INVALID: {
    code: 0x90,
    name: 'Topic Name invalid',
    packets: ['connack', 'puback', 'pubrec', 'disconnect'],
  },
  PACKET_IDENTIFIER_IN_USE: {
    code: 0x91,
    name: 'Packet Identifier in use',
    packets: ['puback', 'pubrec', 'suback', 'unsuback'],
  },
  PACKET_IDENTIFIER_NOT_FOUND: { code: 0x92, name: 'Packet Identifier not found', packets: ['pubrel', 'pubcomp'] },
  RECEIVE_MAXIMUM_EXCEEDED: { code: 0x93, name: 'Receive Maximum exceeded', packets: ['disconnect'] },
  TOPIC_ALIAS_INVALID: { code: 0x94, name: 'Topic Alias invalid', packets: ['disconnect'] },
  PACKET_TOO_LARGE: { code: 0x95, name: 'Packet too large', packets: ['connack', 'disconnect'] },
  MESSAGE_RATE_TOO_HIGH: { code: 0x96, name: 'Message rate too high', packets: ['disconnect'] },
  QUOTA_EXCEEDED: {
    code: 0x97,
    name: 'Quota exceeded',
    packets: ['connack', 'puback', 'pubrec', 'suback', 'disconnect'],
  },
  ADMINISTRATIVE_ACTION: { code: 0x98, name: 'Administrative action', packets: ['disconnect'] },
  PAYLOAD_FORMAT_INVALID: {
    code: 0x99,
    name: 'Payload format invalid',
    packets: ['connack', 'puback', 'pubrec', 'disconnect'],
  },
  RETAIN_NOT_SUPPORTED: { code: 0x9a, name: 'Retain not supported', packets: ['connack', 'disconnect'] },
  QOS_NOT_SUPPORTED: { code: 0x9b, name: 'QoS not supported', packets: ['connack', 'disconnect'] },
  USE_ANOTHER_SERVER: { code: 0x9c, name: 'Use another server', packets: ['connack', 'disconnect'] },
  SERVER_MOVED: { code: 0x9d, name: 'Server moved', packets: ['connack', 'disconnect'] },
  SHARED_SUBSCRIPTIONS_NOT_SUPPORTED: {
    code: 0x9e,
    name: 'Shared Subscriptions not supported',
    packets: ['suback', 'disconnect'],
  },
  CONNECTION_RATE_EXCEEDED: { code: 0x9f, name: 'Connection rate exceeded', packets: ['connack', 'disconnect'] },
  MAXIMUM_CONNECT_TIME: { code: 0xa0, name: 'Maximum connect time', packets: ['disconnect'] },
  SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED: {
    code: 0xa1,
    name: 'Subscription Identifiers not supported',
    packets: ['suback', 'disconnect'],
  },
  WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED: {
    code: 0xa2,
    name: 'Wildcard Subscriptions not supported',
    packets: ['suback', 'disconnect'],
  },
} as const satisfies Record<string, { code: number; name: string; packets: readonly PacketType[] }>;

export type ReasonCodeName = keyof typeof REASON_CODES;

/** Reason-code packets: the v5 packets that carry reason codes. */
export type ReasonCodePacket =
  | 'connack'
  | 'puback'
  | 'pubrec'
  | 'pubrel'
  | 'pubcomp'
  | 'suback'
  | 'unsuback'
  | 'disconnect'
  | 'auth';

/** Derived: per packet type, reason code -> REASON_CODES key (MQTT 5.0). */
export const REASON_CODES_BY_PACKET: Readonly<Record<PacketType, ReadonlyMap<number, ReasonCodeName>>> = (() => {
  const out = {} as Record<PacketType, Map<number, ReasonCodeName>>;
  for (const t of Object.keys(PACKET_TYPES) as PacketType[]) out[t] = new Map();
  for (const [key, def] of Object.entries(REASON_CODES) as [ReasonCodeName, { code: number; packets: readonly PacketType[] }][]) {
    for (const p of def.packets) out[p].set(def.code, key);
  }
  return out;
})();

/** True when `code` is a defined MQTT 5.0 reason code for `packetType`. */
export function isValidReasonCode(packetType: PacketType, code: number): boolean {
  return REASON_CODES_BY_PACKET[packetType].has(code);
}

/** Human name of a v5 reason code in the context of a packet type, e.g. (0x87, 'suback') -> 'Not authorized'. */
export function reasonCodeName(packetType: PacketType, code: number): string | undefined {
  const key = REASON_CODES_BY_PACKET[packetType].get(code);
  return key === undefined ? undefined : REASON_CODES[key].name;
}

/** MQTT 3.1 / 3.1.1 CONNACK return codes (3.1.1 section 3.2.2.3). */
export const CONNACK_RETURN_CODES = {
  ACCEPTED: { code: 0x00, name: 'Connection Accepted' },
  UNACCEPTABLE_PROTOCOL_VERSION: { code: 0x01, name: 'Connection Refused, unacceptable protocol version' },
  IDENTIFIER_REJECTED: { code: 0x02, name: 'Connection Refused, identifier rejected' },
  SERVER_UNAVAILABLE: { code: 0x03, name: 'Connection Refused, Server unavailable' },
  BAD_USER_NAME_OR_PASSWORD: { code: 0x04, name: 'Connection Refused, bad user name or password' },
  NOT_AUTHORIZED: { code: 0x05, name: 'Connection Refused, not authorized' },
} as const satisfies Record<string, { code: number; name: string }>;

export type ConnackReturnCodeName = keyof typeof CONNACK_RETURN_CODES;

/** Derived: CONNACK return code -> CONNACK_RETURN_CODES key. */
export const CONNACK_RETURN_CODE_BY_CODE: ReadonlyMap<number, ConnackReturnCodeName> = new Map(
  (Object.entries(CONNACK_RETURN_CODES) as [ConnackReturnCodeName, { code: number }][]).map(([k, v]) => [v.code, k]),
);

/** SUBACK return codes of MQTT 3.1 / 3.1.1 (granted QoS 0..2, 0x80 failure; MQTT-3.9.3-2). */
export const SUBACK_RETURN_CODES_V4 = [0x00, 0x01, 0x02, 0x80] as const;

/** Protocol name per CONNECT protocol level. */
export const PROTOCOL_NAMES = { 3: 'MQIsdp', 4: 'MQTT', 5: 'MQTT' } as const satisfies Record<ProtocolVersion, string>;

/** Largest value of a Variable Byte Integer (4 bytes). */
export const MAX_VARIABLE_BYTE_INTEGER = 268_435_455;
