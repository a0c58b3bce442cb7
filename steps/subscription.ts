import { type DataTable, Given, When } from './support/cucumber.js';
import type { QoS } from '../harness/codec/index.js';
import { subscriptionsFromTable } from './support/tables.js';
import type { MqttWorld } from './support/world.js';

Given('{client} is connected and subscribed to {topic} at QoS {qos}', async function (this: MqttWorld, name: string, topicFilter: string, qos: QoS) {
  await this.connect(name);
  await this.subscribe(name, [{ topicFilter, qos }]);
});

Given('{client} is connected with CleanSession {flag} and subscribed to {topic} at QoS {qos}', async function (this: MqttWorld, name: string, clean: boolean, topicFilter: string, qos: QoS) {
  await this.connect(name, { clean });
  await this.subscribe(name, [{ topicFilter, qos }]);
});

When('{client} subscribes to {topic} at QoS {qos}', async function (this: MqttWorld, name: string, topicFilter: string, qos: QoS) {
  await this.subscribe(name, [{ topicFilter, qos }]);
});

Given('{client} is subscribed to {topic} at QoS {qos}', async function (this: MqttWorld, name: string, topicFilter: string, qos: QoS) {
  await this.subscribe(name, [{ topicFilter, qos }]);
});

/** One SUBSCRIBE with several filters (table: filter | qos); waits for its SUBACK and requires every filter granted. */
When('{client} subscribes to:', async function (this: MqttWorld, name: string, table: DataTable) {
  await this.subscribe(name, subscriptionsFromTable(this, table));
});

/** Sends SUBSCRIBE without waiting: a Then step checks the SUBACK (or the close). */
When('{client} sends SUBSCRIBE for:', function (this: MqttWorld, name: string, table: DataTable) {
  const client = this.client(name);
  const packetId = client.nextPacketId();
  this.send(name, { type: 'subscribe', packetId, subscriptions: subscriptionsFromTable(this, table) });
  this.notes.set(`subscribe:${name}`, packetId);
});

When('{client} sends SUBSCRIBE to {topic} at QoS {qos}', function (this: MqttWorld, name: string, topicFilter: string, qos: QoS) {
  const client = this.client(name);
  const packetId = client.nextPacketId();
  this.send(name, { type: 'subscribe', packetId, subscriptions: [{ topicFilter, qos }] });
  this.notes.set(`subscribe:${name}`, packetId);
});

When('{client} unsubscribes from {topic}', async function (this: MqttWorld, name: string, filter: string) {
  await this.unsubscribe(name, [filter]);
});

When('{client} sends UNSUBSCRIBE for {topic}', function (this: MqttWorld, name: string, filter: string) {
  const client = this.client(name);
  const packetId = client.nextPacketId();
  this.send(name, { type: 'unsubscribe', packetId, topicFilters: [filter] });
  this.notes.set(`unsubscribe:${name}`, packetId);
});

/** A SUBSCRIBE whose one topic filter is the empty string [MQTT-4.7.3-1] (the strict encoder refuses it). */
When('{client} sends SUBSCRIBE with an empty topic filter', function (this: MqttWorld, name: string) {
  const client = this.client(name);
  const packetId = client.nextPacketId();
  this.sendRaw(name, Buffer.from([0x82, 0x05, packetId >> 8, packetId & 0xff, 0x00, 0x00, 0x00]));
  this.notes.set(`subscribe:${name}`, packetId);
});
