import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PacketDecoder, encode } from '../../harness/codec/index.js';
import { FloodError, TraceRecorder, toTracePacket, traceHex } from '../../harness/client/index.js';
import type { Capabilities } from '../../harness/targets/index.js';
import { MAX_PENDING_ENV, VERDICT_MEDIA_TYPE } from './config.js';
import { TraceBudget } from './trace-budget.js';
import { MqttWorld } from './world.js';

const caps: Capabilities = { versions: [4, 5], maxQoS: 2, retain: true, wildcards: true, sys: false, tls: false, websocket: false, sharedSubscriptions: true };
const servers: net.Server[] = [];
const worlds: MqttWorld[] = [];

/**
 * A server that answers CONNECT with CONNACK and SUBSCRIBE with SUBACK, then floods endlessly
 * with PUBLISH on `topic` (or, when `topic` is 'subscribed', on the filter just subscribed to).
 */
async function floodingWorld(topic: string, attachments: { body: string; mediaType: string }[]): Promise<MqttWorld> {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    const decoder = new PacketDecoder({ version: 4 });
    const flood = (t: string): void => {
      const packet = encode({ type: 'publish', topic: t, payload: Buffer.alloc(512, 0x66), qos: 0, retain: false, dup: false }, 4);
      const pump = (): void => {
        while (!socket.destroyed && socket.write(packet));
        if (!socket.destroyed) socket.once('drain', pump);
      };
      pump();
    };
    socket.on('data', (chunk: Buffer) => {
      decoder.feed(chunk, (p) => {
        if (p.type === 'connect') {
          socket.write(encode({ type: 'connack', reasonCode: 0, sessionPresent: false }, 4));
          if (topic !== 'subscribed') flood(topic);
        }
        if (p.type === 'subscribe') {
          socket.write(encode({ type: 'suback', packetId: p.packetId, reasonCodes: [0] }, 4));
          if (topic === 'subscribed') flood(p.subscriptions[0]?.topicFilter ?? 'x');
        }
      });
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const attach = (body: string, mediaType: string): void => {
    attachments.push({ body, mediaType });
  };
  process.env[MAX_PENDING_ENV] = '100';
  const w = new MqttWorld({ attach: attach as never, log: () => undefined, link: () => undefined, parameters: {} });
  delete process.env[MAX_PENDING_ENV];
  w.setup({
    target: { endpoint: { url: `mqtt://127.0.0.1:${port}`, protocol: 'mqtt', host: '127.0.0.1', port }, capabilities: caps, description: { name: 't', url: '', kind: 'url' } },
    name: 'flood',
    tags: ['@v3.1.1', '@MQTT-3.1.4-4'],
    version: 4,
  });
  worlds.push(w);
  return w;
}

afterEach(async () => {
  await Promise.all(worlds.splice(0).map((w) => w.closeAll()));
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe('a flooded client, judged by the World', () => {
  it('fails under the rule the packets break when they are unsolicited (PUBLISH no subscription matches: MQTT-3.3.2-3)', async () => {
    const attachments: { body: string; mediaType: string }[] = [];
    const w = await floodingWorld('elsewhere', attachments);
    await w.connect('c');
    const err = await w.check([], () => w.client('c').expect({ type: 'suback', packetId: 1 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FloodError);
    const flood = err as FloodError;
    expect(flood.rule?.id).toBe('MQTT-3.3.2-3');
    expect(flood.message).toMatch(/^\[MQTT-3\.3\.2-3\] /);
    expect(flood.received).toMatch(/the broker flooded "c" with more than 100 unsolicited packets/);
    expect(flood.received).toMatch(/a PUBLISH on a topic that no subscription of this client matches/);
    expect(attachments.filter((a) => a.mediaType === VERDICT_MEDIA_TYPE)).toEqual([]);
    await w.judgeUnjudgedFloods('FloodError');
    expect(attachments.filter((a) => a.mediaType === VERDICT_MEDIA_TYPE)).toEqual([]);
  });

  it('is inconclusive when the scenario allows every packet (copies on a subscribed topic): the harness limit, not a rule', async () => {
    const attachments: { body: string; mediaType: string }[] = [];
    const w = await floodingWorld('subscribed', attachments);
    await w.connect('c');
    await w.subscribe('c', [{ topicFilter: w.topic('t'), qos: 0 }]);
    const err = await w.check([], () => w.client('c').expect({ type: 'publish', payload: Buffer.from('never') })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FloodError);
    const verdicts = attachments.filter((a) => a.mediaType === VERDICT_MEDIA_TYPE).map((a) => JSON.parse(a.body) as { verdict: string; reason: string });
    expect(verdicts).toHaveLength(1);
    expect(verdicts[0]?.verdict).toBe('inconclusive');
    expect(verdicts[0]?.reason).toMatch(/harness's limit was reached, not a rule: the broker sent "c" more than 100 packets/);
  });

  it('a step that met the flood without the World is judged at the end of the scenario', async () => {
    const attachments: { body: string; mediaType: string }[] = [];
    const w = await floodingWorld('subscribed', attachments);
    await w.connect('c');
    await w.subscribe('c', [{ topicFilter: w.topic('t'), qos: 0 }]);
    await expect(w.client('c').expect({ type: 'publish', payload: Buffer.from('never') })).rejects.toBeInstanceOf(FloodError);
    await w.judgeUnjudgedFloods('TimeoutError');
    expect(attachments).toEqual([]);
    await w.judgeUnjudgedFloods('FloodError');
    expect(attachments.map((a) => JSON.parse(a.body) as { verdict: string })).toEqual([expect.objectContaining({ verdict: 'inconclusive' })]);
  });
});

describe('a packet over the client size limit, judged by the World', () => {
  it('is inconclusive: MQTT allows packets up to 256 MB, the limit is the harness\'s', async () => {
    const server = net.createServer((socket) => {
      socket.on('error', () => undefined);
      socket.once('data', () => {
        socket.write(encode({ type: 'connack', reasonCode: 0, sessionPresent: false }, 4));
        // A PUBLISH header announcing 200 MB (within MQTT's 256 MB), then its first bytes.
        socket.write(Buffer.concat([Buffer.from([0x30, 0x80, 0x80, 0x80, 0x64]), Buffer.alloc(1000)]));
      });
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const attachments: { body: string; mediaType: string }[] = [];
    const w = new MqttWorld({ attach: ((body: string, mediaType: string) => void attachments.push({ body, mediaType })) as never, log: () => undefined, link: () => undefined, parameters: {} });
    w.setup({
      target: { endpoint: { url: `mqtt://127.0.0.1:${port}`, protocol: 'mqtt', host: '127.0.0.1', port }, capabilities: caps, description: { name: 't', url: '', kind: 'url' } },
      name: 'big',
      tags: ['@v3.1.1', '@MQTT-3.1.4-4'],
      version: 4,
    });
    worlds.push(w);
    await w.connect('c');
    const err = await w.check([], () => w.client('c').expect({ type: 'publish' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FloodError);
    expect((err as FloodError).kind).toBe('packet-size');
    const verdicts = attachments.map((a) => JSON.parse(a.body) as { verdict: string; reason: string });
    expect(verdicts).toEqual([expect.objectContaining({ verdict: 'inconclusive' })]);
    expect(verdicts[0]?.reason).toMatch(/harness's limit was reached, not a rule: the broker sent "c" a packet larger than the 16777216 bytes/);
  });
});

describe('TraceBudget', () => {
  const trace = new TraceRecorder();
  const payload = Buffer.alloc(1024, 0x66);
  for (let i = 0; i < 300; i++) {
    const p = { type: 'publish' as const, topic: 'f', payload, qos: 0 as const, retain: false, dup: false };
    trace.record({ client: `c${i % 3}`, dir: 'in', hex: traceHex(encode(p, 4)), packet: toTracePacket(p) });
  }

  it('gives each scenario at most its bound, the rest of the worker budget, and never less than the floor', () => {
    const budget = new TraceBudget(100_000, 40_000, 3_000);
    const sizes = Array.from({ length: 6 }, () => budget.attachment(trace.entries).length);
    for (const s of sizes) expect(s).toBeLessThanOrEqual(40_000);
    expect(sizes.slice(-2).every((s) => s <= 3_000)).toBe(true);
    expect(budget.used).toBe(sizes.reduce((a, b) => a + b, 0));
    expect(budget.used).toBeLessThanOrEqual(100_000 + 40_000 + 3 * 3_000);
    // Still a trace: valid JSON with the cut said.
    const last = JSON.parse(budget.attachment(trace.entries)) as { event?: string; client: string }[];
    expect(Array.isArray(last)).toBe(true);
  });

  it('attaches a small trace whole', () => {
    const small = new TraceRecorder();
    small.record({ client: 'c', dir: 'event', event: 'connect', note: 'x' });
    expect(JSON.parse(new TraceBudget().attachment(small.entries))).toEqual(JSON.parse(JSON.stringify(small.entries)));
  });
});
