/**
 * Robustness (issue 8, item 6): a fast-check fuzzer sends random and mutated packet streams to a
 * live broker in its own process, while a bystander keeps exchanging QoS 1 messages with it. The
 * broker must never crash, must close each offending connection, and the bystander must receive
 * every one of its messages, in order. FUZZ_PACKETS sets the volume (default 100,000 packets).
 */
import { connect, type Socket } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BrokerProcess } from './broker-process.js';
import { fuzzStream, type FuzzStream } from './fuzz-arbitraries.js';
import { RawClient } from '../support/reference/raw-client.js';

const TARGET = Number(process.env.FUZZ_PACKETS ?? 100_000);
/** Also sent over the WebSocket listener (after the TCP target is met). */
const WS_PACKETS = Math.ceil(TARGET / 10);
let broker: BrokerProcess;
let died: string | undefined;

let wsPort: number;
beforeAll(async () => {
  // TCP first (its port is the one the child prints), then a WebSocket listener on the next free port.
  broker = await BrokerProcess.start({ sysIntervalSeconds: 1, logLevel: 'silent', listeners: [{ protocol: 'mqtt' }, { protocol: 'ws', port: 0 }] });
  wsPort = await wsPortOf();
  void broker.exited.then(() => (died = `broker exited: ${broker.stderr.slice(-2000)}`));
});
afterAll(async () => {
  await broker?.kill();
});

/** The ws listener's port (the child prints only its first listener's port at start: ask it). */
async function wsPortOf(): Promise<number> {
  const ws = (await broker.listenerPorts()).find((l) => l.protocol === 'ws');
  if (!ws) throw new Error('no ws listener');
  return ws.port;
}

/** Sends one stream over WebSocket, one binary frame per chunk, and waits (bounded) for the close. */
async function sendWs(port: number, stream: FuzzStream): Promise<void> {
  const ws = new WebSocket(`ws://127.0.0.1:${String(port)}/mqtt`, ['mqtt']);
  ws.on('error', () => undefined);
  const opened = await new Promise<boolean>((resolve) => {
    ws.once('open', () => resolve(true));
    ws.once('error', () => resolve(false));
  });
  if (!opened) return;
  for (const chunk of stream.chunks) if (ws.readyState === ws.OPEN) ws.send(chunk, { binary: true });
  if (ws.readyState === ws.OPEN) ws.close(1000);
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => {
      ws.terminate();
      resolve();
    }, 5000);
    ws.once('close', () => {
      clearTimeout(t);
      resolve();
    });
  });
}

/** Sends one stream and waits (bounded) until the broker or we close the connection. */
async function send(port: number, stream: FuzzStream): Promise<'closed-by-broker' | 'closed'> {
  const socket: Socket = connect({ port, host: '127.0.0.1' });
  socket.on('error', () => undefined);
  socket.on('data', () => undefined); // read whatever comes (a subscription to '#' must not stall the broker)
  let brokerClosed = false;
  socket.on('end', () => (brokerClosed = true));
  await new Promise<void>((resolve) => socket.once('connect', resolve).once('error', resolve));
  for (const chunk of stream.chunks) if (!socket.destroyed) socket.write(chunk);
  socket.end();
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => {
      socket.destroy();
      resolve();
    }, 5000);
    socket.once('close', () => {
      clearTimeout(t);
      resolve();
    });
  });
  return brokerClosed ? 'closed-by-broker' : 'closed';
}

describe('fuzzing the live broker', () => {
  it(`survives ${String(TARGET)} random and mutated packets; a bystander gets every message`, async () => {
    const port = broker.port;
    const token = Math.random().toString(36).slice(2);
    const { client: sub } = await RawClient.connected(port, `bystander-sub-${token}`);
    await sub.subscribe([[`bystander/${token}`, 1]]);
    sub.autoAck = true;
    const { client: pub } = await RawClient.connected(port, `bystander-pub-${token}`);
    let sent = 0;
    let packets = 0;
    let mutated = 0;
    let streams = 0;
    let seq = 0;
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(fc.array(fuzzStream(200), { minLength: 1, maxLength: 4 }), async (batch) => {
        expect(died).toBeUndefined();
        await Promise.all(batch.map((s) => send(port, s)));
        for (const s of batch) {
          packets += s.packets;
          mutated += s.mutated;
          sent += s.chunks.reduce((n, c) => n + c.length, 0);
        }
        streams += batch.length;
        // The bystander's round trip, through everything the fuzzers did.
        const n = seq++;
        await pub.publish(`bystander/${token}`, String(n), 1, false, (n % 65535) + 1).catch((e: unknown) => {
          throw new Error(`${String(e)}; broker: ${died ?? 'alive'}`);
        });
        const m = await sub.expect('publish', 5000);
        expect(m.payload.toString()).toBe(String(n));
        expect(died).toBeUndefined();
      }),
      { numRuns: Math.ceil(TARGET / 200), endOnFailure: true },
    );
    // Keep going until the packet target is met (fast-check's run count is an estimate).
    while (packets < TARGET) {
      const [s] = fc.sample(fuzzStream(200), 1);
      if (!s) break;
      await send(port, s);
      packets += s.packets;
      mutated += s.mutated;
      sent += s.chunks.reduce((n, c) => n + c.length, 0);
      streams++;
    }
    // Over WebSocket: every chunk its own binary frame (packets split across and packed into frames).
    let wsPackets = 0;
    for (const s of fc.sample(fuzzStream(200), Math.ceil(WS_PACKETS / 100))) {
      await sendWs(wsPort, s);
      wsPackets += s.packets;
      if (died) break;
    }
    await pub.publish(`bystander/${token}`, 'last', 1, false, 1);
    expect((await sub.expect('publish', 5000)).payload.toString()).toBe('last');
    // The broker's own count of decoded packets, from $SYS.
    const { client: probe } = await RawClient.connected(port, `probe-${token}`);
    await probe.subscribe([['$SYS/broker/messages/received', 0]]);
    let live = await probe.expect('publish', 3000);
    while (live.retain) live = await probe.expect('publish', 3000); // the next update, after everything above
    const decoded = Number(live.payload.toString());
    probe.destroy();
    sub.destroy();
    pub.destroy();
    expect(died).toBeUndefined();
    expect(packets).toBeGreaterThanOrEqual(TARGET);
    console.log(
      `fuzz: ${String(packets)} packets over TCP (${String(mutated)} mutated) in ${String(streams)} streams, ${String(sent)} bytes, and ${String(wsPackets)} over WebSocket; ` +
        `broker decoded ${String(decoded)} packets; ${String(seq)} bystander round trips; ${String(Date.now() - started)} ms`,
    );
  }, 600_000);
});
