import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Socket } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import { connectAsync } from 'mqtt';
import { resolveTarget } from '../../cli/resolve-target.js';
import { loadBundledProfile } from './profiles.js';
import { launcherCommand } from './placeholders.js';
import { GC_DONE_MARKER, GC_REQUEST_SIGNAL } from './launchers/args.js';
import { spawn } from 'node:child_process';
import { mqttJsOptions } from './probe.js';
import { findFreePort } from './net.js';
import { tryTcpConnect } from './url.js';
import { roundTrip } from '../../test/support/targets/round-trip.js';
import { TargetError, type StartedTarget } from './types.js';

/** Every target a test starts is stopped after it, even when the test fails. */
const started: StartedTarget[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((t) => t.stop()));
});
async function start(spec: string): Promise<StartedTarget> {
  const target = await resolveTarget(spec).start();
  started.push(target);
  return target;
}
async function startError(spec: string): Promise<TargetError> {
  try {
    started.push(await resolveTarget(spec).start());
  } catch (error) {
    if (error instanceof TargetError) return error;
    throw error;
  }
  throw new Error(`${spec} started, but an error was expected`);
}
async function accepting(port: number): Promise<boolean> {
  return (await tryTcpConnect('127.0.0.1', port, 500)).ok;
}

describe('process:mosquitto', () => {
  it('starts Debian mosquitto on a free port, reaches it, reads its version, and stops it', async () => {
    const target = await start('process:mosquitto');
    expect(target.endpoint).toMatchObject({ protocol: 'mqtt', host: '127.0.0.1' });
    expect(target.describe()).toMatchObject({ name: 'mosquitto', kind: 'process', version: expect.stringMatching(/^2\.\d+\.\d+/) });
    expect(await roundTrip(target.endpoint)).toMatch(/^hello/);
    expect(target.failure?.()).toBeUndefined();
    await target.stop();
    expect(await accepting(target.endpoint.port)).toBe(false);
    await target.stop(); // a second stop is harmless
  });

  it('accepts the profile credentials and refuses a wrong password', async () => {
    const target = await start('process:mosquitto');
    const auth = target.capabilities.auth;
    if (auth?.invalidPassword === undefined) throw new Error('the mosquitto profile declares credentials');
    const options = mqttJsOptions(target.endpoint, 4, 2000);
    const ok = await connectAsync(target.endpoint.url, { ...options, username: auth.valid.username, password: auth.valid.password });
    await ok.endAsync();
    await expect(connectAsync(target.endpoint.url, { ...options, username: auth.invalidPassword.username, password: auth.invalidPassword.password })).rejects.toThrow(
      /Not authorized|Bad username or password/i,
    );
  });
});

describe('mqtt:// and ws:// URL targets', () => {
  it('reaches a running mosquitto through mqtt://host:port and probes it', async () => {
    const broker = await start('process:mosquitto');
    const target = await start(`mqtt://127.0.0.1:${broker.endpoint.port}`);
    expect(target.describe()).toMatchObject({ kind: 'url', url: `mqtt://127.0.0.1:${broker.endpoint.port}`, version: broker.describe().version });
    expect(target.capabilities).toMatchObject({ versions: [3, 4, 5], maxQoS: 2, retain: true, wildcards: true, sys: true, tls: false });
    expect(await roundTrip(target.endpoint)).toMatch(/^hello/);
  });

  it('reaches mosquitto over WebSocket (process:mosquitto-ws, then ws://…/mqtt)', async () => {
    const broker = await start('process:mosquitto-ws');
    expect(broker.endpoint).toMatchObject({ protocol: 'ws', path: '/mqtt' });
    const target = await start(`ws://127.0.0.1:${broker.endpoint.port}/mqtt`);
    expect(target.capabilities).toMatchObject({ websocket: true, retain: true });
    expect(await roundTrip(target.endpoint)).toMatch(/^hello/);
  });

  it('reports a closed port as TARGET_UNREACHABLE at once', async () => {
    const port = await findFreePort();
    const t0 = performance.now();
    const error = await startError(`mqtt://127.0.0.1:${port}`);
    expect(error.code).toBe('TARGET_UNREACHABLE');
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(performance.now() - t0).toBeLessThan(3500);
  });
});

describe('a broker that refuses anonymous clients', () => {
  it('is probed with the credentials its profile declares', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'auth-target-'));
    try {
      const mosquitto = loadBundledProfile('mosquitto');
      const files = { ...(mosquitto.process?.files ?? {}) };
      const conf = files['mosquitto.conf'];
      if (!Array.isArray(conf)) throw new Error('the mosquitto profile has a mosquitto.conf template');
      files['mosquitto.conf'] = conf.map((line) => (line === 'allow_anonymous true' ? 'allow_anonymous false' : line));
      const auth = { valid: { username: 'conformance', password: 'conformance-secret' }, anonymousAllowed: false };
      const profile = join(dir, 'closed.json');
      writeFileSync(profile, JSON.stringify({ name: 'closed', process: { ...mosquitto.process, files }, capabilities: { auth } }));
      const broker = await resolveTarget('process', { profile }).start();
      started.push(broker);
      // The same broker through a URL: without the profile the probe is refused, with it the probe succeeds.
      const url = `mqtt://127.0.0.1:${broker.endpoint.port}`;
      const refused = await startError(url);
      expect(refused.code).toBe('TARGET_CONFIG');
      expect(refused.message).toMatch(/refuses anonymous clients.*--profile/);
      const withProfile = await resolveTarget(url, { profile }).start();
      started.push(withProfile);
      expect(withProfile.capabilities).toMatchObject({ versions: [3, 4, 5], sys: true, auth });
      expect(withProfile.describe()).toMatchObject({ name: 'closed', version: expect.stringMatching(/^2\./) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('process:aedes', () => {
  it('starts Aedes through its launcher and reaches it', async () => {
    const target = await start('process:aedes');
    expect(target.describe()).toMatchObject({ name: 'aedes', kind: 'process' });
    expect(target.capabilities).toMatchObject({ versions: [3, 4], maxQoS: 2 });
    expect(await roundTrip(target.endpoint)).toMatch(/^hello/);
    // The broker's own process: its pid, /proc readings, and a signal its launcher acknowledges (a GC).
    const proc = target.process;
    expect(proc?.pid).toBeGreaterThan(0);
    expect(proc?.rssBytes()).toBeGreaterThan(10 * 1024 * 1024);
    expect(proc?.cpuSeconds()).toBeGreaterThan(0);
    expect(await proc?.ask(GC_REQUEST_SIGNAL, new RegExp(`^${GC_DONE_MARKER}$`), 5000)).toBe(true);
    await target.stop();
    expect(await accepting(target.endpoint.port)).toBe(false);
    expect(proc?.rssBytes()).toBeUndefined();
    expect(await proc?.ask(GC_REQUEST_SIGNAL, /never/, 5000)).toBe(false);
  });
});

describe('generic process targets', () => {
  // Answers every connection with a CONNACK; dies after the second (the readiness check's, then the target sanity check's).
  // The fake ignores socket errors: a client closing with the CONNACK unread resets the connection (ECONNRESET), which must not kill it before its chosen exit.
  const listenThenDie = `process:{node} -e "let n=0;const s=require('net').createServer(c=>{c.on('error',()=>{});c.end(Buffer.from([32,2,0,0]));if(++n===2){s.close();setTimeout(()=>process.exit(7),300)}});s.listen(+process.argv[1],'127.0.0.1',()=>console.log('up'))" {port}`;

  it('shows the output of a broker that fails to start', async () => {
    const error = await startError(`process:{node} -e "console.error('cannot load module frobnicate');process.exit(4)" {port}`);
    expect(error.code).toBe('TARGET_START_FAILED');
    expect(error.message).toContain('exited with code 4');
    expect(error.detail).toContain('cannot load module frobnicate');
  });

  it('reports a binary that does not exist', async () => {
    const error = await startError('process:/nonexistent/broker --port {port}');
    expect(error.code).toBe('TARGET_START_FAILED');
    expect(error.message).toContain('ENOENT');
  });

  it('reports TARGET_DIED when the broker process ends on its own after start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'died-test-'));
    const profile = join(dir, 'dies.json');
    writeFileSync(profile, JSON.stringify({ name: 'dies', probe: false, capabilities: { versions: [4] } }));
    let target: StartedTarget;
    try {
      target = await resolveTarget(listenThenDie, { profile }).start();
      started.push(target);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await expect.poll(() => target.failure?.()?.code, { timeout: 5000 }).toBe('TARGET_DIED');
    expect(target.failure?.()?.message).toContain('exited with code 7');
  });
});

describe('container targets without a container runtime', () => {
  it('gives up within 5 s on a DOCKER_HOST that accepts connections but never answers, and the CLI exits 3', async () => {
    const sockets = new Set<Socket>();
    // Reads whatever comes and never answers (reading, so that a client's close is seen).
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.resume();
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    const previous = process.env['DOCKER_HOST'];
    process.env['DOCKER_HOST'] = `tcp://127.0.0.1:${address.port}`;
    try {
      const t0 = performance.now();
      const error = await startError('container:emqx/emqx');
      expect(error.code).toBe('TARGET_NO_CONTAINER_RUNTIME');
      expect(performance.now() - t0).toBeLessThan(5000);
      // The whole command ends too: nothing of the abandoned detection keeps it alive.
      const cli = spawn(process.execPath, [...launcherCommand('cli/main', 'test'), 'run', '--broker', 'container:emqx/emqx'], { stdio: 'ignore' });
      const code = await new Promise<number | null>((resolve) => {
        const bound = setTimeout(() => {
          cli.kill('SIGKILL');
          resolve(null);
        }, 15_000);
        cli.once('exit', (c) => {
          clearTimeout(bound);
          resolve(c);
        });
      });
      expect(code).toBe(3);
    } finally {
      if (previous === undefined) delete process.env['DOCKER_HOST'];
      else process.env['DOCKER_HOST'] = previous;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });


  it('fails within 5 s with TARGET_NO_CONTAINER_RUNTIME', async () => {
    // No runtime here even where the tests run with one (scripts/containers.sh sets DOCKER_HOST).
    const previous = process.env['DOCKER_HOST'];
    process.env['DOCKER_HOST'] = 'unix:///nonexistent/mqtt-conformance/docker.sock';
    const t0 = performance.now();
    const error = await startError('container:eclipse-mosquitto:2.0.18').finally(() => {
      if (previous === undefined) delete process.env['DOCKER_HOST'];
      else process.env['DOCKER_HOST'] = previous;
    });
    const elapsed = performance.now() - t0;
    expect(error.code).toBe('TARGET_NO_CONTAINER_RUNTIME');
    expect(error.message).toContain('eclipse-mosquitto:2.0.18');
    expect(error.message).toMatch(/Docker|container runtime/);
    expect(elapsed).toBeLessThan(5000);
  });
});

describe('waiting for a URL target that is still starting', () => {
  it('with MQTT_CONFORMANCE_WAIT_MS, retries until the broker listens', async () => {
    const port = await findFreePort();
    const previous = process.env['MQTT_CONFORMANCE_WAIT_MS'];
    process.env['MQTT_CONFORMANCE_WAIT_MS'] = '10000';
    try {
      const pending = resolveTarget(`mqtt://127.0.0.1:${port}`).start();
      // Start a broker on that port only after the target has begun waiting for it.
      const aedes = await Aedes.createBroker();
      const server = createServer(aedes.handle);
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      try {
        const target = await pending;
        started.push(target);
        expect(target.endpoint.port).toBe(port);
        expect(await roundTrip(target.endpoint)).toMatch(/^hello/);
      } finally {
        await new Promise<void>((resolve) => aedes.close(() => server.close(() => resolve())));
      }
    } finally {
      if (previous === undefined) delete process.env['MQTT_CONFORMANCE_WAIT_MS'];
      else process.env['MQTT_CONFORMANCE_WAIT_MS'] = previous;
    }
  });
});
