/**
 * Bench (not a CI test): opens N simultaneous MQTT connections (CONNECT, CONNACK, then idle) to
 * the reference broker in its own process and reports the broker's memory per connection.
 *
 *   npx tsx test/robustness/hold-connections.ts [--connections 10000] [--concurrency 200] [--ws]
 *
 * --ws: over the WebSocket listener (subprotocol mqtt) instead of TCP.
 */
import { connect } from 'node:net';
import WebSocket from 'ws';
import { encode } from '../../harness/codec/index.js';
import { BrokerProcess } from './broker-process.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
  return v;
}

const N = arg('connections', 10_000);
const CONCURRENCY = arg('concurrency', 200);
const WS = process.argv.includes('--ws');

interface Held {
  destroy(): void;
}

const connectBytes = (i: number): Buffer => encode({ type: 'connect', protocolName: 'MQTT', protocolVersion: 4, clean: true, keepalive: 0, clientId: `hold-${String(i)}` }, 4);

async function openWs(port: number, i: number): Promise<Held> {
  const ws = new WebSocket(`ws://127.0.0.1:${String(port)}/mqtt`, ['mqtt'], { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => ws.send(connectBytes(i)));
    ws.once('message', (d: Buffer) => {
      if (d[0] === 0x20 && d[3] === 0) resolve();
      else reject(new Error(`unexpected answer ${d.toString('hex')}`));
    });
  });
  ws.on('error', () => undefined);
  return { destroy: () => ws.terminate() };
}

async function open(port: number, i: number): Promise<Held> {
  if (WS) return openWs(port, i);
  const socket = connect({ port, host: '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.write(connectBytes(i));
    });
    socket.once('data', (d: Buffer) => {
      // CONNACK 20 02 00 00
      if (d[0] === 0x20 && d[3] === 0) resolve();
      else reject(new Error(`unexpected answer ${d.toString('hex')}`));
    });
  });
  socket.on('error', () => undefined);
  return socket;
}

const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MiB`;

const broker = await BrokerProcess.start({ maxConnections: N + 100, connectTimeoutMs: 60_000, ...(WS ? { listeners: [{ protocol: 'ws' as const }] } : {}) }, { nodeArgs: ['--expose-gc'] });
const sockets: Held[] = [];
try {
  const before = await broker.memory();
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < N) {
        const i = next++;
        sockets.push(await open(broker.port, i));
      }
    }),
  );
  const openMs = Date.now() - started;
  const after = await broker.memory();
  // Still responsive with every connection held: one more client gets its CONNACK.
  const probe = await open(broker.port, N);
  probe.destroy();
  const rss = after.memory.rss - before.memory.rss;
  const heap = after.memory.heapUsed - before.memory.heapUsed;
  const result = {
    connections: after.clients,
    openMs,
    brokerRssBefore: before.memory.rss,
    brokerRssAfter: after.memory.rss,
    rssPerConnection: Math.round(rss / N),
    heapPerConnection: Math.round(heap / N),
  };
  process.stdout.write(
    `${WS ? 'WebSocket' : 'TCP'}: held ${String(result.connections)} connections (opened in ${String(openMs)} ms); broker RSS ${mb(before.memory.rss)} -> ${mb(after.memory.rss)}: ` +
      `${(rss / N / 1024).toFixed(1)} KiB RSS and ${(heap / N / 1024).toFixed(1)} KiB heap per idle connection\n${JSON.stringify(result)}\n`,
  );
  if (result.connections !== N) process.exitCode = 1;
} finally {
  for (const s of sockets) s.destroy();
  await broker.stop();
}
