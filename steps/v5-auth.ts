/** MQTT 5.0 authentication steps: Authentication Method in CONNECT, AUTH packets. */
import { type DataTable, Then, When } from './support/cucumber.js';
import { encode, type AuthPacket } from '../harness/codec/index.js';
import { ClientUsageError, describePacket } from '../harness/client/index.js';
import type { MqttWorld } from './support/world.js';
import { ScramExchange } from './v5-scram.js';
import { checkCode, connectFromRows, expectConnack, hex2, sendConnect5, tableRows } from './v5-support.js';

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

// ---- SCRAM-SHA-256 (RFC 5802 / RFC 7677), the client side, for enhanced authentication scenarios ----

const METHOD = 'SCRAM-SHA-256';

function credentials(world: MqttWorld): { username: string; password: string } {
  const valid = world.target.capabilities.auth?.valid;
  if (!valid) throw new ClientUsageError('enhanced authentication scenarios need capabilities.auth (tag them @needs:enhanced-auth)');
  return valid;
}

function scramOf(world: MqttWorld, name: string): ScramExchange {
  const s = world.notes.get(`scram:${name}`);
  if (!(s instanceof ScramExchange)) throw new ClientUsageError(`"${name}" started no SCRAM exchange`);
  return s;
}

/** An AUTH from the server: defined reason code [MQTT-3.15.2-1], 0x18 to continue [MQTT-4.12.0-2], the CONNECT's method [MQTT-4.12.0-5]. */
async function expectAuth(world: MqttWorld, name: string, reasonCode: number): Promise<AuthPacket> {
  const client = world.client(name);
  const auth = await world.check(['MQTT-4.12.0-2', 'MQTT-4.12.0-5'], () => client.expect({ type: 'auth' }));
  checkCode(world, 'auth', auth.reasonCode, ['MQTT-3.15.2-1']);
  if ((auth.reasonCode ?? 0) !== reasonCode) world.fail(['MQTT-4.12.0-2', 'MQTT-3.15.2-1'], `AUTH ${hex2(reasonCode)}`, describePacket(auth));
  if (auth.properties?.authenticationMethod !== METHOD) world.fail(['MQTT-4.12.0-5'], `AUTH with Authentication Method ${METHOD}`, describePacket(auth));
  return auth;
}

When('{client} connects with SCRAM-SHA-256, the valid credentials and the properties:', async function (this: MqttWorld, name: string, table: DataTable) {
  const { username, password } = credentials(this);
  const scram = new ScramExchange(username, password);
  this.notes.set(`scram:${name}`, scram);
  const packet = connectFromRows(this, name, tableRows(table));
  packet.properties = { ...packet.properties, authenticationMethod: METHOD, authenticationData: scram.first() };
  await sendConnect5(this, name, packet);
});

/** The server's challenge (AUTH 0x18 with the server-first message), answered with the client-final message (proof spoiled when told). */
When('{client} answers the server\'s SCRAM challenge with the {word} proof', async function (this: MqttWorld, name: string, which: string) {
  const auth = await expectAuth(this, name, 0x18);
  const data = auth.properties?.authenticationData;
  if (!data) this.fail(['MQTT-4.12.0-2'], 'AUTH 0x18 with the SCRAM server-first message as Authentication Data', describePacket(auth));
  const final = scramOf(this, name).final(data, which === 'wrong');
  this.client(name).send({ type: 'auth', reasonCode: 0x18, properties: { authenticationMethod: METHOD, authenticationData: final } });
});

/** CONNACK 0x00 naming the CONNECT's method [MQTT-4.12.0-5], with a server-final message that proves the server knew the credential. */
Then('{client} receives CONNACK 0x00 proving the server knows the SCRAM credential', async function (this: MqttWorld, name: string) {
  const connack = await expectConnack(this, name, ['MQTT-4.12.0-5']);
  if (connack.reasonCode !== 0) this.fail(['MQTT-4.12.0-5'], 'CONNACK 0x00', describePacket(connack));
  if (connack.properties?.authenticationMethod !== METHOD) this.fail(['MQTT-4.12.0-5'], `CONNACK with Authentication Method ${METHOD}`, describePacket(connack));
  if (!scramOf(this, name).verify(connack.properties.authenticationData)) this.fail(['MQTT-4.12.0-5'], 'the SCRAM server-final message (v=<server signature>)', describePacket(connack));
});

/** Re-authentication: AUTH 0x19 with the method (or another, to break MQTT-4.12.1-1) and a new client-first message. */
When('{client} starts re-authentication with Authentication Method {string}', function (this: MqttWorld, name: string, method: string) {
  const { username, password } = credentials(this);
  const scram = new ScramExchange(username, password);
  this.notes.set(`scram:${name}`, scram);
  this.client(name).send({ type: 'auth', reasonCode: 0x19, properties: { authenticationMethod: method, authenticationData: scram.first() } });
});

/** Re-authentication success: AUTH 0x00 with the method [MQTT-4.12.0-5] and the server-final message. */
Then('{client} receives AUTH 0x00 proving the server knows the SCRAM credential', async function (this: MqttWorld, name: string) {
  const auth = await expectAuth(this, name, 0x00);
  if (!scramOf(this, name).verify(auth.properties?.authenticationData)) this.fail(['MQTT-4.12.0-5'], 'the SCRAM server-final message (v=<server signature>)', describePacket(auth));
});
