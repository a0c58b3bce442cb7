/**
 * Test support for the differential tests against mqtt-packet (an independent implementation):
 * maps our packet model to mqtt-packet's objects and both into one comparable form.
 *
 * mqtt-packet differs in names (cmd, messageId, granted, unsubscriptions, protocolId,
 * nl/rap/rh, subscriptionIdentifier, subscriptionIdentifiersAvailable), represents byte-valued
 * properties as booleans and user properties as an object grouping values by name (so the
 * relative order of different names is not kept). The comparable form groups user properties
 * by name (sorted) and fills defaults both sides imply (reason code 0x00).
 * Our packets are compared through `toTheirs`, so both sides go through one normaliser.
 */
import mqttPacket from 'mqtt-packet';
import { PROPERTY_BY_KEY } from './tables.js';
import type { Packet, Properties, ProtocolVersion } from './types.js';

type Obj = Record<string, unknown>;

const THEIR_NAME: Record<string, string> = {
  subscriptionIdentifiers: 'subscriptionIdentifier',
  subscriptionIdentifierAvailable: 'subscriptionIdentifiersAvailable',
};
const OUR_NAME: Record<string, string> = Object.fromEntries(Object.entries(THEIR_NAME).map(([a, b]) => [b, a]));

function propsToTheirs(props: Properties | undefined): Obj | undefined {
  if (props === undefined) return undefined;
  const out: Obj = {};
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined) continue;
    const def = PROPERTY_BY_KEY.get(key);
    if (key === 'userProperties') {
      const grouped: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
      for (const [k, v] of value as [string, string][]) {
        const prev = grouped[k];
        grouped[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
      }
      out[key] = grouped;
    } else if (key === 'subscriptionIdentifiers') {
      const ids = value as number[];
      out[THEIR_NAME[key] as string] = ids.length === 1 ? ids[0] : ids;
    } else if (def?.type === 'byte' && key !== 'maximumQoS') {
      out[THEIR_NAME[key] ?? key] = value === 1;
    } else {
      out[THEIR_NAME[key] ?? key] = value;
    }
  }
  return out;
}

/** Our packet as an mqtt-packet object for `mqttPacket.generate`. */
export function toTheirs(p: Packet, version: ProtocolVersion): Obj {
  const props = 'properties' in p ? propsToTheirs(p.properties) : undefined;
  const base: Obj = { cmd: p.type };
  if (props !== undefined) base.properties = props;
  switch (p.type) {
    case 'connect': {
      const o: Obj = {
        ...base,
        protocolId: p.protocolName,
        protocolVersion: p.protocolVersion,
        clean: p.clean,
        keepalive: p.keepalive,
        clientId: p.clientId,
      };
      if (p.will !== undefined) {
        const w: Obj = { topic: p.will.topic, payload: p.will.payload, qos: p.will.qos, retain: p.will.retain };
        const wp = propsToTheirs(p.will.properties);
        if (wp !== undefined) w.properties = wp;
        o.will = w;
      }
      if (p.username !== undefined) o.username = p.username;
      if (p.password !== undefined) o.password = p.password;
      return o;
    }
    case 'connack':
      return version === 5
        ? { ...base, sessionPresent: p.sessionPresent, reasonCode: p.reasonCode }
        : { ...base, sessionPresent: p.sessionPresent, returnCode: p.reasonCode };
    case 'publish': {
      const o: Obj = { ...base, topic: p.topic, payload: p.payload, qos: p.qos, dup: p.dup, retain: p.retain };
      if (p.packetId !== undefined) o.messageId = p.packetId;
      return o;
    }
    case 'puback':
    case 'pubrec':
    case 'pubrel':
    case 'pubcomp': {
      const o: Obj = { ...base, messageId: p.packetId };
      if (p.reasonCode !== undefined) o.reasonCode = p.reasonCode;
      return o;
    }
    case 'subscribe':
      return {
        ...base,
        messageId: p.packetId,
        subscriptions: p.subscriptions.map((s) =>
          version === 5
            ? { topic: s.topicFilter, qos: s.qos, nl: s.noLocal ?? false, rap: s.retainAsPublished ?? false, rh: s.retainHandling ?? 0 }
            : { topic: s.topicFilter, qos: s.qos },
        ),
      };
    case 'suback':
      return { ...base, messageId: p.packetId, granted: p.reasonCodes };
    case 'unsubscribe':
      return { ...base, messageId: p.packetId, unsubscriptions: p.topicFilters };
    case 'unsuback': {
      const o: Obj = { ...base, messageId: p.packetId };
      if (p.reasonCodes !== undefined) o.granted = p.reasonCodes;
      return o;
    }
    case 'pingreq':
    case 'pingresp':
      return base;
    case 'disconnect':
    case 'auth': {
      const o: Obj = { ...base };
      if (p.reasonCode !== undefined) o.reasonCode = p.reasonCode;
      return o;
    }
  }
}

/** Comparable form of properties given in either our or their naming. */
function comparableProps(props: unknown): Obj | undefined {
  if (props === undefined || props === null) return undefined;
  const out: Obj = {};
  for (const [rawKey, value] of Object.entries(props as Obj)) {
    if (value === undefined) continue;
    const key = OUR_NAME[rawKey] ?? rawKey;
    if (key === 'userProperties') {
      const groups = new Map<string, string[]>();
      for (const [k, v] of Object.entries(value as Obj)) groups.set(k, Array.isArray(v) ? (v as string[]) : [v as string]);
      out[key] = [...groups.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    } else if (key === 'subscriptionIdentifiers') {
      out[key] = Array.isArray(value) ? value : [value];
    } else if (typeof value === 'boolean') {
      out[key] = value ? 1 : 0;
    } else {
      out[key] = value;
    }
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

const clean = (o: Obj): Obj => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** Our packet in the comparable form. */
export function comparableOurs(p: Packet, version: ProtocolVersion): Obj {
  return comparableTheirs(toTheirs(p, version), version);
}

/** An mqtt-packet object (parsed or to be generated) in the comparable form. */
export function comparableTheirs(t: Obj, version: ProtocolVersion): Obj {
  const cmd = t.cmd as string;
  const properties = comparableProps(t.properties);
  const v5 = version === 5;
  const bool = (v: unknown): boolean => v === true;
  switch (cmd) {
    case 'connect': {
      const w = t.will as Obj | undefined;
      return clean({
        cmd,
        protocolId: t.protocolId,
        protocolVersion: t.protocolVersion,
        clean: bool(t.clean),
        keepalive: t.keepalive,
        clientId: t.clientId,
        will:
          w === undefined
            ? undefined
            : clean({ topic: w.topic, payload: w.payload, qos: w.qos, retain: bool(w.retain), properties: comparableProps(w.properties) }),
        username: t.username,
        password: t.password,
        properties,
      });
    }
    case 'connack':
      return clean({ cmd, sessionPresent: version === 3 ? false : bool(t.sessionPresent), code: v5 ? t.reasonCode : t.returnCode, properties });
    case 'publish':
      return clean({
        cmd,
        topic: t.topic,
        payload: t.payload,
        qos: t.qos,
        dup: bool(t.dup),
        retain: bool(t.retain),
        messageId: (t.qos as number) > 0 ? t.messageId : undefined,
        properties,
      });
    case 'puback':
    case 'pubrec':
    case 'pubrel':
    case 'pubcomp':
      return clean({ cmd, messageId: t.messageId, reasonCode: v5 ? (t.reasonCode ?? 0) : undefined, properties });
    case 'subscribe':
      return clean({
        cmd,
        messageId: t.messageId,
        subscriptions: (t.subscriptions as Obj[]).map((s) =>
          v5 ? { topic: s.topic, qos: s.qos, nl: bool(s.nl), rap: bool(s.rap), rh: s.rh ?? 0 } : { topic: s.topic, qos: s.qos },
        ),
        properties,
      });
    case 'suback':
      return clean({ cmd, messageId: t.messageId, granted: t.granted, properties });
    case 'unsubscribe':
      return clean({ cmd, messageId: t.messageId, unsubscriptions: t.unsubscriptions, properties });
    case 'unsuback':
      return clean({ cmd, messageId: t.messageId, granted: v5 ? t.granted : undefined, properties });
    case 'pingreq':
    case 'pingresp':
      return { cmd };
    case 'disconnect':
    case 'auth':
      return clean({ cmd, reasonCode: v5 ? (t.reasonCode ?? 0) : undefined, properties });
    default:
      throw new Error(`unknown mqtt-packet cmd ${cmd}`);
  }
}

/** mqtt-packet generates bytes from its object. */
export function theirGenerate(obj: Obj, version: ProtocolVersion): Buffer {
  return mqttPacket.generate(obj as unknown as mqttPacket.Packet, { protocolVersion: version });
}

/** mqtt-packet parses bytes; returns the packets or throws its error. */
export function theirParse(bytes: Buffer, version: ProtocolVersion): Obj[] {
  const parser = mqttPacket.parser({ protocolVersion: version });
  const out: Obj[] = [];
  let error: Error | undefined;
  parser.on('packet', (p: unknown) => out.push(p as Obj));
  parser.on('error', (e: Error) => {
    error ??= e;
  });
  parser.parse(bytes);
  if (error !== undefined) throw error;
  return out;
}
