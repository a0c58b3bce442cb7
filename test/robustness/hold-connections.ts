/**
 * Opens N simultaneous MQTT connections (CONNECT, CONNACK, then idle) to the reference broker in
 * its own process, checks that each, with all of them open, still answers a PINGREQ with a
 * PINGRESP, reports the broker's memory per connection, then closes them all. The connection test
 * (connections.test.ts) runs it as a child process with the open-file limit raised; as a benchmark:
 *
 *   npx tsx test/robustness/hold-connections.ts [--connections 10000] [--concurrency 200] [--ws]
 *
 * --ws: over the WebSocket listener (subprotocol mqtt) instead of TCP. The last stdout line is the
 * result as JSON; exits 1 when a connection got no CONNACK or no PINGRESP. BROKER_VARIANT runs a
 * broken broker (broker-variants.ts).
 */
import type { Duplex } from 'node:stream';
import { connectorFor, type ClientEndpoint } from '../../harness/client/index.js';
import { encode } from '../../harness/codec/index.js';
import { BrokerProcess } from './broker-process.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) {
    process.stderr.write(`--${name} must be a positive integer\n`);
    process.exit(2);
  }
  return v;
}

const N = arg('connections', 10_000);
const CONCURRENCY = arg('concurrency', 200);
const WS = process.argv.includes('--ws');
const TIMEOUT_MS = 20_000;

const connectBytes = (i: number): Buffer => encode({ type: 'connect', protocolName: 'MQTT', protocolVersion: 4, clean: true, keepalive: 0, clientId: `hold-${String(i)}` }, 4);
const CONNACK_OK = Buffer.from([0x20, 0x02, 0x00, 0x00]);
const PINGREQ = Buffer.from([0xc0, 0x00]);
const PINGRESP = Buffer.from([0xd0, 0x00]);

/** One held connection: the bytes received so far, and a wait for an exact answer. */
class Held {
  private received = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  closed = false;
  constructor(readonly stream: Duplex) {
    stream.on('data', (d: Buffer) => {
      this.received = Buffer.concat([this.received, d]);
      this.waiter?.();
    });
    stream.on('error', () => undefined);
    stream.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
  }

  /** Resolves true once `bytes` arrived (and consumes them); false on close, other bytes or timeout. */
  async answer(bytes: Buffer): Promise<boolean> {
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => done(false), TIMEOUT_MS);
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        this.waiter = undefined;
        resolve(ok);
      };
      const check = (): void => {
        if (this.received.length >= bytes.length) {
          const ok = this.received.subarray(0, bytes.length).equals(bytes);
          this.received = this.received.subarray(bytes.length);
          done(ok);
        } else if (this.closed) done(false);
      };
      this.waiter = check;
      check();
    });
  }
}

const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MiB`;

const broker = await BrokerProcess.start({ maxConnections: N + 100, connectTimeoutMs: 60_000, ...(WS ? { listeners: [{ protocol: 'ws' as const }] } : {}) }, { nodeArgs: ['--expose-gc'] });
const protocol = WS ? 'ws' : 'mqtt';
const endpoint: ClientEndpoint = { url: `${protocol}://127.0.0.1:${String(broker.port)}`, protocol, host: '127.0.0.1', port: broker.port, path: '/mqtt' };
const connector = connectorFor(endpoint);
const held: Held[] = [];
const failures: string[] = [];
try {
  const before = await broker.memory();
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < N) {
        const i = next++;
        try {
          const h = new Held(await connector(endpoint, TIMEOUT_MS));
          h.stream.write(connectBytes(i));
          if (await h.answer(CONNACK_OK)) held.push(h);
          else failures.push(`connection ${String(i)}: no CONNACK 0 (${h.closed ? 'closed by the broker' : 'other bytes or no answer'})`);
        } catch (error) {
          failures.push(`connection ${String(i)}: ${String(error)}`);
        }
      }
    }),
  );
  const openMs = Date.now() - started;
  const after = await broker.memory();
  // With every connection open, each one is still served: PINGREQ, PINGRESP.
  const pinged = Date.now();
  const answers = await Promise.all(
    held.map(async (h) => {
      h.stream.write(PINGREQ);
      return await h.answer(PINGRESP);
    }),
  );
  const pingresps = answers.filter(Boolean).length;
  if (pingresps < held.length) failures.push(`${String(held.length - pingresps)} of ${String(held.length)} open connections got no PINGRESP`);
  const pingMs = Date.now() - pinged;
  const rss = after.memory.rss - before.memory.rss;
  const heap = after.memory.heapUsed - before.memory.heapUsed;
  // Closed by us: the broker must see every one go.
  for (const h of held) h.stream.destroy();
  let clientsAfterClose = (await broker.memory()).clients;
  for (let i = 0; i < 100 && clientsAfterClose > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    clientsAfterClose = (await broker.memory()).clients;
  }
  if (clientsAfterClose > 0) failures.push(`${String(clientsAfterClose)} clients still connected at the broker 10 s after every connection closed`);
  const result = {
    transport: WS ? 'ws' : 'tcp',
    requested: N,
    connacks: held.length,
    brokerClients: after.clients,
    pingresps,
    clientsAfterClose,
    openMs,
    pingMs,
    brokerRssBefore: before.memory.rss,
    brokerRssAfter: after.memory.rss,
    rssPerConnection: Math.round(rss / N),
    heapPerConnection: Math.round(heap / N),
    failures: failures.slice(0, 20),
    failureCount: failures.length,
  };
  process.stdout.write(
    `${WS ? 'WebSocket' : 'TCP'}: ${String(held.length)}/${String(N)} connections got CONNACK (broker counted ${String(after.clients)}; opened in ${String(openMs)} ms), ${String(pingresps)} PINGRESP with all open (${String(pingMs)} ms); ` +
      `broker RSS ${mb(before.memory.rss)} -> ${mb(after.memory.rss)}: ${(rss / N / 1024).toFixed(1)} KiB RSS and ${(heap / N / 1024).toFixed(1)} KiB heap per idle connection\n${JSON.stringify(result)}\n`,
  );
  if (failures.length > 0 || held.length !== N || after.clients !== N) process.exitCode = 1;
} finally {
  for (const h of held) h.stream.destroy();
  await broker.stop();
}
