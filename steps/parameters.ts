import { defineParameterType } from './support/cucumber.js';
import type { PacketType, QoS } from '../harness/codec/index.js';
import { fromHex } from '../harness/codec/index.js';
import type { MqttWorld } from './support/world.js';

/** `QoS {qos}` -> 0 | 1 | 2 */
defineParameterType({
  name: 'qos',
  regexp: /[0-2]/,
  transformer: (s: string): QoS => Number(s) as QoS,
  useForSnippets: false,
});

/** `{client}`: a quoted logical client name, e.g. "sub". */
defineParameterType({
  name: 'client',
  regexp: /"([^"]+)"/,
  transformer: (s: string): string => s,
  useForSnippets: false,
});

/** `{topic}`: a quoted logical topic or filter, resolved into the scenario's namespace (see MqttWorld.topic). */
defineParameterType({
  name: 'topic',
  regexp: /"([^"]*)"/,
  transformer: function (this: MqttWorld, s: string): string {
    return this.topic(s);
  },
  useForSnippets: false,
});

/** `{returnCode}`: `0x05` or `5` -> 5 (a CONNACK/SUBACK return code). */
defineParameterType({
  name: 'returnCode',
  regexp: /0x[0-9a-fA-F]{1,2}|\d{1,3}/,
  transformer: (s: string): number => (s.startsWith('0x') ? parseInt(s.slice(2), 16) : Number(s)),
  useForSnippets: false,
});

/** `{flag}`: `0` or `1` -> boolean (CleanSession 1, RETAIN 0, DUP 1, Session Present 0). */
defineParameterType({
  name: 'flag',
  regexp: /[01]/,
  transformer: (s: string): boolean => s === '1',
  useForSnippets: false,
});

/** `{hex}`: spaced hex bytes in angle brackets, `<c0 00>` -> Buffer. */
defineParameterType({
  name: 'hex',
  regexp: /<([0-9a-fA-F\s]+)>/,
  transformer: (s: string): Buffer => fromHex(s),
  useForSnippets: false,
});

const PACKET_TYPES: Record<string, PacketType> = {
  CONNECT: 'connect',
  CONNACK: 'connack',
  PUBLISH: 'publish',
  PUBACK: 'puback',
  PUBREC: 'pubrec',
  PUBREL: 'pubrel',
  PUBCOMP: 'pubcomp',
  SUBSCRIBE: 'subscribe',
  SUBACK: 'suback',
  UNSUBSCRIBE: 'unsubscribe',
  UNSUBACK: 'unsuback',
  PINGREQ: 'pingreq',
  PINGRESP: 'pingresp',
  DISCONNECT: 'disconnect',
  AUTH: 'auth',
};

/** `{packetType}`: `PUBACK` -> 'puback'. */
defineParameterType({
  name: 'packetType',
  regexp: new RegExp(Object.keys(PACKET_TYPES).join('|')),
  transformer: (s: string): PacketType => {
    const t = PACKET_TYPES[s];
    if (t === undefined) throw new Error(`unknown packet type ${s}`);
    return t;
  },
  useForSnippets: false,
});
