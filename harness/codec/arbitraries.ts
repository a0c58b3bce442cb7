/**
 * fast-check arbitraries of valid packets, per type and protocol version (test support; not
 * exported from the codec index). Generated packets are in the codec's canonical form: an
 * optional field is either absent or meaningful (no empty property objects, a reason code
 * wherever properties follow it), so `decode(encode(p))` equals `p` exactly.
 */
import fc from 'fast-check';
import { PROPERTY_BY_KEY, REASON_CODES_BY_PACKET, type PropertyPlace } from './tables.js';
import type {
  AuthPacket,
  DisconnectPacket,
  Packet,
  PubAckLikePacket,
  PacketType,
  Properties,
  ProtocolVersion,
  QoS,
  Subscription,
  UserProperty,
  Will,
} from './types.js';

/** Strings the codec must carry: ASCII and full Unicode (no U+0000, no lone surrogates), BOM included. */
export const mqttString = (maxLength = 12): fc.Arbitrary<string> =>
  fc
    .oneof(
      fc.string({ unit: 'grapheme-ascii', maxLength }),
      fc.string({ unit: 'binary', maxLength }),
      fc.constantFrom('\uFEFFa', 'a/b/c', '$SYS/x', '+/#', ''),
    )
    .map((s) => s.replace(/\u0000/g, ''));

export const bytes = (maxLength = 24): fc.Arbitrary<Buffer> => fc.uint8Array({ maxLength }).map((a) => Buffer.from(a));
export const qos = (): fc.Arbitrary<QoS> => fc.constantFrom<QoS>(0, 1, 2);
export const packetId = (): fc.Arbitrary<number> => fc.integer({ min: 1, max: 65535 });

function propertyValue(key: string, place: PropertyPlace): fc.Arbitrary<unknown> {
  const def = PROPERTY_BY_KEY.get(key);
  if (def === undefined) throw new Error(`no property ${key}`);
  switch (def.type) {
    case 'byte':
      return fc.constantFrom(0, 1);
    case 'u16':
      return fc.integer({ min: key === 'receiveMaximum' || key === 'topicAlias' ? 1 : 0, max: 65535 });
    case 'u32':
      return fc.integer({ min: key === 'maximumPacketSize' ? 1 : 0, max: 0xffffffff });
    case 'string':
      return mqttString();
    case 'binary':
      return bytes(16);
    case 'varint':
      return fc.array(fc.integer({ min: 1, max: 268_435_455 }), {
        minLength: 1,
        maxLength: def.repeatableIn.includes(place) ? 3 : 1,
      });
    case 'pair':
      return fc.array(fc.tuple(mqttString(6), mqttString(6)).map((t): UserProperty => [t[0], t[1]]), {
        minLength: 1,
        maxLength: 3,
      });
  }
}

/** Properties allowed in `place`, any subset; undefined when the subset is empty. */
export function properties(place: PropertyPlace): fc.Arbitrary<Properties | undefined> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, def] of PROPERTY_BY_KEY) {
    if (def.packets.includes(place)) model[key] = propertyValue(key, place);
  }
  return fc
    .record(model, { requiredKeys: [] })
    .map((p) => (Object.keys(p).length === 0 ? undefined : (p as Properties)));
}

const withProps = <T extends object>(p: T, props: Properties | undefined): T =>
  props === undefined ? p : { ...p, properties: props };

function reasonCode(type: PacketType): fc.Arbitrary<number> {
  return fc.constantFrom(...REASON_CODES_BY_PACKET[type].keys());
}

const noProps = fc.constant(undefined);

export function connect(version: ProtocolVersion): fc.Arbitrary<Packet> {
  const v5 = version === 5;
  const will: fc.Arbitrary<Will | undefined> = fc.option(
    fc
      .record({
        topic: mqttString(),
        payload: bytes(),
        qos: qos(),
        retain: fc.boolean(),
        properties: v5 ? properties('will') : noProps,
      })
      .map((w): Will => {
        const { properties: props, ...rest } = w;
        return withProps<Will>(rest, props);
      }),
    { nil: undefined },
  );
  return fc
    .record({
      clean: fc.boolean(),
      keepalive: fc.integer({ min: 0, max: 65535 }),
      clientId: mqttString(23),
      will,
      username: fc.option(mqttString(), { nil: undefined }),
      password: fc.option(bytes(), { nil: undefined }),
      properties: v5 ? properties('connect') : noProps,
    })
    .map((r) => {
      const p: Packet = {
        type: 'connect',
        protocolName: version === 3 ? 'MQIsdp' : 'MQTT',
        protocolVersion: version,
        clean: r.clean,
        keepalive: r.keepalive,
        clientId: r.clientId,
      };
      if (r.will !== undefined) p.will = r.will;
      if (r.username !== undefined) p.username = r.username;
      if (r.password !== undefined && (v5 || r.username !== undefined)) p.password = r.password;
      return withProps(p, r.properties);
    });
}

export function connack(version: ProtocolVersion): fc.Arbitrary<Packet> {
  return fc
    .record({
      sessionPresent: version === 3 ? fc.constant(false) : fc.boolean(),
      reasonCode: version === 5 ? reasonCode('connack') : fc.integer({ min: 0, max: 5 }),
      properties: version === 5 ? properties('connack') : noProps,
    })
    .map((r) => withProps<Packet>({ type: 'connack', sessionPresent: r.sessionPresent, reasonCode: r.reasonCode }, r.properties));
}

export function publish(version: ProtocolVersion): fc.Arbitrary<Packet> {
  return fc
    .record({
      topic: mqttString(),
      payload: fc.oneof({ weight: 4, arbitrary: bytes() }, { weight: 1, arbitrary: bytes(400) }),
      qos: qos(),
      retain: fc.boolean(),
      dup: fc.boolean(),
      packetId: packetId(),
      properties: version === 5 ? properties('publish') : noProps,
    })
    .map((r) => {
      const p: Packet = { type: 'publish', topic: r.topic, payload: r.payload, qos: r.qos, retain: r.retain, dup: r.qos > 0 && r.dup };
      if (r.qos > 0) p.packetId = r.packetId;
      return withProps(p, r.properties);
    });
}

export function pubAckLike(type: 'puback' | 'pubrec' | 'pubrel' | 'pubcomp', version: ProtocolVersion): fc.Arbitrary<Packet> {
  if (version !== 5) return packetId().map((id): Packet => ({ type, packetId: id }));
  return fc
    .record({ packetId: packetId(), reasonCode: fc.option(reasonCode(type), { nil: undefined }), properties: properties(type) })
    .map((r) => {
      const p: PubAckLikePacket<typeof type> = { type, packetId: r.packetId };
      if (r.reasonCode !== undefined || r.properties !== undefined) p.reasonCode = r.reasonCode ?? 0;
      return withProps(p, r.properties);
    });
}

export function subscribe(version: ProtocolVersion): fc.Arbitrary<Packet> {
  const sub: fc.Arbitrary<Subscription> =
    version === 5
      ? fc.record({
          topicFilter: mqttString(),
          qos: qos(),
          noLocal: fc.boolean(),
          retainAsPublished: fc.boolean(),
          retainHandling: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
        })
      : fc.record({ topicFilter: mqttString(), qos: qos() });
  return fc
    .record({
      packetId: packetId(),
      subscriptions: fc.array(sub, { minLength: 1, maxLength: 4 }),
      properties: version === 5 ? properties('subscribe') : noProps,
    })
    .map((r) => withProps<Packet>({ type: 'subscribe', packetId: r.packetId, subscriptions: r.subscriptions }, r.properties));
}

export function suback(version: ProtocolVersion): fc.Arbitrary<Packet> {
  const code = version === 5 ? reasonCode('suback') : fc.constantFrom(0, 1, 2, 0x80);
  return fc
    .record({
      packetId: packetId(),
      reasonCodes: fc.array(code, { minLength: 1, maxLength: 5 }),
      properties: version === 5 ? properties('suback') : noProps,
    })
    .map((r) => withProps<Packet>({ type: 'suback', packetId: r.packetId, reasonCodes: r.reasonCodes }, r.properties));
}

export function unsubscribe(version: ProtocolVersion): fc.Arbitrary<Packet> {
  return fc
    .record({
      packetId: packetId(),
      topicFilters: fc.array(mqttString(), { minLength: 1, maxLength: 4 }),
      properties: version === 5 ? properties('unsubscribe') : noProps,
    })
    .map((r) => withProps<Packet>({ type: 'unsubscribe', packetId: r.packetId, topicFilters: r.topicFilters }, r.properties));
}

export function unsuback(version: ProtocolVersion): fc.Arbitrary<Packet> {
  if (version !== 5) return packetId().map((id): Packet => ({ type: 'unsuback', packetId: id }));
  return fc
    .record({
      packetId: packetId(),
      reasonCodes: fc.array(reasonCode('unsuback'), { minLength: 1, maxLength: 5 }),
      properties: properties('unsuback'),
    })
    .map((r) => withProps<Packet>({ type: 'unsuback', packetId: r.packetId, reasonCodes: r.reasonCodes }, r.properties));
}

export function disconnectOrAuth(type: 'disconnect' | 'auth', version: ProtocolVersion): fc.Arbitrary<Packet> {
  if (version !== 5) return fc.constant<Packet>({ type: 'disconnect' });
  return fc
    .record({ reasonCode: fc.option(reasonCode(type), { nil: undefined }), properties: properties(type) })
    .map((r) => {
      const p: DisconnectPacket | AuthPacket = { type };
      if (r.reasonCode !== undefined || r.properties !== undefined) p.reasonCode = r.reasonCode ?? 0;
      return withProps(p, r.properties);
    });
}

/** Arbitrary of each packet type valid in `version`. */
export function packetArbitraries(version: ProtocolVersion): Partial<Record<PacketType, fc.Arbitrary<Packet>>> {
  const out: Partial<Record<PacketType, fc.Arbitrary<Packet>>> = {
    connect: connect(version),
    connack: connack(version),
    publish: publish(version),
    puback: pubAckLike('puback', version),
    pubrec: pubAckLike('pubrec', version),
    pubrel: pubAckLike('pubrel', version),
    pubcomp: pubAckLike('pubcomp', version),
    subscribe: subscribe(version),
    suback: suback(version),
    unsubscribe: unsubscribe(version),
    unsuback: unsuback(version),
    pingreq: fc.constant<Packet>({ type: 'pingreq' }),
    pingresp: fc.constant<Packet>({ type: 'pingresp' }),
    disconnect: disconnectOrAuth('disconnect', version),
  };
  if (version === 5) out.auth = disconnectOrAuth('auth', version);
  return out;
}

/** Any packet valid in `version`. */
export function anyPacket(version: ProtocolVersion): fc.Arbitrary<Packet> {
  return fc.oneof(...Object.values(packetArbitraries(version)));
}
