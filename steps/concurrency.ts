import { type DataTable, Then, When } from './support/cucumber.js';
import { ClientUsageError } from '../harness/client/index.js';
import {
  checkEveryAcknowledgedDelivered,
  checkNoQoS2Twice,
  checkPublisherOrder,
  collect,
  publishersFinished,
  startPublishers,
  type StreamSpec,
} from './support/concurrency.js';
import type { MqttWorld } from './support/world.js';

// Delivery guarantees under concurrency (features/delivery-concurrency.feature): publishers
// pipelining hundreds of QoS 1 and QoS 2 messages at once, subscribers holding deliveries
// unacknowledged and resuming their session in the middle. One step collects, and each Then
// step judges one rule on what was collected (helpers in support/concurrency.ts).

/** Rows `publisher | messages | qos | topic`; every publisher named must be connected. */
When('these publishers send, pipelined without waiting for acknowledgements:', function (this: MqttWorld, table: DataTable) {
  const specs: StreamSpec[] = table.hashes().map((row) => {
    const qos = Number(row.qos);
    if (qos !== 0 && qos !== 1 && qos !== 2) throw new ClientUsageError(`qos must be 0, 1 or 2, got ${JSON.stringify(row.qos)}`);
    if (row.publisher === undefined || row.topic === undefined) throw new ClientUsageError('columns: publisher | messages | qos | topic');
    return { publisher: row.publisher, count: Number(row.messages), qos, topic: this.topic(row.topic) };
  });
  startPublishers(this, specs);
});

When('{client} receives them, holding up to {int} deliveries unacknowledged', async function (this: MqttWorld, name: string, hold: number) {
  await collect(this, name, hold);
  await publishersFinished(this);
});

/**
 * Several subscribers read at the same time, as the clients of a real application do: each holds
 * its own acknowledgements back. Read one after the other, a subscriber that waits for a message
 * the server never sends (the bound of `collect`) would make the next one wait its bound again
 * afterwards, and would acknowledge none of that one's deliveries meanwhile.
 */
When(
  '{client} and {client} receive them at the same time, holding up to {int} and {int} deliveries unacknowledged',
  async function (this: MqttWorld, first: string, second: string, firstHold: number, secondHold: number) {
    const collecting = await Promise.allSettled([collect(this, first, firstHold), collect(this, second, secondHold)]);
    for (const c of collecting) if (c.status === 'rejected') throw c.reason;
    await publishersFinished(this);
  },
);

When(
  '{client} receives them, holding up to {int} deliveries unacknowledged, and drops and resumes its session after {int} of them',
  async function (this: MqttWorld, name: string, hold: number, after: number) {
    await collect(this, name, hold, after);
    await publishersFinished(this);
  },
);

/** Nothing acknowledged to a publisher and then dropped: QoS 1 at least once, QoS 2 at least once [MQTT-4.5.0-1]. */
Then('{client} got every message the server acknowledged to its publisher', function (this: MqttWorld, name: string) {
  checkEveryAcknowledgedDelivered(this, name, ['MQTT-4.5.0-1', 'MQTT-3.1.2-5', 'MQTT-4.4.0-1', 'MQTT-4.3.2-1']);
});

/** Exactly once, the "at most" half: no QoS 2 message passed on twice, identified by payload. */
Then('{client} got no QoS 2 message twice', function (this: MqttWorld, name: string) {
  checkNoQoS2Twice(this, name, ['MQTT-4.3.3-1', 'MQTT-4.4.0-1', 'MQTT-4.3.3-2', 'MQTT-4.3.3-10']);
});

Then('{client} got the messages of each publisher in the order they were sent', function (this: MqttWorld, name: string) {
  checkPublisherOrder(this, name, ['MQTT-4.6.0-6', 'MQTT-4.6.0-5']);
});
