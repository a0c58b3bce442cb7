/** The reference targets' TLS, WebSocket and secure WebSocket listeners, declared capabilities and cleanup. */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { tryTcpConnect } from '../../harness/targets/url.js';
import { tsxLoaderUrl } from '../../harness/targets/placeholders.js';
import { PACKAGE_ROOT } from '../../harness/targets/profiles.js';
import { createReferenceCertificate, listenerCapabilities, REFERENCE_MAX_PACKET_SIZE, referenceCertificateOrNone } from './reference-listeners.js';
import { ReferenceTarget } from './reference-target.js';
import { resolveTarget } from '../../cli/resolve-target.js';
import { roundTrip } from '../../test/support/targets/round-trip.js';
import { TargetError, type StartedTarget } from '../../harness/targets/types.js';

/** The temporary certificate directories holding this certificate (PEM). */
function certificateDirsOf(pem: string): string[] {
  return readdirSync(tmpdir())
    .filter((name) => name.startsWith('mqttc-reference-tls-'))
    .map((name) => join(tmpdir(), name))
    .filter((dir) => {
      try {
        return readFileSync(join(dir, 'server.crt'), 'utf8') === pem;
      } catch {
        return false;
      }
    });
}

const started: StartedTarget[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((t) => t.stop()));
});

describe('reference target listeners', () => {
  it.each(['reference', 'reference:process'])(
    '%s opens TLS, WebSocket and secure WebSocket listeners, declares them with maxPacketSize, and removes its certificate at stop',
    async (spec) => {
      const target = await resolveTarget(spec).start();
      started.push(target);
      const caps = target.capabilities;
      expect(caps).toMatchObject({ tls: true, websocket: true, maxPacketSize: REFERENCE_MAX_PACKET_SIZE });
      const { mqtts, ws, wss } = caps.endpoints ?? {};
      if (mqtts === undefined || ws === undefined || wss === undefined) throw new Error(`${spec} declares no mqtts/ws/wss endpoints: ${JSON.stringify(caps.endpoints)}`);
      expect(mqtts).toMatchObject({ protocol: 'mqtts', host: '127.0.0.1', tls: { rejectUnauthorized: true } });
      expect(ws).toMatchObject({ protocol: 'ws', path: '/mqtt', url: `ws://127.0.0.1:${String(ws.port)}/mqtt` });
      expect(wss).toMatchObject({ protocol: 'wss', path: '/mqtt', tls: { rejectUnauthorized: true } });
      expect(new Set([target.endpoint.port, mqtts.port, ws.port, wss.port]).size).toBe(4);
      const ca = mqtts.tls?.ca;
      if (ca === undefined) throw new Error('the mqtts endpoint carries no CA');
      expect(wss.tls?.ca).toBe(ca);
      expect(certificateDirsOf(ca)).toHaveLength(1);

      // Each listener carries MQTT, the TLS ones verified against the generated certificate.
      for (const endpoint of [target.endpoint, mqtts, ws, wss]) expect(await roundTrip(endpoint)).toMatch(/^hello/);
      // A client that does not trust the certificate is refused.
      const untrusted = await new Promise<Error>((resolve) => {
        const socket = tlsConnect({ host: mqtts.host, port: mqtts.port, rejectUnauthorized: true }, () => resolve(new Error('handshake accepted')));
        socket.once('error', resolve);
      });
      expect(untrusted.message).toMatch(/self[- ]signed|unable to verify|certificate/i);

      await target.stop();
      expect(certificateDirsOf(ca)).toEqual([]);
      for (const endpoint of [target.endpoint, mqtts, ws, wss]) expect((await tryTcpConnect(endpoint.host, endpoint.port, 500)).ok).toBe(false);
    },
  );

  it('without openssl the in-process target declares tls false and keeps its WebSocket listener', async () => {
    const path = process.env['PATH'];
    process.env['PATH'] = join(tmpdir(), 'mqttc-no-such-bin-dir');
    let target: StartedTarget;
    try {
      target = await new ReferenceTarget().start();
    } finally {
      process.env['PATH'] = path;
    }
    started.push(target);
    expect(target.capabilities).toMatchObject({ tls: false, websocket: true, maxPacketSize: REFERENCE_MAX_PACKET_SIZE });
    expect(Object.keys(target.capabilities.endpoints ?? {}).sort()).toEqual(['mqtt', 'ws']);
    const ws = target.capabilities.endpoints?.ws;
    if (ws === undefined) throw new Error('no ws endpoint');
    expect(await roundTrip(ws)).toMatch(/^hello/);
  });

  it('a missing openssl is a TARGET_START_FAILED naming openssl, leaving no temporary directory', async () => {
    const before = readdirSync(tmpdir()).filter((n) => n.startsWith('mqttc-reference-tls-')).length;
    const error = await createReferenceCertificate('mqttc-no-such-openssl').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TargetError);
    expect(error).toMatchObject({ code: 'TARGET_START_FAILED', message: expect.stringMatching(/mqttc-no-such-openssl was not found/) });
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith('mqttc-reference-tls-')).length).toBeLessThanOrEqual(before);
    const warnings: string[] = [];
    expect(await referenceCertificateOrNone((line) => warnings.push(line), 'mqttc-no-such-openssl')).toBeUndefined();
    expect(warnings.join('\n')).toMatch(/openssl was not found.*not applicable/);
  });

  it('a certificate made at start is for localhost and 127.0.0.1, and remove() deletes it (idempotent)', async () => {
    const cert = await createReferenceCertificate();
    expect(cert.certPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const { X509Certificate } = await import('node:crypto');
    const x509 = new X509Certificate(cert.certPem);
    expect(x509.checkHost('localhost')).toBe('localhost');
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    await Promise.all([cert.remove(), cert.remove()]);
    expect(existsSync(cert.dir)).toBe(false);
  });

  it('declares the first listener of each transport, and tls/websocket as the listeners show', () => {
    const caps = listenerCapabilities(
      [
        { protocol: 'mqtt', host: '0.0.0.0', port: 1 },
        { protocol: 'ws', host: '::1', port: 2 },
        { protocol: 'ws', host: '127.0.0.1', port: 3 },
      ],
      undefined,
      100,
    );
    expect(caps).toMatchObject({ tls: false, websocket: true, maxPacketSize: 100 });
    expect(caps.endpoints?.mqtt).toMatchObject({ url: 'mqtt://127.0.0.1:1', host: '127.0.0.1' });
    expect(caps.endpoints?.ws).toMatchObject({ url: 'ws://[::1]:2/mqtt', port: 2 });
  });

  it.each([
    [['--tls-cert', 'server.crt'], /--tls-cert and --tls-key go together/],
    [['--max-packet-size', '1'], /--max-packet-size: expected an integer/],
    [['--listeners-file'], /--listeners-file needs a value/],
  ])('the launcher reference.ts refuses %j with exit code 2 and says why', async (args, message) => {
    const child = spawn(process.execPath, ['--import', tsxLoaderUrl(), join(PACKAGE_ROOT, 'reference/target/launcher.ts'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
