import { Then, When } from './support/cucumber.js';
import type { QoS } from '../harness/codec/index.js';
import { ClientUsageError, ExpectationError, describePacket, mismatch } from '../harness/client/index.js';
import { helperClient, subackCodeMatchers, subscribeAndSuback } from './support/delivery.js';
import type { MqttWorld } from './support/world.js';

// SUBSCRIBE/UNSUBSCRIBE steps beyond subscription.ts: chosen packet identifiers, several filters
// in one packet, and checks that the return codes of a SUBACK apply to the filters in order.

When(
  '{client} sends SUBSCRIBE with packet identifier {int} for {topic} at QoS {qos}',
  function (this: MqttWorld, name: string, packetId: number, topicFilter: string, qos: QoS) {
    this.client(name).send({ type: 'subscribe', packetId, subscriptions: [{ topicFilter, qos }] });
    this.notes.set(`subscribe:${name}`, packetId);
  },
);

When('{client} sends UNSUBSCRIBE with packet identifier {int} for {topic}', function (this: MqttWorld, name: string, packetId: number, filter: string) {
  this.client(name).send({ type: 'unsubscribe', packetId, topicFilters: [filter] });
  this.notes.set(`unsubscribe:${name}`, packetId);
});

/** One UNSUBSCRIBE naming both filters; one UNSUBACK with its packet identifier [MQTT-3.10.4-6]. */
When('{client} unsubscribes from {topic} and {topic} in one UNSUBSCRIBE', async function (this: MqttWorld, name: string, a: string, b: string) {
  await this.unsubscribe(name, [a, b]);
});

function lastSubscribeId(world: MqttWorld, name: string): number {
  const packetId = world.notes.get(`subscribe:${name}`);
  if (typeof packetId !== 'number') throw new ClientUsageError(`"${name}" sent no SUBSCRIBE through a "sends SUBSCRIBE" step`);
  return packetId;
}

/**
 * Each return code of the SUBACK applies to the filter in the same position [MQTT-3.9.3-1,
 * MQTT-3.8.4-4]: a message published at QoS 2 to each granted filter (filters without
 * wildcards) reaches the client at exactly the QoS granted there [MQTT-3.8.4-6]. Against a
 * target declaring a maximum QoS of 1 that granted no QoS 2 the messages go at QoS 1, which still
 * shows every grant, and its handling of QoS 2 PUBLISH is judged by qos2.feature,
 * not here.
 */
async function checkGrantsApply(world: MqttWorld, name: string): Promise<void> {
  const hints = ['MQTT-3.9.3-1', 'MQTT-3.8.4-4', 'MQTT-3.8.4-6'];
  const { subscribe, suback } = subscribeAndSuback(world, name, lastSubscribeId(world, name));
  if (!suback) throw new ClientUsageError(`"${name}" has not received the SUBACK yet: check it with a "receives SUBACK" step first`);
  const helper = await helperClient(world);
  const publishQoS: QoS = world.target.capabilities.maxQoS >= 2 || suback.reasonCodes.includes(2) ? 2 : 1;
  for (const [i, s] of subscribe.subscriptions.entries()) {
    const code = suback.reasonCodes[i];
    if (code === undefined || code > 2 || /[+#]/.test(s.topicFilter)) continue;
    const payload = `filter ${i + 1} granted QoS ${code}`;
    await world.publish(helper, s.topicFilter, payload, publishQoS);
    await world.receive(name, { type: 'publish', topic: s.topicFilter, payload, qos: code as QoS }, { hints });
  }
}

Then('messages published at QoS 2 to each filter of that SUBSCRIBE reach {client} at the QoS its SUBACK granted', async function (this: MqttWorld, name: string) {
  await checkGrantsApply(this, name);
});

/**
 * A SUBSCRIBE holding an invalid filter: the server answers with these return codes (0x80 where
 * the filter is invalid) or, the filter being a protocol violation, closes the connection.
 */
Then('the server either answers {client} with SUBACK return codes {string} or closes the connection', async function (this: MqttWorld, name: string, codes: string) {
  const client = this.client(name);
  const packetId = lastSubscribeId(this, name);
  const hints = ['MQTT-3.8.4-4', 'MQTT-3.9.3-1', 'MQTT-4.7.1-2', 'MQTT-4.7.1-3', 'MQTT-4.8.0-1'];
  const pattern = subackCodeMatchers(codes);
  let suback;
  try {
    suback = await client.expect({ type: 'suback', packetId });
  } catch (e) {
    if (!(e instanceof ExpectationError)) throw e;
    if (client.closedBy !== 'server') throw e.withContext(this.rule(hints), this.trace.entries);
    this.notes.set(`closed:${name}`, true);
    return;
  }
  const m = mismatch(pattern, suback.reasonCodes);
  if (m !== undefined) this.fail(hints, `SUBACK return codes ${codes}, or a close`, `${describePacket(suback)} (${m})`);
  this.notes.set(`closed:${name}`, false);
});

Then(
  'if {client} is still connected, messages published at QoS 2 to each filter it was granted reach it at that QoS',
  async function (this: MqttWorld, name: string) {
    if (this.notes.get(`closed:${name}`) === true) return;
    await checkGrantsApply(this, name);
  },
);
