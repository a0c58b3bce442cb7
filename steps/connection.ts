import { type DataTable, Given, When } from './support/cucumber.js';
import type { QoS } from '../harness/codec/index.js';
import { connectOptionsFromTable } from './support/tables.js';
import { randomAlnum, type MqttWorld } from './support/world.js';

Given('{client} is connected', async function (this: MqttWorld, name: string) {
  await this.connect(name);
});

Given('{client} is connected with CleanSession {flag}', async function (this: MqttWorld, name: string, clean: boolean) {
  await this.connect(name, { clean });
});

Given('{client} is connected with Keep Alive {int} second(s)', async function (this: MqttWorld, name: string, keepalive: number) {
  await this.connect(name, { keepalive });
});

Given('{client} is connected with the will {string} on {topic} at QoS {qos}', async function (this: MqttWorld, name: string, payload: string, topic: string, qos: QoS) {
  await this.connect(name, { will: { topic, payload: Buffer.from(payload), qos, retain: false } });
});

Given('{client} is connected with the retained will {string} on {topic} at QoS {qos}', async function (this: MqttWorld, name: string, payload: string, topic: string, qos: QoS) {
  await this.connect(name, { will: { topic, payload: Buffer.from(payload), qos, retain: true } });
});

Given('{client} is connected with:', async function (this: MqttWorld, name: string, table: DataTable) {
  await this.connect(name, connectOptionsFromTable(this, table));
});

When('{client} connects', async function (this: MqttWorld, name: string) {
  await this.sendConnect(name);
});

When('{client} connects with CleanSession {flag}', async function (this: MqttWorld, name: string, clean: boolean) {
  await this.sendConnect(name, { clean });
});

When('{client} reconnects with CleanSession {flag}', async function (this: MqttWorld, name: string, clean: boolean) {
  await this.sendConnect(name, { clean });
});

When('{client} connects with:', async function (this: MqttWorld, name: string, table: DataTable) {
  await this.sendConnect(name, connectOptionsFromTable(this, table));
});

When('{client} connects with the client identifier of {client}', async function (this: MqttWorld, name: string, other: string) {
  await this.sendConnect(name, { clientId: this.clientIdOf(other) });
});

When('{client} connects with the client identifier of {client} and CleanSession {flag}', async function (this: MqttWorld, name: string, other: string, clean: boolean) {
  await this.sendConnect(name, { clientId: this.clientIdOf(other), clean });
});

When('{client} connects with an empty client identifier and CleanSession {flag}', async function (this: MqttWorld, name: string, clean: boolean) {
  await this.sendConnect(name, { clientId: '', clean });
});

When('{client} connects with a {int}-character client identifier', async function (this: MqttWorld, name: string, length: number) {
  await this.sendConnect(name, { clientId: randomAlnum(length) });
});

When('{client} disconnects', async function (this: MqttWorld, name: string) {
  const client = this.client(name);
  this.send(name, { type: 'disconnect' });
  client.end();
  // The server closes after reading DISCONNECT and our FIN; once it has, it has processed them.
  if (!(await client.waitClosed(this.timeoutMs))) client.destroy();
});

When('{client} closes the network connection without sending DISCONNECT', async function (this: MqttWorld, name: string) {
  const client = this.client(name);
  client.end();
  // The server's close proves it saw the connection end (and, say, published the will). Past the
  // bound the test closes it itself (closedBy 'client'): what the server sent there afterwards is
  // unseen, which the first-delivery rule takes into account (steps/first-delivery.ts).
  if (!(await client.waitClosed(this.timeoutMs))) client.destroy();
});

When('{client} drops the network connection', function (this: MqttWorld, name: string) {
  this.client(name).destroy();
});

/** A network failure as the server sees it: a TCP reset, no DISCONNECT, no FIN. */
When('the network connection of {client} is reset', function (this: MqttWorld, name: string) {
  this.client(name).reset();
});

When('{client} opens a network connection', async function (this: MqttWorld, name: string) {
  await this.open(name);
});

/** Keeps the connection alive with PINGREQs every `interval` ms for `total` ms; each must be answered [MQTT-3.12.4-1]. */
When('{client} sends PINGREQ every {int} ms for {int} ms', async function (this: MqttWorld, name: string, interval: number, total: number) {
  const client = this.client(name);
  for (let elapsed = 0; elapsed < total; elapsed += interval) {
    await new Promise((r) => setTimeout(r, interval));
    await this.check(['MQTT-3.12.4-1', 'MQTT-3.1.2-24'], async () => {
      client.send({ type: 'pingreq' });
      await client.expect({ type: 'pingresp' });
    });
  }
});
