import type { ConnectPacket, PublishPacket } from '../../harness/codec/index.js';
import type { MqttWorld } from './world.js';

/** Session Expiry Interval (seconds) of an MQTT 5 persistent session: long enough for any scenario. */
export const PERSISTENT_SESSION_EXPIRY = 300;

/**
 * Connects `name` with the client identifier of `owner` and a session that outlives the
 * connection: CleanSession 0 (3.1, 3.1.1), or Clean Start 0 with a Session Expiry Interval (5.0).
 * Requires CONNACK 0x00; whether Session Present is set is other scenarios' business.
 */
export async function connectPersistent(world: MqttWorld, name: string, owner: string): Promise<void> {
  const packet: ConnectPacket = world.connectPacket(name, { clean: false, clientId: world.clientIdOf(owner) });
  if (world.version === 5) packet.properties = { ...packet.properties, sessionExpiryInterval: PERSISTENT_SESSION_EXPIRY };
  const client = await world.open(name);
  client.send(packet);
  await world.check(['MQTT-3.1.4-4', 'MQTT-3.1.2-4', 'MQTT-3.1.4-2', 'MQTT-3.2.0-1'], () => client.expectNext({ type: 'connack', reasonCode: 0 }));
}

/**
 * Waits for the PUBLISH of `payload` on `topic`, acknowledging every other PUBLISH on the topic
 * that arrives before it (a server with one delivery in flight sends nothing more until then).
 * Returns it, acknowledged.
 */
export async function receiveFirstDelivery(world: MqttWorld, name: string, topic: string, payload: string): Promise<PublishPacket> {
  for (;;) {
    const p = await world.receive(name, { type: 'publish', topic }, { hints: ['MQTT-4.5.0-1', 'MQTT-3.1.2-5', 'MQTT-3.3.1-3'] });
    if (p.payload.toString('utf8') === payload) return p;
  }
}
