import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { mqttJsOptions, probe, versionFromSysText } from './probe.js';
import { resolveTarget } from '../../cli/resolve-target.js';
import type { Endpoint, StartedTarget } from './types.js';

describe('probe against a real mosquitto', () => {
  let broker: StartedTarget;
  beforeAll(async () => {
    broker = await resolveTarget('process:mosquitto').start();
  });
  afterAll(async () => {
    await broker.stop();
  });

  it('finds protocol levels, the MQTT 5 CONNACK declarations, $SYS and the version, and never infers mandatory behaviour', async () => {
    const result = await probe(broker.endpoint);
    expect(result.capabilities).toMatchObject({ versions: [3, 4, 5], sys: true });
    expect(result.capabilities.serverDeclarations).toBeDefined();
    // Retain, wildcards, granted QoS and shared subscriptions are judged, never probed (issue 15).
    for (const field of ['retain', 'wildcards', 'maxQoS', 'sharedSubscriptions'] as const) expect(result.capabilities).not.toHaveProperty(field);
    expect(result.versionText).toMatch(/^mosquitto version 2\./);
    expect(result.version).toMatch(/^2\.\d+\.\d+$/);
    expect(result.notes.join('\n')).toContain('MQTT 5 CONNACK declares');
  });

  it('leaves no retained message behind', async () => {
    await probe(broker.endpoint);
    const client = await connectAsync(broker.endpoint.url, mqttJsOptions(broker.endpoint, 4, 2000));
    try {
      const retained: string[] = [];
      client.on('message', (topic) => retained.push(topic));
      await client.subscribeAsync('mqtt-conformance/probe/#', { qos: 1 });
      // Barrier: a message published after the SUBSCRIBE arrives after any retained replay.
      const marker = new Promise<void>((resolve) => client.on('message', (topic) => topic === 'mqtt-conformance/probe/marker' && resolve()));
      await client.publishAsync('mqtt-conformance/probe/marker', 'm', { qos: 1 });
      await marker;
      expect(retained).toEqual(['mqtt-conformance/probe/marker']);
    } finally {
      await client.endAsync(true);
    }
  });
});

describe('probe of a broker with a packet size limit', () => {
  it('reads Maximum Packet Size from the MQTT 5 CONNACK', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'probe-limit-'));
    try {
      const profile = join(dir, 'limited.json');
      writeFileSync(
        profile,
        JSON.stringify({
          name: 'limited',
          probe: false,
          process: { command: ['/usr/sbin/mosquitto', '-c', '{config}'], files: { 'm.conf': ['listener {port} 127.0.0.1', 'allow_anonymous true', 'max_packet_size 1000'] } },
        }),
      );
      await using broker = await resolveTarget('process', { profile }).start();
      const result = await probe(broker.endpoint);
      expect(result.capabilities.maxPacketSize).toBe(1000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('probe against something that is not an MQTT broker', () => {
  let server: Server;
  let endpoint: Endpoint;
  beforeAll(async () => {
    server = createServer((socket) => {
      socket.resume(); // read, so that the client's close is seen and the connection ends
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    endpoint = { url: `mqtt://127.0.0.1:${address.port}`, protocol: 'mqtt', host: '127.0.0.1', port: address.port };
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('returns no capabilities and says why, without throwing', async () => {
    const result = await probe(endpoint, { timeoutMs: 500 });
    expect(result.capabilities).toEqual({});
    expect(result.notes.at(-1)).toContain('accepted no CONNECT');
  });
});

describe('versionFromSysText', () => {
  it.each([
    ['mosquitto version 2.0.11', '2.0.11'],
    ['2.0.18', '2.0.18'],
    ['VerneMQ 1.13.0-rc1', '1.13.0-rc1'],
    ['unknown', 'unknown'],
  ])('%s -> %s', (text, version) => {
    expect(versionFromSysText(text)).toBe(version);
  });
});
