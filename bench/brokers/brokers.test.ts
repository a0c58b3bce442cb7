import { afterEach, describe, expect, it } from 'vitest';
import { BenchError } from '../errors.js';
import { brokerLauncher, type BenchBroker } from './index.js';

/** Brokers started by a test, stopped after it by their own handles (each stops its own pid). */
const started: BenchBroker[] = [];
afterEach(async () => {
  await Promise.allSettled(started.splice(0).map((b) => b.stop()));
});

async function start(name: string): Promise<BenchBroker> {
  const b = await brokerLauncher(name).start('latency');
  started.push(b);
  return b;
}

describe('bench brokers are harness targets', () => {
  it('the reference runs as a process target: pid, CPU, RSS, a GC it acknowledges; its death is BENCH_BROKER_DIED', async () => {
    const b = await start('reference');
    expect(b.host).toBe('127.0.0.1');
    expect(b.port).toBeGreaterThan(0);
    expect(b.pid).toBeGreaterThan(0);
    expect(b.cpuSeconds()).toBeGreaterThan(0);
    expect(b.rssBytes()).toBeGreaterThan(10 * 1024 * 1024);
    // Answered by the launcher (BENCH_GC_DONE) well before the 5 s the adapter would wait for it.
    const gcStart = Date.now();
    await b.collectGarbage();
    expect(Date.now() - gcStart).toBeLessThan(4000);
    b.assertAlive();

    // A URL to the same broker: the harness's URL target, nothing measured.
    const url = await start(`mqtt://127.0.0.1:${String(b.port)}`);
    expect({ host: url.host, port: url.port, pid: url.pid, cpu: url.cpuSeconds(), rss: url.rssBytes() }).toEqual({ host: '127.0.0.1', port: b.port, pid: undefined, cpu: undefined, rss: undefined });

    // The test's own child, killed by its pid.
    process.kill(b.pid as number, 'SIGKILL');
    await expect.poll(() => { try { b.assertAlive(); return undefined; } catch (e) { return e; } }, { timeout: 5000 }).toBeInstanceOf(BenchError);
    expect(() => b.assertAlive()).toThrow(expect.objectContaining({ code: 'BENCH_BROKER_DIED', message: expect.stringMatching(/^reference: .*killed by SIGKILL/) }) as Error);
    expect(b.rssBytes()).toBeUndefined();
  });

  it('mosquitto is not sent the GC request (SIGUSR2 means something else to it)', async () => {
    const b = await start('mosquitto');
    const t0 = Date.now();
    await b.collectGarbage();
    expect(Date.now() - t0).toBeLessThan(1000);
    b.assertAlive();
    expect(b.rssBytes()).toBeGreaterThan(0);
  });

  it('a broker that cannot start is BENCH_BROKER_START naming it', async () => {
    await expect(brokerLauncher('reference@/nonexistent-checkout').start()).rejects.toMatchObject({ code: 'BENCH_BROKER_UNAVAILABLE' });
    expect(await brokerLauncher('reference@/nonexistent-checkout').unavailable()).toMatch(/does not exist: skipped/);
    expect(await brokerLauncher('mqtt://127.0.0.1:1').unavailable()).toMatch(/unreachable \(ECONNREFUSED\)/);
    await expect(brokerLauncher('mqtt://127.0.0.1:1').start()).rejects.toMatchObject({ code: 'BENCH_BROKER_START' });
  });
});
