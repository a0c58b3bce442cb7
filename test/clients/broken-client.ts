/**
 * A deliberately broken client adapter, to prove the client features catch what they claim: a
 * small MQTT client on the harness codec that is correct except for one bug chosen by
 * MQTT_CONFORMANCE_BROKEN:
 * - `no-dup`: re-sends an unacknowledged PUBLISH after reconnecting with DUP 0 [MQTT-3.3.1-1];
 * - `reuse-id`: gives every QoS>0 PUBLISH packet identifier 1, even while it is in use [MQTT-2.3.1-2 / MQTT-2.2.1-3];
 * - `no-pingreq`: never sends PINGREQ [MQTT-3.1.2-23 / MQTT-3.1.2-20].
 * Speaks the adapter protocol (harness/clients/adapters/README.md): `node --import tsx broken-client.ts HOST PORT`.
 */
import net from 'node:net';
import { createInterface } from 'node:readline';
import { PacketDecoder, encode, type Packet, type ProtocolVersion, type PublishPacket } from '../../harness/codec/index.js';
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
/** Unacknowledged outgoing messages by packet id: the PUBLISH, and whether PUBREC came (then PUBREL is what is re-sent). */
const inflight = new Map<number, { publish: PublishPacket; released: boolean }>();

function send(p: Packet): void {
  socket?.write(encode(p, version));
  if (broken === 'no-pingreq' || !options || options.keepalive === 0) return;
  clearTimeout(keepaliveTimer);
  keepaliveTimer = setTimeout(() => send({ type: 'pingreq' }), options.keepalive * 1000 * 0.75);
}

function open(): void {
  if (!options) return;
  const o = options;
  const s = net.connect({ host, port: Number(port) });
  socket = s;
  const decoder = new PacketDecoder({ version });
  s.on('connect', () => {
    const connect: Packet = { type: 'connect', protocolName: 'MQTT', protocolVersion: version, clean: o.clean, keepalive: o.keepalive, clientId: o.clientId };
    if (version === 5 && o.sessionExpiry !== undefined) connect.properties = { sessionExpiryInterval: o.sessionExpiry };
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
      connected = true;
      emit({ event: 'connected', sessionPresent: p.sessionPresent });
      for (const [id, m] of inflight) send(m.released ? { type: 'pubrel', packetId: id } : { ...m.publish, dup: broken !== 'no-dup' });
      const held = pending;
      pending = undefined;
      for (const c of held ?? []) handle(c);
      return;
    }
    case 'puback':
    case 'pubcomp':
      inflight.delete(p.packetId);
      return;
    case 'pubrec': {
      const m = inflight.get(p.packetId);
      if (m) m.released = true;
      send({ type: 'pubrel', packetId: p.packetId });
      return;
    }
    case 'publish':
      emit({ event: 'message', topic: p.topic, payload: p.payload.toString('utf8'), qos: p.qos });
      if (p.qos === 1 && p.packetId !== undefined) send({ type: 'puback', packetId: p.packetId });
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
