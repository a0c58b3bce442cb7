import { Then } from './support/cucumber.js';
import { matcher } from '../harness/client/index.js';
import { helperClient } from './support/delivery.js';
import type { MqttWorld } from './support/world.js';

// Retained messages (MQTT 3.1.1 section 3.3.1.3). Most retain checks use the PUBLISH
// expectations of expect.ts (`with RETAIN 1 and payload "x"`); this file holds the ones where the
// spec lets the server choose.

/**
 * [MQTT-3.3.1-7] after a retained QoS 0 message the server may keep it or drop it at any time,
 * but never keeps what was retained before: the client gets at most the allowed message, with
 * RETAIN 1, and nothing else retained on the topic. A marker the helper publishes on the topic
 * after the subscription bounds the replay.
 */
Then('{client} receives no retained message on {topic} other than {string}', async function (this: MqttWorld, name: string, topic: string, allowed: string) {
  const hints = ['MQTT-3.3.1-7', 'MQTT-3.3.1-5', 'MQTT-3.3.1-6'];
  const helper = await helperClient(this);
  const marker = '~after the retained messages';
  await this.publish(helper, topic, marker, 1);
  const client = this.client(name);
  const other = matcher<Buffer>(`a payload other than ${JSON.stringify(allowed)}`, (p) => !p.equals(Buffer.from(allowed)) && !p.equals(Buffer.from(marker)));
  const got = await this.check(hints, () => client.expectNone({ type: 'publish', topic, payload: other }, { until: { type: 'publish', topic, payload: marker } }));
  if (got?.type === 'publish') await this.acknowledge(name, got);
  const kept = client.take({ type: 'publish', topic, payload: allowed });
  for (const p of kept) {
    if (!p.retain) this.fail(['MQTT-3.3.1-8'], `${JSON.stringify(allowed)} with RETAIN 1 (sent because of the new subscription)`, 'RETAIN 0');
    await this.acknowledge(name, p);
  }
  if (kept.length > 1) this.fail(hints, `at most one retained ${JSON.stringify(allowed)}`, `${kept.length} copies`);
});
