/**
 * A deliberately broken client adapter, to prove the client features catch what they claim: a
 * small MQTT client on the harness codec that is correct except for one bug chosen by
 * MQTT_CONFORMANCE_BROKEN:
 * - `no-dup`: re-sends an unacknowledged PUBLISH after reconnecting with DUP 0 [MQTT-3.3.1-1];
 * - `reuse-id`: gives every QoS>0 PUBLISH packet identifier 1, even while it is in use [MQTT-2.3.1-2 / MQTT-2.2.1-3];
 * - `no-pingreq`: never sends PINGREQ [MQTT-3.1.2-23 / MQTT-3.1.2-20];
 * - `resend-refused`: keeps a PUBLISH whose PUBACK/PUBREC carried a reason code >= 0x80 and re-sends it [MQTT-4.4.0-2];
 * - `ignore-session-present`: stays connected on Session Present 1 after a clean start [MQTT-3.2.2-4];
 * - `ignore-server-keepalive`: keeps its own Keep Alive when CONNACK carries a Server Keep Alive [MQTT-3.2.2-21];
 * - `quota-holds-acks`: sends no PUBACK while its send quota (the server's Receive Maximum) is used up [MQTT-4.9.0-3];
 * - `auth-wrong-code`: answers an AUTH challenge with reason code 0x19 instead of 0x18 [MQTT-4.12.0-3];
 * - `strip-bom`: drops U+FEFF from the topics it reports [MQTT-1.5.3-3 / MQTT-1.5.4-3];
 * - `nul-topic`: publishes a topic holding U+0000 instead of refusing it [MQTT-4.7.3-2];
 * - `resend-reversed`: re-sends unacknowledged messages newest first [MQTT-4.6.0-1];
 * - `pubrel-sorted`: holds PUBRELs until every QoS 2 message in flight has its PUBREC, then sends them in packet-identifier order, not PUBREC order [MQTT-4.6.0-4].
 * Speaks the adapter protocol (harness/clients/adapters/README.md): `node --import tsx broken-client.ts HOST PORT`.
 */
import net from 'node:net';
import { createInterface } from 'node:readline';
import { PacketDecoder, encode, raw, type Packet, type ProtocolVersion, type PublishPacket } from '../../harness/codec/index.js';
import type { AdapterCommand } from '../../harness/server/index.js';

const [host, port] = process.argv.slice(2);
const broken = process.env['MQTT_CONFORMANCE_BROKEN'] ?? '';
const emit = (o: object): void => void process.stdout.write(`${JSON.stringify(o)}\n`);
emit({ event: 'hello', library: `broken client (${broken || 'no bug'})`, version: '0' });

type Connect = Extract<AdapterCommand, { op: 'connect' }>;
let options: Connect | undefined;
let socket: net.Socket | undefined;
let version: ProtocolVersion = 4;
let connected = false;
let pending: AdapterCommand[] | undefined = [];
let nextId = 0;
let keepaliveTimer: NodeJS.Timeout | undefined;
/** Keep Alive in use (seconds): the CONNECT's, or the server's Server Keep Alive. */
let keepalive = 0;
/** The server's Receive Maximum (65535 when CONNACK declares none). */
let receiveMaximum = 65535;
/** PUBRELs held until the last outstanding PUBREC (the `pubrel-sorted` bug). */
let heldPubrels: number[] = [];
/** Unacknowledged outgoing messages by packet id: the PUBLISH, and whether PUBREC came (then PUBREL is what is re-sent). */
const inflight = new Map<number, { publish: PublishPacket; released: boolean }>();

function send(p: Packet): void {
  socket?.write(encode(p, version));
  if (broken === 'no-pingreq' || keepalive === 0) return;
  clearTimeout(keepaliveTimer);
  keepaliveTimer = setTimeout(() => send({ type: 'pingreq' }), keepalive * 1000 * 0.75);
}

function open(): void {
  if (!options) return;
  const o = options;
  const s = net.connect({ host, port: Number(port) });
  socket = s;
  const decoder = new PacketDecoder({ version });
  s.on('connect', () => {
    keepalive = o.keepalive;
    const connect: Packet = { type: 'connect', protocolName: 'MQTT', protocolVersion: version, clean: o.clean, keepalive: o.keepalive, clientId: o.clientId };
    if (version === 5) {
      connect.properties = {};
      if (o.sessionExpiry !== undefined) connect.properties.sessionExpiryInterval = o.sessionExpiry;
      if (o.authMethod !== undefined) connect.properties.authenticationMethod = o.authMethod;
    }
    send(connect);
  });
  s.on('data', (chunk: Buffer) => {
    try {
      decoder.feed(chunk, (p) => onPacket(p));
    } catch {
      s.destroy(); // a malformed packet closes the connection
    }
  });
  s.on('error', () => undefined);
  s.on('close', () => {
    connected = false;
    clearTimeout(keepaliveTimer);
    emit({ event: 'closed' });
    if (o.reconnect && socket === s) setTimeout(open, 100);
  });
}

function onPacket(p: Packet): void {
  switch (p.type) {
    case 'connack': {
      if (p.reasonCode >= 0x80) {
        socket?.destroy();
        return;
      }
      // Started clean, the client holds no session: Session Present 1 is a protocol error.
      if (p.sessionPresent && options?.clean && broken !== 'ignore-session-present') {
        socket?.destroy();
        return;
      }
      connected = true;
      if (p.properties?.serverKeepAlive !== undefined && broken !== 'ignore-server-keepalive') keepalive = p.properties.serverKeepAlive;
      receiveMaximum = p.properties?.receiveMaximum ?? 65535;
      emit({ event: 'connected', sessionPresent: p.sessionPresent });
      const resend = [...inflight];
      if (broken === 'resend-reversed') resend.reverse();
      for (const [id, m] of resend) send(m.released ? { type: 'pubrel', packetId: id } : { ...m.publish, dup: broken !== 'no-dup' });
      const held = pending;
      pending = undefined;
      for (const c of held ?? []) handle(c);
      return;
    }
    case 'puback':
      // A reason code >= 0x80 acknowledges the message too (5.0 section 4.4).
      if (broken !== 'resend-refused' || (p.reasonCode ?? 0) < 0x80) inflight.delete(p.packetId);
      return;
    case 'pubcomp':
      inflight.delete(p.packetId);
      return;
    case 'pubrec': {
      if ((p.reasonCode ?? 0) >= 0x80) {
        if (broken !== 'resend-refused') inflight.delete(p.packetId);
        return;
      }
      const m = inflight.get(p.packetId);
      if (m) m.released = true;
      if (broken !== 'pubrel-sorted') return send({ type: 'pubrel', packetId: p.packetId });
      // Held until every QoS 2 message in flight has its PUBREC, then released in packet-identifier order.
      // Waiting for the last PUBREC (not for the end of one socket read) makes the bug show whether the
      // PUBRECs arrive in one TCP segment or several.
      heldPubrels.push(p.packetId);
      if ([...inflight.values()].every((x) => x.publish.qos !== 2 || x.released)) {
        for (const id of heldPubrels.sort((a, b) => a - b)) send({ type: 'pubrel', packetId: id });
        heldPubrels = [];
      }
      return;
    }
    case 'auth': {
      const method = options?.authMethod;
      if (method === undefined || p.properties?.authenticationMethod !== method) {
        socket?.destroy(); // AUTH without enhanced authentication is a protocol error
        return;
      }
      send({ type: 'auth', reasonCode: broken === 'auth-wrong-code' ? 0x19 : 0x18, properties: { authenticationMethod: method, authenticationData: Buffer.from('response') } });
      return;
    }
    case 'publish':
      emit({ event: 'message', topic: broken === 'strip-bom' ? p.topic.replace(/\uFEFF/g, '') : p.topic, payload: p.payload.toString('utf8'), qos: p.qos });
      if (p.qos === 1 && p.packetId !== undefined && (broken !== 'quota-holds-acks' || inflight.size < receiveMaximum)) send({ type: 'puback', packetId: p.packetId });
      if (p.qos === 2 && p.packetId !== undefined) send({ type: 'pubrec', packetId: p.packetId });
      return;
    case 'pubrel':
      send({ type: 'pubcomp', packetId: p.packetId });
      return;
    case 'disconnect':
      socket?.destroy();
      return;
    default:
      return;
  }
}

function handle(c: AdapterCommand): void {
  switch (c.op) {
    case 'connect':
      options = c;
      version = c.version;
      open();
      return;
    case 'publish': {
      if (c.topic.includes('\u0000')) {
        if (broken === 'nul-topic' && c.qos === 0) {
          const bytes = raw.packet(0x30).string(Buffer.from(c.topic, 'utf8'));
          if (version === 5) bytes.byte(0);
          socket?.write(bytes.bytes(c.payload).build());
          return;
        }
        emit({ event: 'refused', op: 'publish', reason: 'a topic name must not hold U+0000' });
        return;
      }
      const p: PublishPacket = { type: 'publish', topic: c.topic, payload: Buffer.from(c.payload), qos: c.qos, retain: c.retain, dup: false };
      if (c.qos > 0) {
        p.packetId = broken === 'reuse-id' ? 1 : (nextId = (nextId % 65535) + 1);
        inflight.set(p.packetId, { publish: p, released: false });
      }
      if (connected) send(p);
      return;
    }
    case 'subscribe':
      send({ type: 'subscribe', packetId: (nextId = (nextId % 65535) + 1), subscriptions: [{ topicFilter: c.topic, qos: c.qos }] });
      return;
    default:
      emit({ event: 'unsupported', op: c.op, reason: 'not in the broken client' });
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === '') return;
  const c = JSON.parse(line) as AdapterCommand;
  if (pending !== undefined && c.op !== 'connect') pending.push(c);
  else handle(c);
});
const stop = (): void => {
  socket?.destroy();
  process.exit(0);
};
process.stdin.on('end', stop);
process.on('SIGTERM', stop);
