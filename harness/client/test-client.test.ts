import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { encode, fromHex, type Packet } from '../codec/index.js';
import {
  ClientConnectError,
  ClientUsageError,
  DEFAULT_MAX_PENDING,
  ExpectationError,
  FloodError,
  MESSAGE_PART_CHARS,
  MESSAGE_TRACE_CHARS,
  TestClient,
  TimeoutError,
  TraceRecorder,
  formatTrace,
} from './index.js';

/** A scripted server: `onData` sees each chunk and may write bytes back or close. */
interface Script {
  onConnection?: (socket: net.Socket) => void;
  onData?: (socket: net.Socket, chunk: Buffer) => void;
}

const servers: net.Server[] = [];
const clients: TestClient[] = [];

async function serve(script: Script): Promise<{ port: number; url: string }> {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    script.onConnection?.(socket);
    socket.on('data', (chunk) => script.onData?.(socket, chunk));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address() as net.AddressInfo;
  return { port: address.port, url: `mqtt://127.0.0.1:${address.port}` };
}

async function open(port: number, timeoutMs = 300): Promise<TestClient> {
  const c = await TestClient.open({ url: `mqtt://127.0.0.1:${port}`, protocol: 'mqtt', host: '127.0.0.1', port }, { name: 'c', version: 4, timeoutMs });
  clients.push(c);
  return c;
}

const connack = (reasonCode = 0, sessionPresent = false): Buffer => encode({ type: 'connack', reasonCode, sessionPresent }, 4);
const publish = (topic: string, payload: string, extra: Partial<Extract<Packet, { type: 'publish' }>> = {}): Buffer =>
  encode({ type: 'publish', topic, payload: Buffer.from(payload), qos: 0, retain: false, dup: false, ...extra }, 4);

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe('TestClient', () => {
  it('sends a typed packet and consumes the expected answer, tracing both with their bytes', async () => {
    const { port } = await serve({ onData: (s) => s.write(connack(0)) });
    const c = await open(port);
    c.send({ type: 'connect', protocolName: 'MQTT', protocolVersion: 4, clean: true, keepalive: 10, clientId: 'x' });
    const p = await c.expect({ type: 'connack', reasonCode: 0 });
    expect(p.sessionPresent).toBe(false);
    expect(c.pending).toEqual([]);
    const dirs = c.trace.entries.map((e) => e.dir);
    expect(dirs).toEqual(['event', 'out', 'in']);
    expect(c.trace.entries[2]?.hex).toBe('20 02 00 00');
    expect(c.trace.entries[1]?.packet?.type).toBe('connect');
  });

  it('matches partial patterns deeply: Buffers by bytes, payload as a string; non-matching packets stay queued', async () => {
    const { port } = await serve({ onConnection: (s) => s.write(Buffer.concat([publish('a', 'one'), publish('b', 'two', { retain: true })])) });
    const c = await open(port);
    const got = await c.expect({ type: 'publish', topic: 'b', payload: 'two', retain: true });
    expect(got.payload.toString()).toBe('two');
    expect(c.pending.map((p) => p.type === 'publish' && p.topic)).toEqual(['a']);
    await c.expect({ type: 'publish', payload: Buffer.from('one') });
  });

  it('times out with a TimeoutError saying what was awaited, for how long, and what arrived instead', async () => {
    const { port } = await serve({ onConnection: (s) => s.write(publish('a', 'x', { retain: false })) });
    const c = await open(port);
    const err = await c.expect({ type: 'publish', topic: 'a', retain: true }, { timeoutMs: 50 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    const t = err as TimeoutError;
    expect(t.code).toBe('EXPECTATION_TIMEOUT');
    expect(t.timeoutMs).toBe(50);
    expect(t.received).toContain('retain: expected true, got false');
    expect(t.trace.length).toBeGreaterThan(0);
  });

  it('fails at once (not at the timeout) when the server closes while a packet is awaited', async () => {
    const { port } = await serve({ onData: (s) => s.destroy() });
    const c = await open(port, 5000);
    c.sendRaw(fromHex('c0 00'));
    const t0 = performance.now();
    const err = await c.expect({ type: 'pingresp' }).catch((e: unknown) => e);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(err).toBeInstanceOf(ExpectationError);
    expect((err as ExpectationError).code).toBe('EXPECTATION_FAILED');
    expect((err as ExpectationError).received).toContain('server closed');
  });

  it('expectNext requires the next packet to match', async () => {
    const { port } = await serve({ onConnection: (s) => s.write(Buffer.concat([publish('a', '1'), connack(0)])) });
    const c = await open(port);
    await expect(c.expectNext({ type: 'connack' })).rejects.toMatchObject({ code: 'EXPECTATION_FAILED' });
  });

  it('expectClosed resolves when the server closes, and times out while it stays open', async () => {
    const { port } = await serve({ onData: (s) => s.end() });
    const c = await open(port);
    await expect(c.expectClosed({ timeoutMs: 30 })).rejects.toBeInstanceOf(TimeoutError);
    c.sendRaw(fromHex('c1 00'));
    await c.expectClosed({ timeoutMs: 1000 });
    expect(c.closedBy).toBe('server');
  });

  it('nextArrival resolves at the next packet without consuming it, false when the connection ends or the bound passes', async () => {
    const { port } = await serve({ onData: (s, chunk) => (chunk[0] === 0xe0 ? s.end() : s.write(publish('t', 'hi'))) });
    const c = await open(port);
    expect(await c.nextArrival(30)).toBe(false); // nothing sent yet: the bound passes
    const arrival = c.nextArrival(1000);
    c.sendRaw(fromHex('c0 00'));
    expect(await arrival).toBe(true);
    expect(c.pending.map((p) => p.type)).toEqual(['publish']); // not consumed
    const end = c.nextArrival(1000);
    c.sendRaw(fromHex('e0 00'));
    expect(await end).toBe(false);
    expect(await c.nextArrival(60_000)).toBe(false); // already ended: at once (a 60 s wait would time the test out)
  });

  it('expectNone by barrier: passes when the marker comes first, fails when a forbidden packet precedes it', async () => {
    const { port } = await serve({
      onConnection: (s) => s.write(Buffer.concat([publish('ok', '1'), publish('marker', 'm1'), publish('bad', 'x'), publish('marker', 'm2')])),
    });
    const c = await open(port);
    const barrier = await c.expectNone({ type: 'publish', topic: 'bad' }, { until: { type: 'publish', topic: 'marker', payload: 'm1' } });
    expect(barrier?.type).toBe('publish');
    await expect(c.expectNone({ type: 'publish', topic: 'bad' }, { until: { type: 'publish', topic: 'marker', payload: 'm2' } })).rejects.toMatchObject({
      code: 'EXPECTATION_FAILED',
    });
  });

  it('expectNone by window fails as soon as a forbidden packet arrives', async () => {
    const { port } = await serve({ onData: (s) => s.write(publish('bad', 'x')) });
    const c = await open(port);
    await c.expectNone({ type: 'publish', topic: 'bad' }, { windowMs: 20 });
    c.sendRaw(fromHex('c0 00'));
    await expect(c.expectNone({ type: 'publish', topic: 'bad' }, { windowMs: 2000 })).rejects.toBeInstanceOf(ExpectationError);
  });

  it('records undecodable bytes from the server and fails the expectation with them', async () => {
    const { port } = await serve({ onConnection: (s) => s.write(fromHex('d1 00')) });
    const c = await open(port);
    await expect(c.expect({ type: 'pingresp' })).rejects.toBeInstanceOf(ExpectationError);
    expect(c.decodeError).toBeDefined();
    expect(c.trace.entries.some((e) => e.dir === 'in' && e.error !== undefined && e.hex === 'd1 00')).toBe(true);
  });

  it('refuses to send on a connection the server closed, saying so', async () => {
    const { port } = await serve({ onConnection: (s) => s.destroy() });
    const c = await open(port);
    await c.waitClosed(1000);
    expect(() => c.send({ type: 'pingreq' })).toThrow(ExpectationError);
  });

  it('reports an unreachable target as ClientConnectError (inconclusive, not a verdict)', async () => {
    const { port } = await serve({});
    await new Promise((r) => servers.pop()?.close(r));
    const err = await open(port).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientConnectError);
    expect((err as ClientConnectError).code).toBe('CLIENT_CONNECT_FAILED');
  });

  it('shares one trace across clients and renders it one line per packet with spaced hex', async () => {
    const { port } = await serve({ onData: (s) => s.write(connack(0)) });
    const trace = new TraceRecorder();
    const a = await TestClient.open({ url: '', protocol: 'mqtt', host: '127.0.0.1', port }, { name: 'a', version: 4, trace });
    const b = await TestClient.open({ url: '', protocol: 'mqtt', host: '127.0.0.1', port }, { name: 'b', version: 4, trace });
    clients.push(a, b);
    for (const c of [a, b]) c.send({ type: 'connect', protocolName: 'MQTT', protocolVersion: 4, clean: true, keepalive: 0, clientId: c.name });
    await a.expect({ type: 'connack' });
    await b.expect({ type: 'connack' });
    const text = formatTrace(trace.entries);
    expect(text).toMatch(/ a +-> CONNECT/);
    expect(text).toMatch(/ b +<- CONNACK/);
    expect(text).toContain('20 02 00 00');
  });

  it('attributes a failure to a rule when given one', () => {
    const e = new ExpectationError({ expected: 'x', received: 'y' }).withContext({ id: 'MQTT-3.1.0-1', summary: 'CONNECT first.' }, []);
    expect(e.message.split('\n')).toEqual(['[MQTT-3.1.0-1] CONNECT first.', 'Expected: x', 'Received: y']);
  });

  it('speaks over WebSocket: binary frames, the "mqtt" subprotocol, packets split across frames', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : false) });
    await new Promise<void>((r) => wss.once('listening', r));
    const received: { binary: boolean; protocol: string }[] = [];
    wss.on('connection', (socket) => {
      socket.on('message', (_data, isBinary) => {
        received.push({ binary: isBinary, protocol: socket.protocol });
        // CONNACK split over two frames: the client must reassemble it.
        socket.send(Buffer.from([0x20, 0x02]));
        socket.send(Buffer.from([0x00, 0x00]));
      });
    });
    try {
      const port = (wss.address() as net.AddressInfo).port;
      const c = await TestClient.open({ url: `ws://127.0.0.1:${port}/mqtt`, protocol: 'ws', host: '127.0.0.1', port, path: '/mqtt' }, { name: 'ws', version: 4, timeoutMs: 1000 });
      clients.push(c);
      c.send({ type: 'connect', protocolName: 'MQTT', protocolVersion: 4, clean: true, keepalive: 0, clientId: 'ws' });
      await c.expect({ type: 'connack', reasonCode: 0 });
      expect(received[0]).toEqual({ binary: true, protocol: 'mqtt' });
    } finally {
      for (const client of wss.clients) client.terminate();
      await new Promise((r) => wss.close(r));
    }
  });

  it('speaks over TLS, checking the server certificate against the given CA', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mqttc-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
      const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
      const key = readFileSync(join(dir, 'key.pem'), 'utf8');
      const server = tls.createServer({ cert, key }, (socket) => {
        socket.on('error', () => undefined);
        socket.on('data', () => socket.write(connack(0)));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      servers.push(server);
      const port = (server.address() as net.AddressInfo).port;
      const endpoint = { url: `mqtts://127.0.0.1:${port}`, protocol: 'mqtts' as const, host: '127.0.0.1', port, tls: { ca: cert, rejectUnauthorized: true } };
      const c = await TestClient.open(endpoint, { name: 'tls', version: 4 });
      clients.push(c);
      c.send({ type: 'connect', protocolName: 'MQTT', protocolVersion: 4, clean: true, keepalive: 0, clientId: 'tls' });
      await c.expect({ type: 'connack', reasonCode: 0 });
      const untrusted = await TestClient.open({ ...endpoint, tls: { rejectUnauthorized: true } }, { name: 'tls2', version: 4 }).catch((e: unknown) => e);
      expect(untrusted).toBeInstanceOf(ClientConnectError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('TestClient against a flooding server', () => {
  /** CONNACK, then PUBLISH after PUBLISH for as long as the connection lasts. */
  const flooding = (socket: net.Socket): void => {
    socket.write(connack(0));
    const packet = publish('flood', 'f'.repeat(1024));
    const pump = (): void => {
      while (!socket.destroyed && socket.write(packet));
      if (!socket.destroyed) socket.once('drain', pump);
    };
    pump();
  };

  it('holds at most maxPending unconsumed packets, then stops reading, closes and fails every wait with FloodError', async () => {
    const { port } = await serve({ onConnection: flooding });
    const trace = new TraceRecorder(performance.now(), { head: 5, tail: 5 });
    const c = await TestClient.open({ url: `mqtt://127.0.0.1:${port}`, protocol: 'mqtt', host: '127.0.0.1', port }, { name: 'c', version: 4, timeoutMs: 2000, maxPending: 50, trace });
    clients.push(c);
    const err = await c.expect({ type: 'suback', packetId: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FloodError);
    const flood = err as FloodError;
    expect(flood.code).toBe('EXPECTATION_FLOOD');
    expect(flood.limit).toBe(50);
    expect(flood.received).toMatch(/^the broker flooded "c" with more than 50 unsolicited packets/);
    // Described packets are capped: ten one by one, the rest counted by type.
    expect(flood.received).toMatch(/and 41 more \(41 PUBLISH\)$/);
    expect(c.flooded?.limit).toBe(50);
    expect(c.pending).toHaveLength(51); // the CONNACK and 50 PUBLISH: the 51st unconsumed packet stopped it
    expect(c.received).toHaveLength(51);
    expect(await c.waitClosed(1000)).toBe(true);
    // The trace: the first 5 and last 5 entries of "c" and a trace-cut event counting the rest.
    const cut = trace.entries.find((e) => e.event === 'trace-cut');
    expect(cut?.note).toMatch(/^\d+ trace entries of "c" left out here \(the first 5 and the last 5 are kept\)/);
    expect(trace.entries).toHaveLength(11);
    expect(trace.entries.some((e) => e.event === 'flood')).toBe(true);
    // Later waits and sends fail the same way.
    await expect(c.expectClosed()).rejects.toBeInstanceOf(FloodError);
    await expect(c.expectNone({ type: 'pingresp' }, { windowMs: 10 })).rejects.toBeInstanceOf(FloodError);
    expect(() => c.send({ type: 'pingreq' })).toThrow(FloodError);
  });

  it('keeps its failure message short however much arrived', async () => {
    const { port } = await serve({ onConnection: flooding });
    const c = await open(port, 2000);
    const err = (await c.expect({ type: 'suback', packetId: 1 }).catch((e: unknown) => e)) as FloodError;
    expect(err).toBeInstanceOf(FloodError);
    expect(c.pending.length).toBe(DEFAULT_MAX_PENDING + 1);
    expect(err.message.length).toBeLessThan(MESSAGE_TRACE_CHARS + 2 * MESSAGE_PART_CHARS + 500);
    expect(err.message).toMatch(/\nTrace:\n/);
  });

  it('a packet the step waits for is still found among the flood', async () => {
    const { port } = await serve({ onConnection: flooding });
    const c = await open(port, 2000);
    await expect(c.expect({ type: 'connack' })).resolves.toMatchObject({ type: 'connack', reasonCode: 0 });
  });

  it('holds at most maxPendingBytes of unconsumed packets', async () => {
    const { port } = await serve({ onConnection: flooding });
    const c = await TestClient.open({ url: '', protocol: 'mqtt', host: '127.0.0.1', port }, { name: 'c', version: 4, timeoutMs: 2000, maxPendingBytes: 4096 });
    clients.push(c);
    const err = (await c.expect({ type: 'suback', packetId: 1 }).catch((e: unknown) => e)) as FloodError;
    expect(err).toBeInstanceOf(FloodError);
    expect(err.kind).toBe('bytes');
    expect(err.received).toMatch(/^the broker flooded "c" with more than 4096 bytes of unsolicited packets/);
    expect(c.pending.length).toBeLessThanOrEqual(5);
  });

  it('reads no packet larger than maxPacketSize: a header announcing more stops the client at once', async () => {
    // CONNACK, then a PUBLISH header announcing 2 MB (remaining length 0x80 0x80 0x80 0x01) and a trickle of it.
    const { port } = await serve({ onConnection: (s) => s.write(Buffer.concat([connack(0), Buffer.from([0x30, 0x80, 0x80, 0x80, 0x01]), Buffer.alloc(100)])) });
    const c = await TestClient.open({ url: '', protocol: 'mqtt', host: '127.0.0.1', port }, { name: 'c', version: 4, timeoutMs: 2000, maxPacketSize: 1024 });
    clients.push(c);
    await c.expect({ type: 'connack' });
    const err = (await c.expect({ type: 'publish' }).catch((e: unknown) => e)) as FloodError;
    expect(err).toBeInstanceOf(FloodError);
    expect(err.kind).toBe('packet-size');
    expect(err.limit).toBe(1024);
    expect(err.received).toMatch(/^the broker sent "c" a packet larger than the 1024 bytes the test reads/);
    expect(c.decodeError).toBeUndefined();
  });

  it('refuses a maxPending that is not a whole number >= 1', async () => {
    const { port } = await serve({});
    await expect(TestClient.open({ url: '', protocol: 'mqtt', host: '127.0.0.1', port }, { name: 'c', version: 4, maxPending: 0 })).rejects.toBeInstanceOf(ClientUsageError);
  });

  it('hands each received packet to intercept first; what it consumes no expectation sees, the rest queue; next() takes the next whatever it is', async () => {
    const { port } = await serve({ onConnection: (s) => s.write(Buffer.concat([publish('a/b', 'x', { qos: 1, packetId: 7 }), connack()])) });
    const seen: Packet[] = [];
    const c = await TestClient.open(
      { url: `mqtt://127.0.0.1:${port}`, protocol: 'mqtt', host: '127.0.0.1', port },
      {
        name: 'c',
        version: 4,
        timeoutMs: 300,
        intercept: (p) => {
          seen.push(p);
          return p.type === 'publish';
        },
      },
    );
    clients.push(c);
    expect(await c.next()).toMatchObject({ type: 'connack' });
    expect(seen.map((p) => p.type)).toEqual(['publish', 'connack']);
    expect(c.received.map((p) => p.type)).toEqual(['publish', 'connack']);
    expect(c.pending).toEqual([]);
    await expect(c.next({ timeoutMs: 50 })).rejects.toBeInstanceOf(TimeoutError);
  });

  it('keeps no history with keepHistory off, and still adopts the CONNECT version and reports arrivals', async () => {
    const { port } = await serve({ onData: (s) => s.write(connack()) });
    const c = await TestClient.open({ url: `mqtt://127.0.0.1:${port}`, protocol: 'mqtt', host: '127.0.0.1', port }, { name: 'c', version: 4, keepHistory: false });
    clients.push(c);
    const arrival = c.nextArrival(1000);
    c.send({ type: 'connect', protocolName: 'MQTT', protocolVersion: 4, clean: true, keepalive: 0, clientId: 'k' });
    expect(await arrival).toBe(true);
    await c.expect({ type: 'connack' });
    expect(c.sent).toEqual([]);
    expect(c.received).toEqual([]);
  });

  it('reads nothing while paused and everything once resumed', async () => {
    let server: net.Socket | undefined;
    const { port } = await serve({ onConnection: (s) => (server = s) });
    const c = await open(port);
    c.pause();
    server?.write(connack());
    expect(await c.nextArrival(100)).toBe(false);
    c.resume();
    await c.expect({ type: 'connack' });
  });
});
