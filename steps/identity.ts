import { Then } from './support/cucumber.js';
import { describePacket } from '../harness/client/index.js';
import { listOf, unescapeTopic } from './support/delivery.js';
import type { MqttWorld } from './support/world.js';

// Topic identity (features/topic-identity.feature): topic names are compared byte for byte.

/**
 * The client's next PUBLISH packets are exactly these payloads, in this order, each on the topic
 * written (same UTF-8 bytes), each acknowledged as it arrives. The last one listed is a marker the
 * same publisher sent last on that topic at the same QoS, so a message routed here from a
 * look-alike topic (published before the marker) would show up among them [MQTT-4.6.0-6].
 */
Then('{client} receives exactly the messages {string} on the escaped topic {string}', async function (this: MqttWorld, name: string, list: string, text: string) {
  const hints = ['MQTT-4.7.3-4', 'MQTT-3.3.2-3', 'MQTT-1.5.3-3'];
  const topic = Buffer.from(this.topic(unescapeTopic(text)), 'utf8');
  const client = this.client(name);
  const got: string[] = [];
  for (const payload of listOf(list)) {
    const p = await this.check(hints, () => client.expectNext({ type: 'publish' }));
    await this.acknowledge(name, p);
    got.push(describePacket(p));
    if (!Buffer.from(p.topic, 'utf8').equals(topic) || p.payload.toString('utf8') !== payload) {
      this.fail(hints, `the messages ${list} in that order, each on the topic <${topic.toString('hex')}>`, `${got.join('; ')} (topic <${Buffer.from(p.topic, 'utf8').toString('hex')}>)`);
    }
  }
});
