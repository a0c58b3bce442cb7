import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encode, type Packet } from '../../harness/codec/index.js';
import type { Capabilities } from '../../harness/targets/index.js';
import { findUnaccounted, unaccountedPackets } from '../../steps/support/accounting.js';
import { MqttWorld } from '../../steps/support/world.js';

const caps: Capabilities = { versions: [4, 5], maxQoS: 2, retain: true, wildcards: true, sys: false, tls: false, websocket: false, sharedSubscriptions: true };
const servers: net.Server[] = [];
const worlds: MqttWorld[] = [];

/** A server that answers CONNECT with CONNACK 0x00 and then writes `after` (encoded at `version`), closing after a DISCONNECT. */
async function world(after: Packet[], version: 4 | 5 = 4): Promise<MqttWorld> {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    let connected = false;
    socket.on('data', () => {
      if (connected) return;
      connected = true;
      socket.write(encode({ type: 'connack', reasonCode: 0, sessionPresent: false }, version));
      for (const p of after) socket.write(encode(p, version));
      if (after.some((p) => p.type === 'disconnect')) socket.end();
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const w = new MqttWorld({ attach: (() => undefined) as never, log: () => undefined, link: () => undefined, parameters: {} });
  w.setup({
    target: { endpoint: { url: `mqtt://127.0.0.1:${port}`, protocol: 'mqtt', host: '127.0.0.1', port }, capabilities: caps, description: { name: 't', url: '', kind: 'url' } },
    name: 'accounting',
    tags: [`@v${version === 5 ? '5' : '3.1.1'}`, '@MQTT-3.1.4-4'],
    version,
  });
  worlds.push(w);
  return w;
}

/** Connects "c" and waits until the server's packets have arrived (a PINGRESP is never sent by these servers: wait on a count). */
async function connectAndSettle(w: MqttWorld, expected: number): Promise<void> {
  await w.connect('c');
  const c = w.client('c');
  for (let i = 0; i < 100 && c.received.length < expected + 1; i++) await new Promise((r) => setTimeout(r, 10));
}

const publish = (topic: string): Packet => ({ type: 'publish', topic, payload: Buffer.from('x'), qos: 0, retain: false, dup: false });

afterEach(async () => {
  await Promise.all(worlds.splice(0).map((w) => w.closeAll()));
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe('After-hook accounting of unconsumed packets', () => {
  it('flags a PUBLISH on a topic the client never subscribed to (MQTT-3.3.2-3)', async () => {
    const w = await world([publish('elsewhere/t')]);
    await connectAndSettle(w, 1);
    const findings = findUnaccounted(w);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.statement).toBe('MQTT-3.3.2-3');
    expect(unaccountedPackets(w)?.message).toMatch(/^\[MQTT-3\.3\.2-3\]/);
  });

  it('tolerates extra copies on a subscribed topic (MQTT-3.3.5-1), including shared subscriptions', async () => {
    const w = await world([{ type: 'suback', packetId: 1, reasonCodes: [0, 0] }, publish('a/b'), publish('a/b'), publish('s/x')]);
    await w.connect('c');
    await w.subscribe('c', [
      { topicFilter: 'a/+', qos: 0 },
      { topicFilter: '$share/g/s/#', qos: 0 },
    ]);
    for (let i = 0; i < 100 && w.client('c').received.length < 5; i++) await new Promise((r) => setTimeout(r, 10));
    expect(findUnaccounted(w)).toEqual([]);
  });

  it('flags acknowledgements of packets the client never sent (MQTT-2.3.1-6, -7) and a second CONNACK', async () => {
    const w = await world([{ type: 'puback', packetId: 9 }, { type: 'suback', packetId: 4, reasonCodes: [0] }, { type: 'connack', reasonCode: 0, sessionPresent: false }]);
    await connectAndSettle(w, 3);
    const statements = findUnaccounted(w).map((f) => f.statement);
    expect(statements).toEqual(['MQTT-2.3.1-6', 'MQTT-2.3.1-7', 'MQTT-3.2.0-1']);
  });

  it('flags a DISCONNECT from a 3.1.1 server but not one that ends an MQTT 5 connection', async () => {
    const w4 = await world([{ type: 'disconnect' }]);
    await connectAndSettle(w4, 1);
    expect(findUnaccounted(w4)).toHaveLength(1);
    const w5 = await world([{ type: 'disconnect', reasonCode: 0x8b }], 5);
    await connectAndSettle(w5, 1);
    await w5.client('c').waitClosed(1000);
    expect(findUnaccounted(w5).map((f) => f.why)).toEqual([]);
  });
});
