/**
 * The typed packet model shared by the harness and the reference broker.
 *
 * Packets are a discriminated union on `type`. Encoding depends on the protocol
 * version, which is always passed explicitly to `encode(packet, version)`; the only
 * packet that carries its own version is CONNECT (`protocolVersion`).
 *
 * Binary fields are Node `Buffer`s (a Uint8Array subclass). Decoded buffers may be
 * views into the decoder's input: copy them if you keep them past the next chunk
 * and mutate the input.
 */

/** Protocol level as carried in CONNECT: 3 = MQTT 3.1 (`MQIsdp`), 4 = 3.1.1, 5 = 5.0. */
export type ProtocolVersion = 3 | 4 | 5;
export type QoS = 0 | 1 | 2;
export type RetainHandling = 0 | 1 | 2;

export type PacketType =
  | 'connect'
  | 'connack'
  | 'publish'
  | 'puback'
  | 'pubrec'
  | 'pubrel'
  | 'pubcomp'
  | 'subscribe'
  | 'suback'
  | 'unsubscribe'
  | 'unsuback'
  | 'pingreq'
  | 'pingresp'
  | 'disconnect'
  | 'auth';

/** A user property: name/value pair. Order and duplicates are significant. */
export type UserProperty = readonly [name: string, value: string];

/**
 * Every MQTT 5.0 property. Which ones a packet may carry is checked by the codec
 * against its property table (a property not allowed in a packet, or a property
 * other than user property / subscription identifier appearing twice, is a
 * protocol error).
 */
export interface Properties {
  payloadFormatIndicator?: 0 | 1;
  messageExpiryInterval?: number;
  contentType?: string;
  responseTopic?: string;
  correlationData?: Buffer;
  /** PUBLISH may carry several; SUBSCRIBE exactly one. Values 1..268,435,455. */
  subscriptionIdentifiers?: number[];
  sessionExpiryInterval?: number;
  assignedClientIdentifier?: string;
  serverKeepAlive?: number;
  authenticationMethod?: string;
  authenticationData?: Buffer;
  requestProblemInformation?: 0 | 1;
  willDelayInterval?: number;
  requestResponseInformation?: 0 | 1;
  responseInformation?: string;
  serverReference?: string;
  reasonString?: string;
  receiveMaximum?: number;
  topicAliasMaximum?: number;
  topicAlias?: number;
  maximumQoS?: 0 | 1;
  retainAvailable?: 0 | 1;
  userProperties?: UserProperty[];
  maximumPacketSize?: number;
  wildcardSubscriptionAvailable?: 0 | 1;
  subscriptionIdentifierAvailable?: 0 | 1;
  sharedSubscriptionAvailable?: 0 | 1;
}

export interface Will {
  topic: string;
  payload: Buffer;
  qos: QoS;
  retain: boolean;
  /** MQTT 5.0 will properties. */
  properties?: Properties;
}

export interface ConnectPacket {
  type: 'connect';
  /** 'MQTT' for 3.1.1 and 5.0, 'MQIsdp' for 3.1. */
  protocolName: string;
  protocolVersion: ProtocolVersion;
  /** Clean Session (3.1, 3.1.1) / Clean Start (5.0). */
  clean: boolean;
  keepalive: number;
  clientId: string;
  will?: Will;
  username?: string;
  password?: Buffer;
  properties?: Properties;
}

export interface ConnackPacket {
  type: 'connack';
  sessionPresent: boolean;
  /** CONNACK return code (3.1, 3.1.1) or reason code (5.0). */
  reasonCode: number;
  properties?: Properties;
}

export interface PublishPacket {
  type: 'publish';
  topic: string;
  payload: Buffer;
  qos: QoS;
  retain: boolean;
  dup: boolean;
  /** Present exactly when qos > 0. */
  packetId?: number;
  properties?: Properties;
}

/** PUBACK, PUBREC, PUBREL, PUBCOMP share one shape. */
export interface PubAckLikePacket<T extends 'puback' | 'pubrec' | 'pubrel' | 'pubcomp'> {
  type: T;
  packetId: number;
  /** 5.0 only; absent means 0x00 Success. */
  reasonCode?: number;
  properties?: Properties;
}
export type PubackPacket = PubAckLikePacket<'puback'>;
export type PubrecPacket = PubAckLikePacket<'pubrec'>;
export type PubrelPacket = PubAckLikePacket<'pubrel'>;
export type PubcompPacket = PubAckLikePacket<'pubcomp'>;

export interface Subscription {
  topicFilter: string;
  /** Requested maximum QoS. */
  qos: QoS;
  /** 5.0 subscription options. */
  noLocal?: boolean;
  retainAsPublished?: boolean;
  retainHandling?: RetainHandling;
}

export interface SubscribePacket {
  type: 'subscribe';
  packetId: number;
  subscriptions: Subscription[];
  properties?: Properties;
}

export interface SubackPacket {
  type: 'suback';
  packetId: number;
  /** Granted QoS (0..2) or failure (0x80, or a 5.0 reason code >= 0x80), one per filter in order. */
  reasonCodes: number[];
  properties?: Properties;
}

export interface UnsubscribePacket {
  type: 'unsubscribe';
  packetId: number;
  topicFilters: string[];
  properties?: Properties;
}

export interface UnsubackPacket {
  type: 'unsuback';
  packetId: number;
  /** 5.0 only: one per filter in order. */
  reasonCodes?: number[];
  properties?: Properties;
}

export interface PingreqPacket {
  type: 'pingreq';
}
export interface PingrespPacket {
  type: 'pingresp';
}

export interface DisconnectPacket {
  type: 'disconnect';
  /** 5.0 only; absent means 0x00 Normal disconnection. */
  reasonCode?: number;
  properties?: Properties;
}

/** 5.0 only. */
export interface AuthPacket {
  type: 'auth';
  /** Absent means 0x00 Success. */
  reasonCode?: number;
  properties?: Properties;
}

export type Packet =
  | ConnectPacket
  | ConnackPacket
  | PublishPacket
  | PubackPacket
  | PubrecPacket
  | PubrelPacket
  | PubcompPacket
  | SubscribePacket
  | SubackPacket
  | UnsubscribePacket
  | UnsubackPacket
  | PingreqPacket
  | PingrespPacket
  | DisconnectPacket
  | AuthPacket;

/** The packet of a given `type`. */
export type PacketOf<T extends PacketType> = Extract<Packet, { type: T }>;
