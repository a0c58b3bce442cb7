import { describe, expect, it } from 'vitest';
import {
  CONNACK_RETURN_CODE_BY_CODE,
  CONNACK_RETURN_CODES,
  PACKET_TYPE_BY_ID,
  PACKET_TYPES,
  PROPERTIES,
  PROPERTY_BY_ID,
  reasonCodeName,
  REASON_CODES_BY_PACKET,
  type PacketType,
} from './index.js';

const codes = (t: PacketType): number[] => [...REASON_CODES_BY_PACKET[t].keys()].sort((a, b) => a - b);

describe('tables', () => {
  it('packet type ids are 1..15 and the reverse map agrees', () => {
    for (const [type, def] of Object.entries(PACKET_TYPES)) expect(PACKET_TYPE_BY_ID[def.id]).toBe(type);
    expect(PACKET_TYPE_BY_ID[0]).toBeUndefined();
  });

  it('property ids are unique and the reverse map covers all 27 properties', () => {
    expect(Object.keys(PROPERTIES)).toHaveLength(27);
    expect(PROPERTY_BY_ID.size).toBe(27);
    for (const [key, def] of Object.entries(PROPERTIES)) expect(PROPERTY_BY_ID.get(def.id)?.key).toBe(key);
  });

  // Reason code sets per packet, MQTT 5.0 sections 3.2.2.2, 3.4.2.1, 3.5.2.1, 3.6.2.1, 3.7.2.1,
  // 3.9.3, 3.11.3, 3.14.2.1 (plus 0x8C from table 2.4) and 3.15.2.1.
  it.each<[PacketType, number[]]>([
    ['connack', [0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8c, 0x90, 0x95, 0x97, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9f]],
    ['puback', [0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99]],
    ['pubrec', [0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99]],
    ['pubrel', [0x00, 0x92]],
    ['pubcomp', [0x00, 0x92]],
    ['suback', [0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8f, 0x91, 0x97, 0x9e, 0xa1, 0xa2]],
    ['unsuback', [0x00, 0x11, 0x80, 0x83, 0x87, 0x8f, 0x91]],
    ['disconnect', [0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xa0, 0xa1, 0xa2]],
    ['auth', [0x00, 0x18, 0x19]],
  ])('%s reason codes', (type, expected) => {
    expect(codes(type)).toEqual(expected);
  });

  it('names reason codes in their packet context', () => {
    expect(reasonCodeName('disconnect', 0)).toBe('Normal disconnection');
    expect(reasonCodeName('suback', 0)).toBe('Granted QoS 0');
    expect(reasonCodeName('puback', 0x87)).toBe('Not authorized');
    expect(reasonCodeName('puback', 0x04)).toBeUndefined();
  });

  it('CONNACK return codes 0..5 with a reverse map', () => {
    expect([...CONNACK_RETURN_CODE_BY_CODE.keys()]).toEqual([0, 1, 2, 3, 4, 5]);
    expect(CONNACK_RETURN_CODES.UNACCEPTABLE_PROTOCOL_VERSION.code).toBe(1);
  });
});
