import { afterEach, describe, expect, it } from 'vitest';
import { resolveTarget } from './resolve.js';
import { connect } from 'node:net';
import { tryTcpConnect } from './net.js';
import { roundTrip } from './test-support/round-trip.js';
import type { StartedTarget } from './types.js';

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

  it('runs the reference broker as a child process (reference:process) and stops it', async () => {
    const target = await resolveTarget('reference:process').start();
    started.push(target);
    expect(target.describe()).toMatchObject({ name: 'reference', kind: 'process' });
    expect(target.capabilities).toMatchObject({ sysInterval: 1, connectTimeout: 2 });
    expect(await roundTrip(target.endpoint)).toMatch(/^hello/);
    expect(target.failure?.()).toBeUndefined();
    await target.stop();
    expect((await tryTcpConnect('127.0.0.1', target.endpoint.port, 500)).ok).toBe(false);
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
