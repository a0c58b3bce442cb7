import { describe, expect, it } from 'vitest';
import { encode, EncodeError, type Packet, type ProtocolVersion } from './index.js';

const pub = (over: Record<string, unknown>): Packet =>
  ({ type: 'publish', topic: 't', payload: Buffer.alloc(0), qos: 0, retain: false, dup: false, ...over });
const conn = (over: Record<string, unknown>, version: ProtocolVersion = 4): Packet =>
  ({ type: 'connect', protocolName: version === 3 ? 'MQIsdp' : 'MQTT', protocolVersion: version, clean: true, keepalive: 0, clientId: 'c', ...over });

const REFUSED: [string, Packet, ProtocolVersion][] = [
  ['PUBLISH QoS 3', pub({ qos: 3, packetId: 1 }), 4],
  ['PUBLISH QoS 1 without packetId', pub({ qos: 1 }), 4],
  ['PUBLISH QoS 1 with packetId 0', pub({ qos: 1, packetId: 0 }), 4],
  ['PUBLISH QoS 1 with packetId 65536', pub({ qos: 1, packetId: 65536 }), 4],
  ['PUBLISH QoS 0 with a packetId', pub({ packetId: 1 }), 4],
  ['PUBLISH QoS 0 with DUP', pub({ dup: true }), 4],
  ['PUBLISH topic with U+0000', pub({ topic: 'a\u0000b' }), 4],
  ['PUBLISH topic with a lone surrogate', pub({ topic: 'a\uD800' }), 4],
  ['PUBLISH topic over 65535 bytes', pub({ topic: 'é'.repeat(40000) }), 4],
  ['PUBLISH properties in 3.1.1', pub({ properties: { topicAlias: 1 } }), 4],
  ['PUBLISH topic alias 0', pub({ properties: { topicAlias: 0 } }), 5],
  ['PUBLISH property not allowed (sessionExpiryInterval)', pub({ properties: { sessionExpiryInterval: 1 } }), 5],
  ['PUBLISH payload not a Buffer', pub({ payload: 'text' }), 4],
  ['PUBACK reasonCode in 3.1.1', { type: 'puback', packetId: 1, reasonCode: 0x10 }, 4],
  ['PUBACK reasonCode not defined for PUBACK', { type: 'puback', packetId: 1, reasonCode: 0x92 }, 5],
  ['PUBREL packetId 0', { type: 'pubrel', packetId: 0 }, 4],
  ['CONNECT version mismatch', conn({}, 4), 5],
  ['CONNECT MQTT name with level 3', conn({ protocolName: 'MQTT' }, 3), 3],
  ['CONNECT password without user name (3.1.1)', conn({ password: Buffer.from('p') }), 4],
  ['CONNECT will QoS 3', conn({ will: { topic: 'w', payload: Buffer.alloc(0), qos: 3, retain: false } }), 4],
  ['CONNECT keepalive 65536', conn({ keepalive: 65536 }), 4],
  ['CONNECT receiveMaximum 0', conn({ properties: { receiveMaximum: 0 } }, 5), 5],
  ['CONNECT will property in CONNECT properties', conn({ properties: { willDelayInterval: 1 } }, 5), 5],
  ['CONNACK return code 6 (3.1.1)', { type: 'connack', sessionPresent: false, reasonCode: 6 }, 4],
  ['CONNACK session present in 3.1', { type: 'connack', sessionPresent: true, reasonCode: 0 }, 3],
  ['CONNACK reason code 0x04 (5.0)', { type: 'connack', sessionPresent: false, reasonCode: 4 }, 5],
  ['CONNACK maximumQoS 2', { type: 'connack', sessionPresent: false, reasonCode: 0, properties: { maximumQoS: 2 as 1 } }, 5],
  ['SUBSCRIBE without subscriptions', { type: 'subscribe', packetId: 1, subscriptions: [] }, 4],
  ['SUBSCRIBE noLocal in 3.1.1', { type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 't', qos: 0, noLocal: true }] }, 4],
  ['SUBSCRIBE retainHandling 3', { type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 't', qos: 0, retainHandling: 3 as 2 }] }, 5],
  ['SUBSCRIBE two subscription identifiers', { type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 't', qos: 0 }], properties: { subscriptionIdentifiers: [1, 2] } }, 5],
  ['SUBACK return code 3 (3.1.1)', { type: 'suback', packetId: 1, reasonCodes: [3] }, 4],
  ['UNSUBSCRIBE without filters', { type: 'unsubscribe', packetId: 1, topicFilters: [] }, 4],
  ['UNSUBACK reason codes in 3.1.1', { type: 'unsuback', packetId: 1, reasonCodes: [0] }, 4],
  ['UNSUBACK without reason codes in 5.0', { type: 'unsuback', packetId: 1 }, 5],
  ['DISCONNECT reason code in 3.1.1', { type: 'disconnect', reasonCode: 0 }, 4],
  ['AUTH in 3.1.1', { type: 'auth' }, 4],
  ['AUTH reason code 0x80', { type: 'auth', reasonCode: 0x80 }, 5],
];

describe('encode refuses invalid packets with EncodeError', () => {
  it.each(REFUSED)('%s', (_name, packet, version) => {
    let error: unknown;
    try {
      encode(packet, version);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EncodeError);
    expect((error as EncodeError).code).toBe('ENCODE_INVALID_PACKET');
    expect((error as EncodeError).packetType).toBe(packet.type);
  });

  it('refuses an unknown protocol version', () => {
    expect(() => encode({ type: 'pingreq' }, 6 as ProtocolVersion)).toThrow(EncodeError);
  });

  it('writes a remaining length of 4 bytes for a large packet', () => {
    const big = encode(pub({ payload: Buffer.alloc(2_100_000) }), 4);
    // remaining length 2,100,003 = 0x23 + 0x16*128 + 0x00*128^2 + 0x01*128^3 -> a3 96 80 01
    const rl = 2 + 1 + 2_100_000;
    expect(rl).toBe(0x23 + 0x16 * 128 + 0x01 * 128 ** 3);
    expect([...big.subarray(0, 5)]).toEqual([0x30, 0xa3, 0x96, 0x80, 0x01]);
    expect(big.length).toBe(5 + rl);
  });
});
