import { Then, When } from './support/cucumber.js';
import type { QoS, Subscription } from '../harness/codec/index.js';
import { topicOfLength } from './support/delivery.js';
import {
  expectConnackOfVersionOrClose,
  expectPublishAnswerOrClose,
  expectSubackOrClose,
  overDeclaredLimit,
  sendLargePublish,
  sendSubscribe,
  subscribeSize,
} from './support/limits.js';
import type { MqttWorld } from './support/world.js';

// Refusals forced by server limits use only the codes of the version in use
// (features/server-limits-codes.feature; helpers in support/limits.ts).

async function subscribeOrSkip(world: MqttWorld, name: string, subscriptions: Subscription[]): Promise<'skipped' | undefined> {
  if (await overDeclaredLimit(world, name, subscribeSize(subscriptions))) return 'skipped';
  sendSubscribe(world, name, subscriptions);
  return undefined;
}

When('{client} sends a SUBSCRIBE with one topic filter of {int} levels at QoS {qos}', async function (this: MqttWorld, name: string, levels: number, qos: QoS) {
  return subscribeOrSkip(this, name, [{ topicFilter: this.topic(Array.from({ length: levels - 1 }, () => 'x').join('/')), qos }]);
});

When('{client} sends a SUBSCRIBE with one {int}-byte topic filter {string} at QoS {qos}', async function (this: MqttWorld, name: string, bytes: number, logical: string, qos: QoS) {
  return subscribeOrSkip(this, name, [{ topicFilter: topicOfLength(this, logical, bytes), qos }]);
});

When('{client} sends a SUBSCRIBE with {int} topic filters under {string} at QoS {qos}', async function (this: MqttWorld, name: string, count: number, logical: string, qos: QoS) {
  return subscribeOrSkip(this, name, Array.from({ length: count }, (_, i) => ({ topicFilter: this.topic(`${logical}/${i + 1}`), qos })));
});

Then('the server answers {client} with a SUBACK code of its protocol version for each filter, or closes the connection', async function (this: MqttWorld, name: string) {
  await expectSubackOrClose(this, name);
});

Then('the server accepts the connection of {client} or refuses it with a CONNACK code of its protocol version, or closes it', async function (this: MqttWorld, name: string) {
  await expectConnackOfVersionOrClose(this, name);
});

When('{client} tries to publish a {int}-byte message to {topic} at QoS {qos}', async function (this: MqttWorld, name: string, size: number, topic: string, qos: QoS) {
  if (await overDeclaredLimit(this, name, size + Buffer.byteLength(topic) + 20)) return 'skipped';
  sendLargePublish(this, name, topic, size, qos);
  return undefined;
});

Then('the server acknowledges it with a code of its protocol version, or closes the connection of {client}', async function (this: MqttWorld, name: string) {
  await expectPublishAnswerOrClose(this, name);
});
