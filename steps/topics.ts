import { Then, When } from './support/cucumber.js';
import type { QoS } from '../harness/codec/index.js';
import { ClientUsageError, matcher } from '../harness/client/index.js';
import { beyondPacketLimit, helperClient, listOf, oneOfTopics, sysBoundMs, topicOfLength, unescapeTopic } from './support/delivery.js';
import type { MqttWorld } from './support/world.js';

// Topic names and filters (MQTT 3.1.1 section 4.7, UTF-8 rules of 1.5.3): wildcard matching
// tables, topics written with escapes, very long topics, filters outside the namespace.

/** Publishes one message to each listed logical topic (payload: the logical topic), completing each flow. */
When('{client} publishes one message at QoS {qos} to each of the topics {string}', async function (this: MqttWorld, name: string, qos: QoS, list: string) {
  const topics = listOf(list);
  for (const logical of topics) await this.publish(name, this.topic(logical), logical, qos, false);
  this.notes.set(`each-topics:${name}`, topics);
  this.notes.set('each-topics:publisher', name);
});

/**
 * The client receives the message of each listed topic (any order) and none of the other topics
 * of the last "publishes one message ... to each of the topics" step. Absence is proven by a
 * marker the same publisher sends after them on a matched topic.
 */
Then('{client} receives exactly the messages on the topics {string}', async function (this: MqttWorld, name: string, list: string) {
  const hints = ['MQTT-3.3.2-3', 'MQTT-4.7.1-2', 'MQTT-4.7.1-3', 'MQTT-4.5.0-1'];
  const publisher = this.notes.get('each-topics:publisher');
  const published = typeof publisher === 'string' ? this.notes.get(`each-topics:${publisher}`) : undefined;
  if (typeof publisher !== 'string' || !Array.isArray(published)) throw new ClientUsageError('no "publishes one message ... to each of the topics" step before');
  const matched = listOf(list);
  for (const logical of matched) {
    if (!published.includes(logical)) throw new ClientUsageError(`${logical} was not among the published topics`);
    await this.receive(name, { type: 'publish', topic: this.topic(logical), payload: logical }, { hints });
  }
  const unmatched = (published as string[]).filter((t) => !matched.includes(t)).map((t) => this.topic(t));
  if (unmatched.length === 0) return;
  const forbidden = { type: 'publish' as const, topic: oneOfTopics(unmatched) };
  const first = matched[0];
  if (first === undefined) {
    await this.expectNoPublish(name, forbidden, hints);
    return;
  }
  const client = this.client(name);
  const markerTopic = this.topic(first);
  const marker = '~end of the topics';
  const qos = this.lastPublisher.get(markerTopic)?.qos ?? 1;
  await this.publish(publisher, markerTopic, marker, qos);
  const got = await this.check(hints, () => client.expectNone(forbidden, { until: { type: 'publish', topic: markerTopic, payload: marker } }));
  if (got?.type === 'publish') await this.acknowledge(name, got);
});

// ---- topics written with escapes (\uFEFF, \u{1F600}) -------------------------------------------

When('{client} subscribes to the escaped topic {string} at QoS {qos}', async function (this: MqttWorld, name: string, text: string, qos: QoS) {
  await this.subscribe(name, [{ topicFilter: this.topic(unescapeTopic(text)), qos }]);
});

When('{client} publishes {string} to the escaped topic {string} at QoS {qos}', async function (this: MqttWorld, name: string, payload: string, text: string, qos: QoS) {
  await this.publish(name, this.topic(unescapeTopic(text)), payload, qos, false);
});

/** The topic arrives exactly as published: same code points, so the same UTF-8 bytes [MQTT-1.5.3-3, MQTT-4.7.3-4]. */
Then('{client} receives {string} on the escaped topic {string}', async function (this: MqttWorld, name: string, payload: string, text: string) {
  const topic = this.topic(unescapeTopic(text));
  const bytes = Buffer.from(topic, 'utf8');
  await this.receive(
    name,
    { type: 'publish', topic: matcher(`the topic bytes <${bytes.toString('hex')}>`, (t: string) => Buffer.from(t, 'utf8').equals(bytes)), payload },
    { hints: ['MQTT-1.5.3-3', 'MQTT-4.7.3-4', 'MQTT-3.3.2-3'] },
  );
});

Then('{client} does not receive {string} on the escaped topic {string}', async function (this: MqttWorld, name: string, payload: string, text: string) {
  await this.expectNoPublish(name, { type: 'publish', topic: this.topic(unescapeTopic(text)), payload }, ['MQTT-4.7.3-4', 'MQTT-1.5.3-3', 'MQTT-3.3.2-3']);
});

// ---- long topics ---------------------------------------------------------------------------------

When('{client} subscribes to the {int}-byte topic {string} at QoS {qos}', async function (this: MqttWorld, name: string, bytes: number, logical: string, qos: QoS) {
  if (await beyondPacketLimit(this, bytes + 10)) return 'skipped';
  await this.subscribe(name, [{ topicFilter: topicOfLength(this, logical, bytes), qos }]);
  return undefined;
});

When('{client} publishes {string} to the {int}-byte topic {string} at QoS {qos}', async function (this: MqttWorld, name: string, payload: string, bytes: number, logical: string, qos: QoS) {
  await this.publish(name, topicOfLength(this, logical, bytes), payload, qos, false);
});

Then('{client} receives {string} on the {int}-byte topic {string}', async function (this: MqttWorld, name: string, payload: string, bytes: number, logical: string) {
  await this.receive(name, { type: 'publish', topic: topicOfLength(this, logical, bytes), payload }, { hints: ['MQTT-4.7.3-3'] });
});

// ---- filters outside the namespace and $-topics ----------------------------------------------------

/** A filter used exactly as written (`+/broker/#`, `#`): only for `$`-topic checks; `#` needs `@serial`. */
When('{client} subscribes to the filter {string} as written at QoS {qos}', async function (this: MqttWorld, name: string, filter: string, qos: QoS) {
  if (filter === '#' && !this.tags.includes('@serial')) throw new ClientUsageError('a scenario subscribing to "#" must be tagged @serial');
  await this.subscribe(name, [{ topicFilter: filter, qos }]);
});

/** Positive control: the broker has `$`-topics to match (retained ones arrive on subscription, others as published). */
Then('{client} receives a PUBLISH on a topic under {string}', async function (this: MqttWorld, name: string, prefix: string) {
  const timeoutMs = sysBoundMs(this);
  const p = await this.check(['MQTT-4.7.2-1'], () =>
    this.client(name).expect({ type: 'publish', topic: matcher(`a topic under ${prefix}`, (t: string) => t.startsWith(prefix)) }, { timeoutMs }),
  );
  this.notes.set('dollar-topic', p.topic);
});

/**
 * A `$` message published after this step starts (RETAIN 0: not a retained one replayed on
 * subscription). The server routed it to every matching subscription at once, so a barrier
 * published after it also proves that a live `$` message did not reach a wildcard subscriber.
 */
Then('{client} receives a newly published PUBLISH on a topic under {string}', async function (this: MqttWorld, name: string, prefix: string) {
  const client = this.client(name);
  client.take({ type: 'publish' });
  await this.check(['MQTT-4.7.2-1'], () =>
    client.expect({ type: 'publish', retain: false, topic: matcher(`a topic under ${prefix}`, (t: string) => t.startsWith(prefix)) }, { timeoutMs: sysBoundMs(this) }),
  );
});

/**
 * Subscribes to `+/<second level>/#` for the `$` topic seen last (`$SYS/broker/uptime` gives
 * `+/broker/#`): a filter that matches that topic but for the `$` rule, and matches nothing of
 * other scenarios. A marker topic it matches, in this scenario's namespace, is noted for the barrier.
 */
When('{client} subscribes to a filter of "+", the second level of that topic and "#"', async function (this: MqttWorld, name: string) {
  const topic = this.notes.get('dollar-topic');
  if (typeof topic !== 'string') throw new ClientUsageError('no "receives a PUBLISH on a topic under" step before');
  const second = topic.split('/')[1];
  if (second === undefined || second === '') throw new ClientUsageError(`the topic ${JSON.stringify(topic)} has no second level`);
  await this.subscribe(name, [{ topicFilter: `+/${second}/#`, qos: 0 }]);
  this.notes.set('dollar-marker-topic', this.topic(`{ns}/${second}/marker`));
});

Then('{client} receives a marker published to a topic that filter matches, with no PUBLISH on a topic beginning with $ before it', async function (this: MqttWorld, name: string) {
  const topic = this.notes.get('dollar-marker-topic');
  if (typeof topic !== 'string') throw new ClientUsageError('no "subscribes to a filter of "+", the second level of that topic" step before');
  await expectNoDollarBefore(this, name, 'marker', topic);
});

/**
 * [MQTT-4.7.2-1] no PUBLISH on a topic starting with `$` reaches the client before a marker the
 * helper publishes to `topic` (which the client's wildcard filter matches). Retained `$`
 * messages a wrong matcher would replay on subscription come before it.
 */
Then('{client} receives {string} published to {topic} with no PUBLISH on a topic beginning with $ before it', async function (this: MqttWorld, name: string, marker: string, topic: string) {
  await expectNoDollarBefore(this, name, marker, topic);
});

async function expectNoDollarBefore(world: MqttWorld, name: string, marker: string, topic: string): Promise<void> {
  const helper = await helperClient(world);
  await world.publish(helper, topic, marker, 1);
  const client = world.client(name);
  const got = await world.check(['MQTT-4.7.2-1'], () =>
    client.expectNone(
      { type: 'publish', topic: matcher('a topic beginning with $', (t: string) => t.startsWith('$')) },
      { until: { type: 'publish', topic, payload: marker } },
    ),
  );
  if (got?.type === 'publish') await world.acknowledge(name, got);
  // Later deliveries (other scenarios' traffic on "#") are not this scenario's business.
  client.take({ type: 'publish' });
}
