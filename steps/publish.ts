import { When } from './support/cucumber.js';
import type { PacketType, PublishPacket, QoS } from '../harness/codec/index.js';
import { encode } from '../harness/codec/index.js';
import { ClientUsageError } from '../harness/client/index.js';
import type { MqttWorld } from './support/world.js';

When('{client} publishes {string} to {topic} at QoS {qos}', async function (this: MqttWorld, name: string, payload: string, topic: string, qos: QoS) {
  await this.publish(name, topic, payload, qos, false);
});

When('{client} publishes {string} to {topic} at QoS {qos} with RETAIN set', async function (this: MqttWorld, name: string, payload: string, topic: string, qos: QoS) {
  await this.publish(name, topic, payload, qos, true);
});

When('{client} publishes an empty message to {topic} at QoS {qos} with RETAIN set', async function (this: MqttWorld, name: string, topic: string, qos: QoS) {
  await this.publish(name, topic, Buffer.alloc(0), qos, true);
});

When('{client} publishes {int} numbered messages to {topic} at QoS {qos}', async function (this: MqttWorld, name: string, count: number, topic: string, qos: QoS) {
  for (let i = 1; i <= count; i++) await this.publish(name, topic, String(i), qos, false);
});

/** Sends a PUBLISH without completing its flow: the scenario checks the server's answers itself. */
When(
  '{client} sends a PUBLISH of {string} to {topic} at QoS {qos} with packet identifier {int}',
  function (this: MqttWorld, name: string, payload: string, topic: string, qos: QoS, packetId: number) {
    const packet: PublishPacket = { type: 'publish', topic, payload: Buffer.from(payload), qos, retain: false, dup: false, packetId };
    this.send(name, packet);
    this.lastPublisher.set(topic, { client: name, qos });
  },
);

When(
  '{client} sends a PUBLISH of {string} to {topic} at QoS {qos} with packet identifier {int} and DUP set',
  function (this: MqttWorld, name: string, payload: string, topic: string, qos: QoS, packetId: number) {
    const packet: PublishPacket = { type: 'publish', topic, payload: Buffer.from(payload), qos, retain: false, dup: true, packetId };
    this.send(name, packet);
    this.lastPublisher.set(topic, { client: name, qos });
  },
);

When('{client} sends a PUBLISH of {string} to {topic} at QoS 0', function (this: MqttWorld, name: string, payload: string, topic: string) {
  this.send(name, { type: 'publish', topic, payload: Buffer.from(payload), qos: 0, retain: false, dup: false });
  this.lastPublisher.set(topic, { client: name, qos: 0 });
});

/** Keep-alive activity other than PINGREQ: a QoS 0 PUBLISH every `interval` ms (MQTT-3.1.2-24: any Control Packet counts). */
When('{client} sends a PUBLISH of {string} to {topic} at QoS 0 every {int} ms for {int} ms', async function (this: MqttWorld, name: string, payload: string, topic: string, interval: number, total: number) {
  for (let elapsed = 0; elapsed < total; elapsed += interval) {
    await new Promise((r) => setTimeout(r, interval));
    this.send(name, { type: 'publish', topic, payload: Buffer.from(payload), qos: 0, retain: false, dup: false });
  }
  this.lastPublisher.set(topic, { client: name, qos: 0 });
});

When('{client} sends {packetType} with packet identifier {int}', function (this: MqttWorld, name: string, type: PacketType, packetId: number) {
  if (type !== 'puback' && type !== 'pubrec' && type !== 'pubrel' && type !== 'pubcomp') {
    throw new ClientUsageError(`"sends ${type.toUpperCase()} with packet identifier" is for PUBACK, PUBREC, PUBREL and PUBCOMP`);
  }
  this.send(name, { type, packetId });
});

When('{client} acknowledges the PUBLISH', async function (this: MqttWorld, name: string) {
  const last = this.lastReceived.get(name);
  if (!last || last.type !== 'publish') throw new ClientUsageError(`"${name}" has received no PUBLISH through a step`);
  await this.acknowledge(name, last);
});

/** Answers the PUBLISH last received with this packet (PUBACK/PUBREC/PUBCOMP), by its identifier. */
When('{client} sends {packetType} for the PUBLISH', function (this: MqttWorld, name: string, type: PacketType) {
  const last = this.lastReceived.get(name);
  if (!last || last.type !== 'publish' || last.packetId === undefined) throw new ClientUsageError(`"${name}" has received no QoS>0 PUBLISH through a step`);
  if (type !== 'puback' && type !== 'pubrec' && type !== 'pubrel' && type !== 'pubcomp') throw new ClientUsageError('only PUBACK, PUBREC, PUBREL, PUBCOMP');
  this.send(name, { type, packetId: last.packetId });
});

/**
 * A CONNECT the server must refuse (an unsupported protocol level) with a retained PUBLISH
 * pipelined right behind it in the same write: the server must not act on it [MQTT-3.1.4-5].
 */
When(
  '{client} sends a CONNECT with protocol level {int} followed by a retained PUBLISH of {string} to {topic}',
  function (this: MqttWorld, name: string, level: number, payload: string, topic: string) {
    this.client(name); // an unknown client fails here, before any byte is built
    const connect = encode(this.connectPacket(name, { protocolVersion: 4 }), 4);
    // Fixed header (2 bytes: the remaining length is < 128), name length (2), "MQTT" (4): the level byte.
    if (connect.length >= 128 || connect[8] !== 4) throw new ClientUsageError('unexpected CONNECT layout');
    connect[8] = level;
    const publish = encode({ type: 'publish', topic, payload: Buffer.from(payload), qos: 0, retain: true, dup: false }, 4);
    this.sendRaw(name, Buffer.concat([connect, publish]));
  },
);
