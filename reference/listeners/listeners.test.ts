/** TLS, WebSocket and secure WebSocket listeners, several at once, with certificates made at test time. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeAll, encode } from '../../harness/codec/index.js';
import { startBroker, type RunningBroker } from '../index.js';
import { connectPacket } from '../../test/support/reference/raw-client.js';
import { makeTestCertificates, type TestCertificates } from './test-certs.js';

let dir: string;
let certs: TestCertificates;
let broker: RunningBroker;
const url = (protocol: string): string => {
  const l = broker.listeners.find((x) => x.protocol === protocol && x.port !== 0);
  if (!l) throw new Error(`no ${protocol} listener`);
  return l.url;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mqtt-tls-'));
  certs = makeTestCertificates(dir, ['alice']);
  const tls = { cert: certs.serverCert, key: certs.serverKey };
  broker = await startBroker({
    sysIntervalSeconds: 0,
    listeners: [
      { protocol: 'mqtt' },
      { protocol: 'mqtts', tls },
      { protocol: 'ws' },
      { protocol: 'wss', tls },
      // client certificates required; CN is the user name
      { protocol: 'mqtts', tls: { ...tls, ca: certs.ca, identityAsUsername: true } },
    ],
    auth: { allowAnonymous: true },
  });
}, 60_000);
afterAll(async () => {
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

const ca = (): Buffer => readFileSync(certs.ca);

describe('listeners', () => {
  it('serve every transport from one config; a message crosses all of them', async () => {
    expect(broker.listeners.map((l) => l.protocol)).toEqual(['mqtt', 'mqtts', 'ws', 'wss', 'mqtts']);
    expect(broker.url).toBe(broker.listeners[0]?.url);
    const opts = { ca: ca(), reconnectPeriod: 0 };
    const clients = await Promise.all([
      mqtt.connectAsync(broker.listeners[0]!.url, opts),
      mqtt.connectAsync(broker.listeners[1]!.url, opts),
      mqtt.connectAsync(broker.listeners[2]!.url, opts),
      mqtt.connectAsync(broker.listeners[3]!.url, opts),
    ]);
    try {
      const got = clients.map(
        (c, i) =>
          new Promise<string>((resolve) => {
            c.on('message', (_t, payload) => resolve(`${String(i)}:${payload.toString()}`));
          }),
      );
      for (const c of clients) await c.subscribeAsync('x/all', { qos: 1 });
      await clients[2].publishAsync('x/all', 'over-ws', { qos: 1 });
      expect(await Promise.all(got)).toEqual(['0:over-ws', '1:over-ws', '2:over-ws', '3:over-ws']);
    } finally {
      await Promise.all(clients.map((c) => c.endAsync()));
    }
  });

  it('TLS: refuses a client that does not trust the certificate (handshake fails)', async () => {
    const error = await new Promise<Error>((resolve) => {
      const s = tlsConnect({ host: '127.0.0.1', port: broker.listeners[1]!.port, servername: 'localhost' });
      s.once('secureConnect', () => resolve(new Error('handshake succeeded')));
      s.once('error', resolve);
    });
    expect((error as NodeJS.ErrnoException).code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/);
  });

  it('TLS with client certificates: the CN is the user name; no or a foreign certificate is refused', async () => {
    const port = broker.listeners[4]!.port;
    const alice = certs.clients.alice!;
    const raw = async (cert?: { cert: string; key: string }): Promise<Buffer | Error> =>
      await new Promise((resolve) => {
        const s = tlsConnect({ host: '127.0.0.1', port, ca: ca(), servername: 'localhost', ...(cert ? { cert: readFileSync(cert.cert), key: readFileSync(cert.key) } : {}) });
        let got = Buffer.alloc(0);
        s.on('secureConnect', () => s.write(encode(connectPacket('cert-client'), 4)));
        s.on('data', (d: Buffer) => {
          got = Buffer.concat([got, d]);
          if (got.length >= 4) {
            s.destroy();
            resolve(got);
          }
        });
        s.on('error', (e: Error) => resolve(e));
        s.on('close', () => resolve(got.length > 0 ? got : new Error('closed without CONNACK')));
      });
    const ok = await raw(alice);
    expect(ok).toBeInstanceOf(Buffer);
    expect(decodeAll(ok as Buffer)[0]).toMatchObject({ type: 'connack', reasonCode: 0 });
    expect(await raw()).toBeInstanceOf(Error);
    expect(await raw(certs.stranger)).toBeInstanceOf(Error);
  });

  it('WebSocket: selects the "mqtt" subprotocol, refuses a client that offers none, closes on a text frame (MQTT-6.0.0-1, -4)', async () => {
    const wsUrl = url('ws');
    const ws = new WebSocket(wsUrl, ['mqtt']);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    expect(ws.protocol).toBe('mqtt');
    // One frame holding a CONNECT and a PINGREQ (MQTT-6.0.0-2): both answered.
    ws.send(Buffer.concat([encode(connectPacket('ws-raw'), 4), encode({ type: 'pingreq' }, 4)]));
    const packets: string[] = [];
    await new Promise<void>((resolve) => {
      ws.on('message', (data: Buffer) => {
        for (const p of decodeAll(data, 4)) packets.push(p.type);
        if (packets.length >= 2) resolve();
      });
    });
    expect(packets).toEqual(['connack', 'pingresp']);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('text is not allowed');
    expect(await closed).toBe(1003);

    const refused = new WebSocket(wsUrl);
    const status = await new Promise<number | string>((resolve) => {
      refused.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      refused.once('open', () => resolve('opened'));
      refused.once('error', (e) => resolve(e.message));
    });
    expect(status).not.toBe('opened');
  });
});
