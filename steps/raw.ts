import { When } from './support/cucumber.js';
import type { PacketType } from '../harness/codec/index.js';
import { fromHex } from '../harness/codec/index.js';
import { ClientUsageError } from '../harness/client/index.js';
import type { MqttWorld } from './support/world.js';

/** Sends the bytes of the doc string (spaced hex, newlines and `#` comments ignored) as they are. */
When('{client} sends the bytes', function (this: MqttWorld, name: string, docString: string) {
  const hex = docString
    .split('\n')
    .map((line) => line.replace(/#.*$/, ''))
    .join(' ');
  this.sendRaw(name, fromHex(hex));
});

When('{client} sends the bytes {hex}', function (this: MqttWorld, name: string, bytes: Buffer) {
  this.sendRaw(name, bytes);
});

/** Packets without fields: PINGREQ, DISCONNECT. */
When('{client} sends {packetType}', function (this: MqttWorld, name: string, type: PacketType) {
  if (type !== 'pingreq' && type !== 'disconnect') {
    throw new ClientUsageError(`"sends ${type.toUpperCase()}" without fields is for PINGREQ and DISCONNECT`);
  }
  this.send(name, { type });
});

/** A second CONNECT on an established connection [MQTT-3.1.0-2]. */
When('{client} sends CONNECT again', function (this: MqttWorld, name: string) {
  this.send(name, this.connectPacket(name));
});
