import { Given, Then, When } from './support/cucumber.js';
import type { PublishPacket, QoS } from '../harness/codec/index.js';
import { describePacket } from '../harness/client/index.js';
import { connectPersistent, receiveFirstDelivery } from './support/sessions.js';
import type { MqttWorld } from './support/world.js';

// Sessions that outlive their connection, in every protocol version (CleanSession 0; in MQTT 5
// Clean Start 0 with a Session Expiry Interval), and the DUP flag of a message's first delivery
// on each path it can take (features/dup-first-delivery.feature).

Given('{client} is connected with a persistent session', async function (this: MqttWorld, name: string) {
  await connectPersistent(this, name, name);
});

/** Reconnects with the same client identifier and CleanSession (Clean Start) 0; CONNACK 0x00 required, Session Present not judged here. */
When('{client} resumes its session', async function (this: MqttWorld, name: string) {
  await connectPersistent(this, name, name);
});

/** A second connection with the client identifier of `other` while `other` may still be connected [MQTT-3.1.4-2]. */
When('{client} takes over the session of {client}', async function (this: MqttWorld, name: string, other: string) {
  await connectPersistent(this, name, other);
});

/**
 * The take-over is complete once the server has closed the existing connection [MQTT-3.1.4-2; 5.0:
 * MQTT-3.1.4-3]. Until then the server may still hand a new message to the old connection, and its
 * copy on the new one is then a re-delivery (DUP 1 right) even when the old socket closed before
 * the bytes left: a scenario about a first delivery after a take-over waits for this close.
 */
Then('the server closes the taken-over connection of {client}', async function (this: MqttWorld, name: string) {
  const client = this.client(name);
  await this.check(['MQTT-3.1.4-2', 'MQTT-3.1.4-3'], () => client.expectClosed());
});

/**
 * The first delivery of a message carries DUP 0 [MQTT-3.3.1-3, MQTT-4.3.2-1, MQTT-4.3.3-1]. Other
 * PUBLISH packets on the topic that come before it (re-sends of earlier messages, which have their
 * own rules and scenarios) are acknowledged and otherwise not judged.
 */
Then(
  '{client} receives {string} on {topic} at QoS {qos} with DUP 0, acknowledging what arrives before it',
  async function (this: MqttWorld, name: string, payload: string, topic: string, qos: QoS) {
    const p = await receiveFirstDelivery(this, name, topic, payload);
    // With DUP 1 this may be the re-delivery of a first delivery an earlier connection of the session got: that one is judged.
    const earlier = p.dup ? sentBeforeToSession(this, name, p) : undefined;
    const first = earlier ?? p;
    if (p.qos === qos && first.dup && earlier === undefined) {
      const unseen = connectionClosedByTheTest(this, name);
      if (unseen !== undefined) {
        // That connection may have got the first delivery (DUP 0) after the test stopped reading it.
        await this.markInconclusive(
          `${JSON.stringify(payload)} arrived with DUP 1, and the earlier connection "${unseen}" of the session was closed by the test before the server closed it: the server may have sent the message there first, unseen, so DUP 1 cannot be judged`,
        );
        return;
      }
    }
    if (p.qos !== qos || first.dup) {
      this.fail(
        ['MQTT-3.3.1-3', 'MQTT-4.3.2-1', 'MQTT-4.3.2-2', 'MQTT-4.3.3-1', 'MQTT-4.3.3-2', 'MQTT-3.3.1-1'],
        `the first delivery of ${JSON.stringify(payload)} on ${topic} at QoS ${qos} with DUP 0`,
        `${describePacket(first)}${earlier ? ' (on an earlier connection of the session)' : ''}`,
      );
    }
  },
);

/**
 * The copy of this PUBLISH the server already sent (topic, payload, packet identifier) to an earlier
 * connection of the same session (same client identifier) than `name`'s, if any: then the copy
 * `name` got is a re-delivery and DUP 1 is right [MQTT-3.3.1-1]. A server that still delivers to the
 * old connection while a take-over is under way (the new one already has its CONNACK) does so.
 */
function sentBeforeToSession(world: MqttWorld, name: string, p: PublishPacket): PublishPacket | undefined {
  const current = world.client(name);
  const id = world.clientIdOfConnection(current);
  if (id === undefined) return undefined;
  for (const c of world.connections) {
    if (c === current || world.clientIdOfConnection(c) !== id) continue;
    const copy = c.received.find((x): x is PublishPacket => x.type === 'publish' && x.topic === p.topic && x.packetId === p.packetId && x.payload.equals(p.payload));
    if (copy) return copy;
  }
  return undefined;
}

/**
 * The name of an earlier connection of `name`'s session (same client identifier) that the test
 * closed before the server did (a bound passed, or the scenario dropped it), if any: the server may
 * have sent it packets the test never read.
 */
function connectionClosedByTheTest(world: MqttWorld, name: string): string | undefined {
  const current = world.client(name);
  const id = world.clientIdOfConnection(current);
  if (id === undefined) return undefined;
  return world.connections.find((c) => c !== current && world.clientIdOfConnection(c) === id && c.closedBy === 'client')?.name;
}

/**
 * The message arrives; any other PUBLISH on the topic before it is acknowledged and not judged
 * (so a scenario about one rule does not fail for another, e.g. a message that should have been
 * discarded but was sent, which holds a Receive Maximum slot until acknowledged).
 */
Then('{client} receives {string} on {topic}, acknowledging whatever arrives before it', async function (this: MqttWorld, name: string, payload: string, topic: string) {
  await receiveFirstDelivery(this, name, topic, payload);
});
