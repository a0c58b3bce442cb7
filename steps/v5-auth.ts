/** MQTT 5.0 authentication steps: Authentication Method in CONNECT, AUTH packets. */
import { When } from '@cucumber/cucumber';
import { encode } from '../harness/codec/index.js';
import type { MqttWorld } from './support/world.js';
import { connectFromRows } from './v5-support.js';

/** A CONNECT naming a method no server knows, pipelined with a retained PUBLISH in one write [MQTT-3.1.4-6]. */
When(
  '{client} sends a CONNECT with an unknown Authentication Method followed by a retained PUBLISH of {string} to {topic}',
  function (this: MqttWorld, name: string, payload: string, topic: string) {
    const connect = connectFromRows(this, name, [['Authentication Method', 'x-conformance-unknown-method']]);
    const publish = encode({ type: 'publish', topic, payload: Buffer.from(payload), qos: 0, retain: true, dup: false }, 5);
    this.notes.set(`connect5:${name}`, connect);
    this.client(name).sendRaw(Buffer.concat([encode(connect, 5), publish]));
  },
);

/** AUTH (reason code 0x19 Re-authenticate) although the CONNECT had no Authentication Method [MQTT-4.12.0-7]. */
When('{client} sends AUTH with reason code {returnCode} and Authentication Method {string}', function (this: MqttWorld, name: string, reasonCode: number, method: string) {
  this.client(name).send({ type: 'auth', reasonCode, properties: { authenticationMethod: method } });
});
