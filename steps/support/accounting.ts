import type { Packet } from '../../harness/codec/index.js';
import { ExpectationError, describePacket, filterMatchesTopic, type TestClient } from '../../harness/client/index.js';
import { ruleFor } from './catalogue.js';
import type { MqttWorld } from './world.js';

export interface Finding {
  client: string;
  packet?: Packet;
  why: string;
  statement?: string;
}

/** The topic filter of a shared subscription (`$share/<name>/<filter>`), else the filter itself. */
function shareless(filter: string): string {
  const m = /^\$share\/[^/]+\/(.*)$/.exec(filter);
  return m?.[1] ?? filter;
}

function idsSent(client: TestClient, type: Packet['type']): Set<number> {
  const ids = new Set<number>();
  for (const p of client.sent) if (p.type === type && 'packetId' in p && p.packetId !== undefined) ids.add(p.packetId);
  return ids;
}

/**
 * Packets the server sent that no step consumed and that cannot be explained as allowed.
 * Tolerated (the spec allows them, or they answer something the client sent): a PUBLISH on a
 * topic one of the client identifier's subscriptions matches (extra copies are allowed,
 * [MQTT-3.3.5-1]); an acknowledgement carrying an identifier the client used; the first CONNACK;
 * a PINGRESP per PINGREQ; a PUBREL answering a PUBREC. Everything else is a finding, and so
 * are bytes that do not decode on an established connection.
 */
export function findUnaccounted(world: MqttWorld): Finding[] {
  return world.connections.flatMap((c) => findUnaccountedOn(world, c));
}

/** {@link findUnaccounted} for one connection of the scenario. */
export function findUnaccountedOn(world: MqttWorld, c: TestClient): Finding[] {
  const findings: Finding[] = [];
  // Undecodable bytes count only on an established connection (after CONNACK 0x00): before that
  // the server may answer a CONNECT it refuses in another version's format (e.g. a 3.1.1
  // CONNACK 0x01 to an unsupported protocol level), which the scenario's own steps judge.
  const established = c.received.some((p) => p.type === 'connack' && p.reasonCode === 0);
  if (c.decodeError && established) {
    const statement = (c.decodeError as { statement?: unknown }).statement;
    findings.push({
      client: c.name,
      why: `the server sent bytes that do not decode: ${c.decodeError.message}`,
      ...(typeof statement === 'string' ? { statement } : {}),
    });
  }
  const clientId = world.clientIdOfConnection(c);
  const filters = clientId === '' || clientId === undefined ? c.sent.flatMap((p) => (p.type === 'subscribe' ? p.subscriptions.map((s) => s.topicFilter) : [])) : world.filtersOf(clientId);
  const connacks = c.received.filter((p) => p.type === 'connack').length;
  const pingreqs = c.sent.filter((p) => p.type === 'pingreq').length;
  const pingresps = c.received.filter((p) => p.type === 'pingresp').length;
  for (const p of c.pending) {
    switch (p.type) {
      case 'publish':
        // MQTT 5: a topic alias may stand for the topic name (the steps judge alias use).
        if (p.topic === '' && p.properties?.topicAlias !== undefined) break;
        if (!filters.some((f) => filterMatchesTopic(shareless(f), p.topic))) {
          findings.push({ client: c.name, packet: p, why: 'a PUBLISH on a topic that no subscription of this client matches', statement: 'MQTT-3.3.2-3' });
        }
        break;
      case 'connack':
        if (connacks > 1 || !c.sent.some((q) => q.type === 'connect')) findings.push({ client: c.name, packet: p, why: 'a CONNACK not answering the one CONNECT', statement: 'MQTT-3.2.0-1' });
        break;
      case 'pingresp':
        if (pingresps > pingreqs) findings.push({ client: c.name, packet: p, why: 'a PINGRESP with no PINGREQ', statement: 'MQTT-3.12.4-1' });
        break;
      case 'puback':
      case 'pubrec':
        if (!idsSent(c, 'publish').has(p.packetId)) findings.push({ client: c.name, packet: p, why: 'an acknowledgement of a PUBLISH the client never sent', statement: 'MQTT-2.3.1-6' });
        break;
      case 'pubrel':
        if (!idsSent(c, 'pubrec').has(p.packetId)) findings.push({ client: c.name, packet: p, why: 'a PUBREL for a packet identifier the client never sent PUBREC for', statement: 'MQTT-2.3.1-6' });
        break;
      case 'pubcomp':
        if (!idsSent(c, 'pubrel').has(p.packetId)) findings.push({ client: c.name, packet: p, why: 'a PUBCOMP for a packet identifier the client never sent PUBREL for', statement: 'MQTT-2.3.1-6' });
        break;
      case 'suback':
        if (!idsSent(c, 'subscribe').has(p.packetId)) findings.push({ client: c.name, packet: p, why: 'a SUBACK for a SUBSCRIBE the client never sent', statement: 'MQTT-2.3.1-7' });
        break;
      case 'unsuback':
        if (!idsSent(c, 'unsubscribe').has(p.packetId)) findings.push({ client: c.name, packet: p, why: 'an UNSUBACK for an UNSUBSCRIBE the client never sent', statement: 'MQTT-2.3.1-7' });
        break;
      case 'disconnect':
        // MQTT 5.0: a server may send DISCONNECT with a reason code before closing (section
        // 4.13); the v5 steps check its code and the close. Here: it must be the last packet.
        if (c.version !== 5 || c.received[c.received.length - 1] !== p) {
          findings.push({ client: c.name, packet: p, why: 'a DISCONNECT that does not end the connection', statement: 'MQTT-3.14.4-1' });
        }
        break;
      case 'auth':
        // MQTT 5 servers send AUTH (enhanced authentication); earlier versions never do.
        if (c.version !== 5) findings.push({ client: c.name, packet: p, why: 'a packet only a client may send in this protocol version' });
        break;
      default:
        findings.push({ client: c.name, packet: p, why: 'a packet only a client may send' });
    }
  }
  return findings;
}

/** Findings in words: the first few one by one, then how many more (a flood can leave a thousand). */
export function listFindings(findings: readonly Finding[], shown = 10): string {
  const text = findings.slice(0, shown).map((f) => `"${f.client}": ${f.packet ? describePacket(f.packet) : ''} (${f.why})`);
  if (findings.length > shown) text.push(`and ${findings.length - shown} more`);
  return text.join('; ');
}

/** 3.1.1 statement numbers used above and the 5.0 numbers of the same rules. */
export const V5_NUMBERS: Record<string, string> = { 'MQTT-2.3.1-6': 'MQTT-2.2.1-5', 'MQTT-2.3.1-7': 'MQTT-2.2.1-6', 'MQTT-3.2.0-1': 'MQTT-3.2.0-2' };

/** The After hook's check: an error listing every unaccounted packet, or undefined. */
export function unaccountedPackets(world: MqttWorld): ExpectationError | undefined {
  const findings = findUnaccounted(world);
  if (findings.length === 0) return undefined;
  const first = findings[0];
  // A scenario tagged only @v5 names 5.0 statements: the same rules under their 5.0 numbers.
  const v5Only = world.tags.includes('@v5') && !world.tags.includes('@v3.1.1') && !world.tags.includes('@v3.1');
  const statement = first?.statement !== undefined && v5Only ? (V5_NUMBERS[first.statement] ?? first.statement) : first?.statement;
  const rule = statement !== undefined ? ruleFor(statement, v5Only ? '5.0' : '3.1.1') : world.rule();
  return new ExpectationError({
    ...(rule ? { rule } : { headline: world.headline }),
    expected: 'every packet the server sent to be one the scenario accounts for',
    received: listFindings(findings),
    trace: world.trace.entries,
  });
}
