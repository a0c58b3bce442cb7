/** MQTT 5.0 connection steps: CONNECT with properties, CONNACK checks, server-side closes. */
import { type DataTable, Given, Then, When, defineParameterType } from './support/cucumber.js';
import type { ConnectPacket, Properties } from '../harness/codec/index.js';
import { describePacket } from '../harness/client/index.js';
import type { MqttWorld } from './support/world.js';
import {
  checkDisconnects,
  connectFromRows,
  connect5,
  connackOf,
  expectConnack,
  expectRefusedConnect,
  expectServerClose,
  notApplicable,
  parseCodes,
  propertyKey,
  sendConnect5,
  tableRows,
} from './v5-support.js';

/** `{codes}`: `0x82`, `0x81 or 0x82`, or `any` (any defined code >= 0x80). */
defineParameterType({
  name: 'codes',
  regexp: /any|0x[0-9a-fA-F]{2}(?:(?:,| or) 0x[0-9a-fA-F]{2})*/,
  transformer: (s: string): number[] | 'any' => parseCodes(s),
  useForSnippets: false,
});

Given('{client} is connected with the properties:', async function (this: MqttWorld, name: string, table: DataTable) {
  await connect5(this, name, connectFromRows(this, name, tableRows(table)));
});

Given('{client} is connected with Session Expiry Interval {int}', async function (this: MqttWorld, name: string, seconds: number) {
  await connect5(this, name, connectFromRows(this, name, [['Session Expiry Interval', String(seconds)]]));
});

When('{client} connects with the properties:', async function (this: MqttWorld, name: string, table: DataTable) {
  await sendConnect5(this, name, connectFromRows(this, name, tableRows(table)));
});

When('{client} reconnects with Clean Start {flag} and Session Expiry Interval {int}', async function (this: MqttWorld, name: string, clean: boolean, seconds: number) {
  const packet = connectFromRows(this, name, [['Session Expiry Interval', String(seconds)]]);
  packet.clean = clean;
  await sendConnect5(this, name, packet);
});

When('{client} connects with the client identifier assigned to {client}', async function (this: MqttWorld, name: string, other: string) {
  const assigned = connackOf(this, other).properties?.assignedClientIdentifier;
  if (assigned === undefined) return notApplicable(this, `the server assigned "${other}" no client identifier`);
  await sendConnect5(this, name, connectFromRows(this, name, [['client identifier', assigned]]));
  return undefined;
});

/** DISCONNECT with a reason code, FIN, and a bounded wait for the server's close. */
When('{client} disconnects with reason code {returnCode}', async function (this: MqttWorld, name: string, reasonCode: number) {
  const client = this.client(name);
  client.send({ type: 'disconnect', reasonCode });
  client.end();
  if (!(await client.waitClosed(this.timeoutMs))) client.destroy();
});

/** DISCONNECT 0x00 that sets the Session Expiry Interval the session has from now on (5.0 §3.14.2.2.2), FIN, and a bounded wait for the close. */
When('{client} disconnects with Session Expiry Interval {int}', async function (this: MqttWorld, name: string, seconds: number) {
  const client = this.client(name);
  client.send({ type: 'disconnect', reasonCode: 0, properties: { sessionExpiryInterval: seconds } });
  client.end();
  if (!(await client.waitClosed(this.timeoutMs))) client.destroy();
});

// ---- CONNACK ---------------------------------------------------------------------------------

Then('{client} receives CONNACK with reason code {codes}', async function (this: MqttWorld, name: string, want: number[] | 'any') {
  const codes = want === 'any' ? 'any >= 0x80' : want.map((c) => `0x${c.toString(16)}`).join(' or ');
  const connack = await expectConnack(this, name, []);
  const ok = want === 'any' ? connack.reasonCode >= 0x80 : want.includes(connack.reasonCode);
  if (!ok) this.fail([], `CONNACK ${codes}`, describePacket(connack));
});

Then('{client} receives CONNACK 0x00 with Session Present {flag}', async function (this: MqttWorld, name: string, sessionPresent: boolean) {
  const connack = await expectConnack(this, name, ['MQTT-3.1.4-5', 'MQTT-3.2.2-2', 'MQTT-3.2.2-3']);
  if (connack.reasonCode !== 0 || connack.sessionPresent !== sessionPresent) {
    this.fail(['MQTT-3.2.2-3', 'MQTT-3.2.2-2', 'MQTT-3.1.2-5', 'MQTT-3.1.2-6', 'MQTT-3.1.2-4'], `CONNACK 0x00 with Session Present ${sessionPresent ? 1 : 0}`, describePacket(connack));
  }
});

Then('the CONNACK to {client} has no {string}', function (this: MqttWorld, name: string, property: string) {
  const key = propertyKey(property);
  const props = connackOf(this, name).properties as Record<string, unknown> | undefined;
  if (props?.[key] !== undefined) this.fail([], `a CONNACK without ${property}`, `${property} ${JSON.stringify(props[key])}`);
});

Then('the CONNACK to {client} has an Assigned Client Identifier', function (this: MqttWorld, name: string) {
  const id = connackOf(this, name).properties?.assignedClientIdentifier;
  if (id === undefined || id === '') this.fail(['MQTT-3.2.2-16', 'MQTT-3.1.3-7'], 'CONNACK with a non-empty Assigned Client Identifier', describePacket(connackOf(this, name)));
});

/**
 * A zero-length client identifier: the server MAY accept it [MQTT-3.1.3-6] and then must assign
 * an identifier no other session uses [MQTT-3.2.2-16, MQTT-3.1.3-7], or refuse with 0x85
 * [MQTT-3.1.3-8] and close.
 */
Then(
  'the server either assigns {client} and {client} distinct client identifiers or refuses each with CONNACK 0x85',
  async function (this: MqttWorld, a: string, b: string) {
    const ids: string[] = [];
    for (const name of [a, b]) {
      const connack = await expectConnack(this, name, ['MQTT-3.1.3-6', 'MQTT-3.1.3-8']);
      if (connack.reasonCode === 0x85) continue;
      if (connack.reasonCode !== 0) this.fail(['MQTT-3.1.3-6', 'MQTT-3.1.3-8'], 'CONNACK 0x00 with an Assigned Client Identifier, or CONNACK 0x85', describePacket(connack));
      const id = connack.properties?.assignedClientIdentifier;
      if (id === undefined || id === '') this.fail(['MQTT-3.2.2-16', 'MQTT-3.1.3-7'], 'CONNACK 0x00 with an Assigned Client Identifier', describePacket(connack));
      ids.push(id);
    }
    if (ids.length === 2 && ids[0] === ids[1]) this.fail(['MQTT-3.2.2-16'], 'two distinct Assigned Client Identifiers', `both ${JSON.stringify(ids[0])}`);
  },
);

Then('the server either accepts the connection of {client} or refuses it with CONNACK 0x85', async function (this: MqttWorld, name: string) {
  const connack = await expectConnack(this, name, ['MQTT-3.1.3-8', 'MQTT-3.1.3-5']);
  if (connack.reasonCode !== 0 && connack.reasonCode !== 0x85) this.fail(['MQTT-3.1.3-8'], 'CONNACK 0x00, or CONNACK 0x85 then the close', describePacket(connack));
});

// ---- closes ----------------------------------------------------------------------------------

/** Section 4.13: DISCONNECT with a reason code before the close is allowed, not required. */
Then('the server closes the connection of {client}, optionally after DISCONNECT {codes}', async function (this: MqttWorld, name: string, codes: number[] | 'any') {
  await expectServerClose(this, name, codes, this.statements);
});

/** Before a successful CONNACK: the close, optionally after a refusal CONNACK; never DISCONNECT [MQTT-3.14.0-1]. */
Then('the server refuses the connection of {client}, optionally with CONNACK {codes}', async function (this: MqttWorld, name: string, codes: number[] | 'any') {
  await expectRefusedConnect(this, name, codes, this.statements);
});

/** The server's Keep Alive is the one that counts when the CONNACK carries one [MQTT-3.2.2-22]. */
Then('the server closes the connection of {client} within 1.5 times its Keep Alive', async function (this: MqttWorld, name: string) {
  const connack = connackOf(this, name);
  const asked = (this.notes.get(`connect5:${name}`) as ConnectPacket | undefined)?.keepalive ?? 60;
  const keepalive = connack.properties?.serverKeepAlive ?? asked;
  if (keepalive === 0) return notApplicable(this, 'the server set Server Keep Alive 0 (no keep-alive timeout)');
  if (keepalive > 10) return notApplicable(this, `the server set Server Keep Alive ${keepalive} s: too long to wait for`);
  const client = this.client(name);
  // Servers keep time in whole seconds and check timers from an event loop: 10 s tolerance
  // (Mosquitto 2.0.11 closes an MQTT 5 Keep Alive 1 client after about 6.5 to 7 s).
  await this.check(['MQTT-3.1.2-22', 'MQTT-3.2.2-22'], () => client.expectClosed({ timeoutMs: keepalive * 1500 + 10_000 }));
  checkDisconnects(this, client, [0x8d], ['MQTT-3.1.2-22']);
  return undefined;
});

/** Reads a declared server limit; the scenario is not applicable when the server declared none that applies. */
Then('the CONNACK to {client} declares {string}, else the scenario is not applicable', async function (this: MqttWorld, name: string, condition: string) {
  const p: Properties = connackOf(this, name).properties ?? {};
  const declared: Record<string, boolean> = {
    'a Maximum QoS': p.maximumQoS !== undefined,
    'Retain Available 0': p.retainAvailable === 0,
    'a Maximum Packet Size': p.maximumPacketSize !== undefined,
    'Subscription Identifiers Available': p.subscriptionIdentifierAvailable !== 0,
    'Shared Subscriptions Available': p.sharedSubscriptionAvailable !== 0,
    'Wildcard Subscriptions Available': p.wildcardSubscriptionAvailable !== 0,
    'a Topic Alias Maximum': (p.topicAliasMaximum ?? 0) > 0,
  };
  const v = declared[condition];
  if (v === undefined) throw new Error(`unknown CONNACK condition ${JSON.stringify(condition)}; one of ${Object.keys(declared).join(', ')}`);
  if (!v) return notApplicable(this, `the server's CONNACK does not declare ${condition}: ${describePacket(connackOf(this, name))}`);
  return undefined;
});
