import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveTarget } from '../../cli/resolve-target.js';
import { roundTrip } from '../../test/support/targets/round-trip.js';
import { makeCertificates } from '../../test/support/targets/certificates.js';
import { TargetError, type StartedTarget } from './types.js';
import { findFreePort } from './net.js';

describe('mqtts:// targets (mosquitto with TLS, started from a --profile file)', () => {
  let dir: string;
  let broker: StartedTarget;
  let url: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tls-target-'));
    makeCertificates(dir);
    // The process target checks its own endpoint (a CONNECT must get a CONNACK) before it counts
    // as started, and it holds no client certificate: so it gets a plain listener, and the TLS
    // listener that requires a certificate, the subject of these tests, a port of its own.
    const tlsPort = await findFreePort('127.0.0.1');
    const profile = {
      name: 'mosquitto-tls',
      process: {
        command: ['/usr/sbin/mosquitto', '-c', '{config}'],
        files: {
          'mosquitto.conf': [
            'listener {port} 127.0.0.1',
            `listener ${String(tlsPort)} 127.0.0.1`,
            `cafile ${dir}/ca.pem`,
            `certfile ${dir}/server.pem`,
            `keyfile ${dir}/server.key`,
            'require_certificate true',
            'allow_anonymous true',
            'persistence false',
          ],
        },
        endpoint: { protocol: 'mqtt' },
      },
      capabilities: { versions: [4], sys: false },
      probe: false,
    };
    writeFileSync(join(dir, 'profile.json'), JSON.stringify(profile));
    // mosquitto, started as root, reads its key files after dropping to user "mosquitto".
    execFileSync('chmod', ['-R', 'a+rX', dir]);
    broker = await resolveTarget('process', { profile: join(dir, 'profile.json') }).start();
    url = `mqtts://127.0.0.1:${String(tlsPort)}`;
  });
  afterAll(async () => {
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('connects with the CA and a client certificate', async () => {
    await using target = await resolveTarget(url, { ca: join(dir, 'ca.pem'), cert: join(dir, 'client.pem'), key: join(dir, 'client.key') }).start();
    expect(target.capabilities).toMatchObject({ tls: true, versions: [3, 4, 5] });
    expect(await roundTrip(target.endpoint)).toMatch(/^hello/);
  });

  it('connects with --insecure and a client certificate but no CA', async () => {
    await using target = await resolveTarget(url, { insecure: true, cert: join(dir, 'client.pem'), key: join(dir, 'client.key') }).start();
    expect(await roundTrip(target.endpoint)).toMatch(/^hello/);
  });

  it('reports an untrusted server certificate as TARGET_UNREACHABLE, naming the TLS problem', async () => {
    const error = await resolveTarget(url, { cert: join(dir, 'client.pem'), key: join(dir, 'client.key') })
      .start()
      .then(
        async (t) => {
          await t.stop();
          throw new Error('expected the certificate to be refused');
        },
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(TargetError);
    expect((error as TargetError).code).toBe('TARGET_UNREACHABLE');
    expect((error as TargetError).message).toMatch(/certificate/i);
  });
});

describe('wss:// targets (mosquitto with a TLS WebSocket listener)', () => {
  let dir: string;
  let broker: StartedTarget;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wss-target-'));
    makeCertificates(dir);
    const profile = {
      name: 'mosquitto-wss',
      process: {
        command: ['/usr/sbin/mosquitto', '-c', '{config}'],
        files: {
          'mosquitto.conf': [
            'listener {auxPort} 127.0.0.1',
            'listener {port} 127.0.0.1',
            'protocol websockets',
            `certfile ${dir}/server.pem`,
            `keyfile ${dir}/server.key`,
            'allow_anonymous true',
            'persistence false',
          ],
        },
        endpoint: { protocol: 'wss', path: '/mqtt' },
      },
      capabilities: { versions: [4], sys: false },
      probe: false,
    };
    writeFileSync(join(dir, 'profile.json'), JSON.stringify(profile));
    execFileSync('chmod', ['-R', 'a+rX', dir]);
    broker = await resolveTarget('process', { profile: join(dir, 'profile.json') }).start();
  });
  afterAll(async () => {
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('connects over wss:// with the CA', async () => {
    await using target = await resolveTarget(`wss://127.0.0.1:${broker.endpoint.port}/mqtt`, { ca: join(dir, 'ca.pem') }).start();
    expect(target.endpoint).toMatchObject({ protocol: 'wss', path: '/mqtt', tls: { rejectUnauthorized: true } });
    expect(target.capabilities).toMatchObject({ tls: true, websocket: true });
    expect(await roundTrip(target.endpoint)).toMatch(/^hello/);
  });
});
