/** MQTT 5.0 authentication steps: Authentication Method in CONNECT, AUTH packets. */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { DataTable, Then, When } from '@cucumber/cucumber';
import { encode, type AuthPacket } from '../harness/codec/index.js';
import { ClientUsageError, describePacket } from '../harness/client/index.js';
import type { MqttWorld } from './support/world.js';
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

const hmac = (key: Buffer, text: string | Buffer): Buffer => createHmac('sha256', key).update(text).digest();
const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();

/** One client-side SCRAM exchange: client-first, then client-final from the server-first, then the server signature check. */
class ScramExchange {
  readonly nonce = randomBytes(18).toString('base64');
  readonly firstBare: string;
  private signature: Buffer | undefined;
  constructor(
    username: string,
    private readonly password: string,
  ) {
    this.firstBare = `n=${username.replace(/=/g, '=3D').replace(/,/g, '=2C')},r=${this.nonce}`;
  }

  first(): Buffer {
    return Buffer.from(`n,,${this.firstBare}`);
  }

  /** The client-final message; `tamper` spoils the proof (a wrong password in effect). */
  final(serverFirst: Buffer, tamper = false): Buffer {
    const text = serverFirst.toString('utf8');
    const attrs = new Map(text.split(',').map((p) => [p.slice(0, 1), p.slice(2)] as const));
    const nonce = attrs.get('r') ?? '';
    const salt = Buffer.from(attrs.get('s') ?? '', 'base64');
    const iterations = Number(attrs.get('i') ?? '0');
    if (!nonce.startsWith(this.nonce) || salt.length === 0 || !(iterations > 0)) throw new ClientUsageError(`not a SCRAM server-first-message: ${JSON.stringify(text)}`);
    const salted = pbkdf2Sync(Buffer.from(this.password.normalize('NFKC')), salt, iterations, 32, 'sha256');
    const withoutProof = `c=${Buffer.from('n,,').toString('base64')},r=${nonce}`;
    const authMessage = `${this.firstBare},${text},${withoutProof}`;
    const clientKey = hmac(salted, 'Client Key');
    const signature = hmac(sha256(clientKey), authMessage);
    const proof = Buffer.from(clientKey.map((b, i) => b ^ (signature[i] ?? 0) ^ (tamper && i === 0 ? 1 : 0)));
    this.signature = hmac(hmac(salted, 'Server Key'), authMessage);
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`);
  }

  verify(serverFinal: Buffer | undefined): boolean {
    const text = (serverFinal ?? Buffer.alloc(0)).toString('utf8');
    return text.startsWith('v=') && this.signature !== undefined && Buffer.from(text.slice(2), 'base64').equals(this.signature);
  }
}

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
