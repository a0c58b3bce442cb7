import { afterEach, describe, expect, it } from 'vitest';
import { resolveTarget } from '../../cli/resolve-target.js';
import { connect } from 'node:net';
import { tryTcpConnect } from '../../harness/targets/url.js';
import { roundTrip } from '../../test/support/targets/round-trip.js';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { connectAsync, type IClientOptions } from 'mqtt';
import { SCRAM_SHA_256, ScramClient } from '../index.js';
import { mqttJsOptions } from '../../harness/targets/probe.js';
import { spawn } from 'node:child_process';
import { tsxLoaderUrl } from '../../harness/targets/placeholders.js';
import { PACKAGE_ROOT } from '../../harness/targets/profiles.js';
import type { StartedTarget } from '../../harness/targets/types.js';

/** The temporary directories whose password file holds `username` (the credentials of one start). */
function credentialDirsOf(username: string): string[] {
  return readdirSync(tmpdir())
    .filter((name) => name.startsWith('mqttc-reference-auth-'))
    .map((name) => join(tmpdir(), name))
    .filter((dir) => {
      try {
        return readFileSync(join(dir, 'passwd'), 'utf8').startsWith(`${username}:`);
      } catch {
        return false;
      }
    });
}

/** A full SCRAM-SHA-256 exchange by MQTT.js (MQTT 5.0): resolves with whether the server proved it knows the credential. */
async function scramLogin(target: StartedTarget, username: string, password: string): Promise<boolean> {
  const scram = new ScramClient(username, password);
  const client = mqtt.connect(target.endpoint.url, {
    ...mqttJsOptions(target.endpoint, 5, 2000),
    properties: { authenticationMethod: SCRAM_SHA_256 },
    authPacket: { reasonCode: 0x18, properties: { authenticationMethod: SCRAM_SHA_256, authenticationData: scram.first() } },
  } as IClientOptions);
  client.handleAuth = (packet, callback) => {
    callback(undefined, { cmd: 'auth', reasonCode: 0x18, properties: { authenticationMethod: SCRAM_SHA_256, authenticationData: scram.final(packet.properties?.authenticationData as Buffer) } });
  };
  try {
    const connack = await new Promise<{ reasonCode?: number; properties?: { authenticationData?: Buffer } }>((resolve, reject) => {
      client.once('connect', resolve);
      client.once('error', reject);
    });
    return (connack.reasonCode ?? 0) === 0 && scram.verify(connack.properties?.authenticationData);
  } finally {
    await client.endAsync(true);
  }
}

const started: StartedTarget[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((t) => t.stop()));
});

describe('reference targets', () => {
  it('runs the reference broker in process on a free port', async () => {
    await using target = await resolveTarget('reference').start();
    expect(target.endpoint).toMatchObject({ protocol: 'mqtt', host: '127.0.0.1' });
    expect(target.endpoint.port).toBeGreaterThan(0);
    expect(target.describe()).toMatchObject({ name: 'reference', kind: 'reference', version: expect.any(String) });
    expect(target.capabilities).toMatchObject({ retain: true, wildcards: true, sysInterval: 1, connectTimeout: 2 });
    expect(target.capabilities.versions).toContain(4);
    expect(await roundTrip(target.endpoint)).toMatch(/^hello/);
  });

  it('starts an isolated second instance for @serial scenarios: its own ports, the same credentials and declared behaviour', async () => {
    await using target = await resolveTarget('reference').start();
    expect(typeof target.startIsolated).toBe('function');
    const twin = await target.startIsolated?.();
    if (twin === undefined) throw new Error('no isolated instance');
    started.push(twin);
    expect(twin.endpoint.port).not.toBe(target.endpoint.port);
    expect(twin.describe()).toEqual({ ...target.describe(), url: twin.endpoint.url });
    const { endpoints: _e1, ...declared } = target.capabilities;
    const { endpoints: _e2, ...twinDeclared } = twin.capabilities;
    expect(twinDeclared).toEqual(declared);
    // The second instance has no second instance of its own.
    expect('startIsolated' in twin).toBe(false);
    expect(await roundTrip(twin.endpoint)).toMatch(/^hello/);
    await twin.stop();
    // Stopping it leaves the shared instance serving.
    expect((await tryTcpConnect('127.0.0.1', twin.endpoint.port, 500)).ok).toBe(false);
    expect(await roundTrip(target.endpoint)).toMatch(/^hello/);
  });

  it('runs the reference broker as a child process (reference:process) and stops it', async () => {
    const target = await resolveTarget('reference:process').start();
    started.push(target);
    expect(target.describe()).toMatchObject({ name: 'reference', kind: 'process' });
    expect(target.capabilities).toMatchObject({ sysInterval: 1, connectTimeout: 2 });
    expect(await roundTrip(target.endpoint)).toMatch(/^hello/);
    expect(target.failure?.()).toBeUndefined();
    // The launcher's own process (no wrapper), as the benchmark reads it.
    expect(target.process?.pid).toBeGreaterThan(0);
    expect(target.process?.rssBytes()).toBeGreaterThan(10 * 1024 * 1024);
    await target.stop();
    expect((await tryTcpConnect('127.0.0.1', target.endpoint.port, 500)).ok).toBe(false);
  });

  it.each(['reference', 'reference:process'])(
    '%s checks generated credentials (password file, SCRAM-SHA-256), still admits anonymous clients, and removes the credentials at stop',
    async (spec) => {
      const target = await resolveTarget(spec).start();
      started.push(target);
      const { auth, authMethods } = target.capabilities;
      if (auth?.invalidPassword === undefined) throw new Error(`${spec} declares no credentials`);
      expect(auth.anonymousAllowed).toBe(true);
      expect(authMethods).toEqual(['SCRAM-SHA-256']);
      expect(credentialDirsOf(auth.valid.username)).toHaveLength(1);

      expect(await roundTrip(target.endpoint)).toMatch(/^hello/);
      const options = mqttJsOptions(target.endpoint, 4, 2000);
      const ok = await connectAsync(target.endpoint.url, { ...options, username: auth.valid.username, password: auth.valid.password });
      await ok.endAsync(true);
      await expect(connectAsync(target.endpoint.url, { ...options, username: auth.invalidPassword.username, password: auth.invalidPassword.password })).rejects.toMatchObject({ code: 4 });
      await expect(connectAsync(target.endpoint.url, { ...options, username: 'nobody', password: auth.valid.password })).rejects.toMatchObject({ code: 4 });
      expect(await scramLogin(target, auth.valid.username, auth.valid.password)).toBe(true);

      await target.stop();
      expect(credentialDirsOf(auth.valid.username)).toEqual([]);
    },
  );

  it.each([
    ['reference.ts', ['--scram-users-file', join(tmpdir(), 'no-such-scram-users.json')], /--scram-users-file .*no-such-scram-users\.json/],
    ['reference.ts', ['--password-file'], /--password-file needs a value/],
    ['aedes.ts', ['--port', '0', '--password-file', 'users.txt'], /unknown argument --password-file/],
  ])('the launcher %s refuses %j with exit code 2 and says why', async (launcher, args, message) => {
    const child = spawn(process.execPath, ['--import', tsxLoaderUrl(), join(PACKAGE_ROOT, launcher === 'reference.ts' ? 'reference/target/launcher.ts' : `harness/targets/launchers/${launcher}`), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it.each(['reference', 'reference:process', 'process:aedes'])('%s closes a connection that sends no CONNECT within its declared connectTimeout', async (spec) => {
    const target = await resolveTarget(spec).start();
    started.push(target);
    const seconds = target.capabilities.connectTimeout;
    if (seconds === undefined) throw new Error(`${spec} declares no connectTimeout`);
    const socket = connect(target.endpoint.port, target.endpoint.host);
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      const bound = setTimeout(() => reject(new Error(`still open after ${seconds * 2} s`)), seconds * 2000);
      socket.once('close', () => {
        clearTimeout(bound);
        resolve();
      });
      socket.on('error', () => undefined);
    });
    expect(performance.now() - t0).toBeGreaterThan(seconds * 1000 * 0.5);
  });
});
