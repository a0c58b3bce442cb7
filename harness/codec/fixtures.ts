/**
 * Known-answer fixtures: exact bytes and the packet they decode to, per version.
 * Each fixture yields a decode test, an encode test and a round-trip test (codec.test.ts).
 * Byte sequences marked "spec" are worked out from the examples in the OASIS specifications.
 */
import type { Packet, ProtocolVersion } from './types.js';

export interface Fixture {
  name: string;
  version: ProtocolVersion;
  hex: string;
  packet: Packet;
}

const b = (s: string): Buffer => Buffer.from(s, 'utf8');

export const FIXTURES: readonly Fixture[] = [
  // ---- CONNECT
  {
    name: 'spec 3.1.1 fig 3.6: CONNECT variable header (user, password, will QoS 1, clean, keep alive 10)',
    version: 4,
    hex: '10 20 00 04 4d 51 54 54 04 ce 00 0a 00 03 63 69 64 00 01 77 00 02 68 69 00 04 75 73 65 72 00 02 70 77',
    packet: {
      type: 'connect',
      protocolName: 'MQTT',
      protocolVersion: 4,
      clean: true,
      keepalive: 10,
      clientId: 'cid',
      will: { topic: 'w', payload: b('hi'), qos: 1, retain: false },
      username: 'user',
      password: b('pw'),
    },
  },
  {
    name: 'CONNECT 3.1 (MQIsdp, level 3)',
    version: 3,
    hex: '10 12 00 06 4d 51 49 73 64 70 03 02 00 3c 00 04 63 6c 69 31',
    packet: { type: 'connect', protocolName: 'MQIsdp', protocolVersion: 3, clean: true, keepalive: 60, clientId: 'cli1' },
  },
  {
    name: 'CONNECT 3.1.1 minimal, empty client id',
    version: 4,
    hex: '10 0c 00 04 4d 51 54 54 04 02 00 00 00 00',
    packet: { type: 'connect', protocolName: 'MQTT', protocolVersion: 4, clean: true, keepalive: 0, clientId: '' },
  },
  {
    name: 'spec 5.0 fig 3-6: CONNECT with Session Expiry Interval 10, keep alive 10',
    version: 5,
    hex: '10 12 00 04 4d 51 54 54 05 02 00 0a 05 11 00 00 00 0a 00 00',
    packet: {
      type: 'connect',
      protocolName: 'MQTT',
      protocolVersion: 5,
      clean: true,
      keepalive: 10,
      clientId: '',
      properties: { sessionExpiryInterval: 10 },
    },
  },
  {
    name: 'CONNECT 5.0 with will properties and password without user name',
    version: 5,
    hex: '10 1f 00 04 4d 51 54 54 05 6c 00 3c 00 00 01 61 07 18 00 00 00 05 01 01 00 01 74 00 01 78 00 01 70',
    packet: {
      type: 'connect',
      protocolName: 'MQTT',
      protocolVersion: 5,
      clean: false,
      keepalive: 60,
      clientId: 'a',
      will: { topic: 't', payload: b('x'), qos: 1, retain: true, properties: { willDelayInterval: 5, payloadFormatIndicator: 1 } },
      password: b('p'),
    },
  },
  // ---- CONNACK
  { name: 'CONNACK 3.1.1 accepted, session present', version: 4, hex: '20 02 01 00', packet: { type: 'connack', sessionPresent: true, reasonCode: 0 } },
  { name: 'CONNACK 3.1 refused (identifier rejected)', version: 3, hex: '20 02 00 02', packet: { type: 'connack', sessionPresent: false, reasonCode: 2 } },
  {
    name: 'CONNACK 5.0 success with assigned client id and maximum QoS 1',
    version: 5,
    hex: '20 0a 00 00 07 12 00 02 69 64 24 01',
    packet: { type: 'connack', sessionPresent: false, reasonCode: 0, properties: { assignedClientIdentifier: 'id', maximumQoS: 1 } },
  },
  { name: 'CONNACK 5.0 0x84 unsupported protocol version', version: 5, hex: '20 03 00 84 00', packet: { type: 'connack', sessionPresent: false, reasonCode: 0x84 } },
  // ---- PUBLISH
  {
    name: 'spec 3.1.1 fig 3.11: PUBLISH topic a/b packet id 10 (QoS 1)',
    version: 4,
    hex: '32 09 00 03 61 2f 62 00 0a 68 69',
    packet: { type: 'publish', topic: 'a/b', payload: b('hi'), qos: 1, retain: false, dup: false, packetId: 10 },
  },
  {
    name: 'PUBLISH QoS 0 retained, empty payload',
    version: 4,
    hex: '31 05 00 03 61 2f 62',
    packet: { type: 'publish', topic: 'a/b', payload: b(''), qos: 0, retain: true, dup: false },
  },
  {
    name: 'PUBLISH QoS 2 DUP 3.1',
    version: 3,
    hex: '3c 06 00 01 74 ff ff 00',
    packet: { type: 'publish', topic: 't', payload: Buffer.from([0]), qos: 2, retain: false, dup: true, packetId: 65535 },
  },
  {
    name: 'PUBLISH 5.0 with topic alias, subscription identifiers and user properties in order',
    version: 5,
    hex: '30 1b 00 01 74 16 23 00 01 0b 01 0b 80 01 26 00 01 6b 00 01 76 26 00 01 6b 00 01 77 70',
    packet: {
      type: 'publish',
      topic: 't',
      payload: b('p'),
      qos: 0,
      retain: false,
      dup: false,
      properties: { topicAlias: 1, subscriptionIdentifiers: [1, 128], userProperties: [['k', 'v'], ['k', 'w']] },
    },
  },
  {
    name: 'PUBLISH 5.0 topic with U+FEFF (BOM kept) and no properties',
    version: 5,
    hex: '30 07 00 04 ef bb bf 61 00',
    packet: { type: 'publish', topic: '\uFEFFa', payload: b(''), qos: 0, retain: false, dup: false },
  },
  // ---- PUBACK family
  { name: 'PUBACK 3.1.1', version: 4, hex: '40 02 00 01', packet: { type: 'puback', packetId: 1 } },
  { name: 'PUBREC 3.1.1', version: 4, hex: '50 02 12 34', packet: { type: 'pubrec', packetId: 0x1234 } },
  { name: 'PUBREL 3.1.1 (flags 0010)', version: 4, hex: '62 02 00 05', packet: { type: 'pubrel', packetId: 5 } },
  { name: 'PUBCOMP 3.1', version: 3, hex: '70 02 00 05', packet: { type: 'pubcomp', packetId: 5 } },
  { name: 'PUBACK 5.0 short form (success implied)', version: 5, hex: '40 02 00 01', packet: { type: 'puback', packetId: 1 } },
  { name: 'PUBACK 5.0 0x10 no matching subscribers', version: 5, hex: '40 03 00 01 10', packet: { type: 'puback', packetId: 1, reasonCode: 0x10 } },
  {
    name: 'PUBREL 5.0 0x92 with reason string',
    version: 5,
    hex: '62 08 00 02 92 04 1f 00 01 78',
    packet: { type: 'pubrel', packetId: 2, reasonCode: 0x92, properties: { reasonString: 'x' } },
  },
  // ---- SUBSCRIBE / SUBACK
  {
    name: 'spec 3.1.1 fig 3.22: SUBSCRIBE a/b QoS 1, c/d QoS 2, packet id 10',
    version: 4,
    hex: '82 0e 00 0a 00 03 61 2f 62 01 00 03 63 2f 64 02',
    packet: {
      type: 'subscribe',
      packetId: 10,
      subscriptions: [
        { topicFilter: 'a/b', qos: 1 },
        { topicFilter: 'c/d', qos: 2 },
      ],
    },
  },
  {
    name: 'SUBSCRIBE 5.0 with options and subscription identifier',
    version: 5,
    hex: '82 09 00 01 02 0b 05 00 01 23 2d',
    packet: {
      type: 'subscribe',
      packetId: 1,
      subscriptions: [{ topicFilter: '#', qos: 1, noLocal: true, retainAsPublished: true, retainHandling: 2 }],
      properties: { subscriptionIdentifiers: [5] },
    },
  },
  {
    name: 'spec 3.1.1 fig 3.26: SUBACK 0, 2, 0x80',
    version: 4,
    hex: '90 05 00 0a 00 02 80',
    packet: { type: 'suback', packetId: 10, reasonCodes: [0, 2, 0x80] },
  },
  { name: 'SUBACK 5.0 0x01 0xa2', version: 5, hex: '90 05 00 01 00 01 a2', packet: { type: 'suback', packetId: 1, reasonCodes: [1, 0xa2] } },
  // ---- UNSUBSCRIBE / UNSUBACK
  {
    name: 'spec 3.1.1 fig 3.30: UNSUBSCRIBE a/b, c/d',
    version: 4,
    hex: 'a2 0c 00 0a 00 03 61 2f 62 00 03 63 2f 64',
    packet: { type: 'unsubscribe', packetId: 10, topicFilters: ['a/b', 'c/d'] },
  },
  { name: 'UNSUBSCRIBE 5.0', version: 5, hex: 'a2 07 00 01 00 00 02 2b 23', packet: { type: 'unsubscribe', packetId: 1, topicFilters: ['+#'] } },
  { name: 'UNSUBACK 3.1.1', version: 4, hex: 'b0 02 00 0a', packet: { type: 'unsuback', packetId: 10 } },
  { name: 'UNSUBACK 5.0 0x00 0x11', version: 5, hex: 'b0 05 00 0a 00 00 11', packet: { type: 'unsuback', packetId: 10, reasonCodes: [0, 0x11] } },
  // ---- PING / DISCONNECT / AUTH
  { name: 'PINGREQ', version: 4, hex: 'c0 00', packet: { type: 'pingreq' } },
  { name: 'PINGRESP', version: 5, hex: 'd0 00', packet: { type: 'pingresp' } },
  { name: 'DISCONNECT 3.1.1', version: 4, hex: 'e0 00', packet: { type: 'disconnect' } },
  { name: 'DISCONNECT 3.1', version: 3, hex: 'e0 00', packet: { type: 'disconnect' } },
  { name: 'DISCONNECT 5.0 short form', version: 5, hex: 'e0 00', packet: { type: 'disconnect' } },
  { name: 'DISCONNECT 5.0 0x04 with will', version: 5, hex: 'e0 01 04', packet: { type: 'disconnect', reasonCode: 4 } },
  {
    name: 'DISCONNECT 5.0 0x8e with session expiry',
    version: 5,
    hex: 'e0 07 8e 05 11 00 00 00 00',
    packet: { type: 'disconnect', reasonCode: 0x8e, properties: { sessionExpiryInterval: 0 } },
  },
  { name: 'AUTH 5.0 short form', version: 5, hex: 'f0 00', packet: { type: 'auth' } },
  {
    name: 'AUTH 5.0 continue authentication',
    version: 5,
    hex: 'f0 0f 18 0d 15 00 05 53 43 52 41 4d 16 00 02 01 02',
    packet: {
      type: 'auth',
      reasonCode: 0x18,
      properties: { authenticationMethod: 'SCRAM', authenticationData: Buffer.from([1, 2]) },
    },
  },
];
