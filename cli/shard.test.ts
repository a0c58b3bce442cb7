import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReportJson } from '../reports/index.js';
import { TIMER_BOUND_MS, canStartBeside, estimator, parseShard, plan, runOrder, shardOf, spreadTimerBound } from './schedule.js';
import { shardOfArgv } from './shard-merge.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('shards and schedule', () => {
  it('parses I/N and refuses what is not a shard', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, total: 4 });
    for (const bad of ['0/4', '5/4', '1/0', 'a/b', '2', '']) expect(() => parseShard(bad)).toThrow(/--shard needs I\/N/);
    expect(shardOfArgv(['run', '--shard', '3/4'])).toEqual({ index: 3, total: 4 });
    expect(shardOfArgv(['run', '--shard=1/2'])).toEqual({ index: 1, total: 2 });
    expect(shardOfArgv(['run'])).toBeUndefined();
  });

  it('splits any selection into disjoint parts that together are the selection, balanced by estimate', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.record({ key: fc.string({ minLength: 1 }), ms: fc.integer({ min: 0, max: 20_000 }) }), { selector: (x) => x.key, maxLength: 60 }), fc.integer({ min: 1, max: 6 }), (items, total) => {
        const durations = Object.fromEntries(items.map((i) => [i.key, i.ms]));
        const estimate = estimator(durations);
        const parts = Array.from({ length: total }, (_, i) => shardOf(items, { index: i + 1, total }, estimate));
        const keys = parts.flat().map((i) => i.key);
        expect(new Set(keys).size).toBe(keys.length);
        expect([...keys].sort()).toEqual(items.map((i) => i.key).sort());
        // Greedy longest-first: no part exceeds another by more than the longest scenario.
        const loads = parts.map((p) => p.reduce((a, i) => a + estimate(i.key), 0));
        const longest = Math.max(0, ...items.map((i) => i.ms));
        expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(longest);
      }),
    );
  });

  it('plans @serial scenarios first and alone, then the rest longest first', () => {
    const items = [
      { key: 'a', name: 'a', serial: false },
      { key: 'b', name: 'b', serial: true },
      { key: 'c', name: 'c', serial: false },
      { key: 'd', name: 'd', serial: false },
    ];
    const estimate = estimator({ a: 100, b: 50, c: 300, d: 200 });
    expect(runOrder(items, estimate).map((i) => i.key)).toEqual(['b', 'c', 'd', 'a']);
    const p = plan(items, 2, estimate);
    const b = p.scenarios.find((s) => s.key === 'b');
    expect(b?.startMs).toBe(0);
    for (const s of p.scenarios) if (s.key !== 'b') expect(s.startMs).toBeGreaterThanOrEqual(50);
    expect(p.estimateMs).toBe(50 + 300);
  });

  it('with an isolated instance for them, plans @serial scenarios longest first beside the others, never two at once', () => {
    const items = [
      { key: 'a', name: 'a', serial: false },
      { key: 'b', name: 'b', serial: true },
      { key: 'c', name: 'c', serial: false },
      { key: 's', name: 's', serial: true },
    ];
    const estimate = estimator({ a: 100, b: 250, c: 300, s: 200 });
    expect(runOrder(items, estimate, { isolated: true }).map((i) => i.key)).toEqual(['c', 'b', 's', 'a']);
    const p = plan(items, 3, estimate, { isolated: true });
    expect(p.isolated).toBe(true);
    const at = (key: string) => p.scenarios.find((x) => x.key === key);
    // c and b start together; s must wait for b (one @serial at a time) though a worker is free.
    expect(at('c')?.startMs).toBe(0);
    expect(at('b')?.startMs).toBe(0);
    expect(at('a')?.startMs).toBe(0);
    expect(at('s')?.startMs).toBe(250);
    expect(p.estimateMs).toBe(450);
    // Without one, the same scenarios run @serial first and alone.
    expect(plan(items, 3, estimate).estimateMs).toBe(250 + 200 + 300);
  });

  it('spreads timer-bound scenarios through the first half of the short ones, keeping both orders', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 6000 }), { minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 12 }), (durations, workers) => {
        const items = durations.map((ms, i) => ({ key: `k${String(i).padStart(3, '0')}`, ms }));
        const estimate = estimator(Object.fromEntries(items.map((i) => [i.key, i.ms])));
        const ordered = [...items].sort((a, b) => b.ms - a.ms || (a.key < b.key ? -1 : 1));
        const out = spreadTimerBound(ordered, estimate, workers);
        expect([...out].map((i) => i.key).sort()).toEqual(items.map((i) => i.key).sort());
        const timed = (i: { ms: number }): boolean => i.ms >= TIMER_BOUND_MS;
        // Each kind keeps its longest-first order.
        expect(out.filter(timed)).toEqual(ordered.filter(timed));
        expect(out.filter((i) => !timed(i))).toEqual(ordered.filter((i) => !timed(i)));
        // At most a third of the workers (at least one) start on timer-bound scenarios.
        // (when there are short ones enough to put between the rest: else it is longest first).
        const head = Math.max(1, Math.floor(workers / 3));
        const shorts = out.filter((i) => !timed(i)).length;
        const firstShort = out.findIndex((i) => !timed(i));
        if (shorts >= 2 * (ordered.filter(timed).length - head)) expect(firstShort).toBeLessThanOrEqual(head);
        // Every timer-bound scenario is queued before the second half of the short ones.
        const lastTimed = out.map(timed).lastIndexOf(true);
        const shortsBefore = out.slice(0, lastTimed + 1).filter((i) => !timed(i)).length;
        expect(shortsBefore).toBeLessThanOrEqual(Math.ceil(shorts / 2));
      }),
    );
  });

  it('canStartBeside: a @serial scenario alone on a shared instance, one at a time on an isolated one', () => {
    expect(canStartBeside(true, [])).toBe(true);
    expect(canStartBeside(true, [false])).toBe(false);
    expect(canStartBeside(false, [true])).toBe(false);
    expect(canStartBeside(true, [false, false], true)).toBe(true);
    expect(canStartBeside(true, [true], true)).toBe(false);
    expect(canStartBeside(false, [true], true)).toBe(true);
  });
});

describe('a 4-shard run merged equals the unsharded run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mqttc-shards-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // Passing scenarios of several features and five not applicable to the reference broker (v5-server-limits).
  const TAGS = '@MQTT-3.1.0-1 or @MQTT-3.1.0-2 or @MQTT-3.12.4-1 or @MQTT-3.8.4-1 or @MQTT-3.3.1-9 or @MQTT-3.2.2-9 or @MQTT-3.2.2-12';
  const cli = (args: string[]): number | null =>
    spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'cli', 'main.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 }).status;
  const read = (d: string): ReportJson => JSON.parse(readFileSync(join(d, 'report.json'), 'utf8')) as ReportJson;

  it('has the same verdicts, counts and coverage', { timeout: 300_000 }, () => {
    const whole = join(dir, 'whole');
    expect(cli(['run', '--tags', TAGS, '--parallel', '2', '--report-dir', whole])).toBe(0);
    const shards = [1, 2, 3, 4].map((i) => join(dir, `shard-${i}`));
    shards.forEach((d, i) => expect(cli(['run', '--tags', TAGS, '--parallel', '1', '--shard', `${i + 1}/4`, '--report-dir', d])).toBe(0));
    const sizes = shards.map((d) => read(d).summary.scenarios);
    expect(sizes.every((n) => n > 0)).toBe(true);
    const merged = join(dir, 'merged');
    expect(cli(['report', '--from', ...shards, '--out', merged])).toBe(0);

    const a = read(whole);
    const b = read(merged);
    expect(sizes.reduce((x, y) => x + y, 0)).toBe(a.summary.scenarios);
    const verdicts = (r: ReportJson): string[] => r.scenarios.map((s) => `${s.id} ${s.verdict} ${s.statements.join(',')}`);
    expect(verdicts(b)).toEqual(verdicts(a));
    const { durationMs: _x, ...countsA } = a.summary;
    const { durationMs: _y, ...countsB } = b.summary;
    expect(countsB).toEqual(countsA);
    expect(b.coverage).toEqual(a.coverage);
    expect(b.versions).toEqual(a.versions);
    expect(b.statements.map((s) => `${s.id} ${s.verdict}`)).toEqual(a.statements.map((s) => `${s.id} ${s.verdict}`));
    expect(b.run.argv).not.toContain('--shard');
    // A missing shard is refused, not reported as a smaller run.
    expect(cli(['report', '--from', ...shards.slice(0, 3), '--out', join(dir, 'partial')])).toBe(2);
  });
});
