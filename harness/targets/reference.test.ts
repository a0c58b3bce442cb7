import { afterEach, describe, expect, it } from 'vitest';
import { resolveTarget } from './resolve.js';
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
    expect(target.capabilities).toMatchObject({ retain: true, wildcards: true, sysInterval: 1 });
    expect(target.capabilities.versions).toContain(4);
    expect(await roundTrip(target.endpoint)).toMatch(/^hello/);
  });

  it('runs the reference broker as a child process (reference:process) and stops it', async () => {
    const target = await resolveTarget('reference:process').start();
    started.push(target);
    expect(target.describe()).toMatchObject({ name: 'reference', kind: 'process' });
    expect(await roundTrip(target.endpoint)).toMatch(/^hello/);
    expect(target.failure?.()).toBeUndefined();
    await target.stop();
    expect((await tryTcpConnect('127.0.0.1', target.endpoint.port, 500)).ok).toBe(false);
  });
});
