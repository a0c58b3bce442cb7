/**
 * Issue 8, item 8: the harness against hostile or broken brokers. For each fake broker the
 * `run` command must end on its own (bounded), exit 1 (failed) or 3 (inconclusive or broker
 * unreachable), write its reports, pass nothing, and say what went wrong. The floods never end:
 * the run must also keep its memory and its report files bounded.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeBroker, type FakeBehaviour, type FakeBroker } from './fake-brokers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'mqtt-hostile-'));
const fakes: FakeBroker[] = [];
afterAll(async () => {
  for (const f of fakes) await f.close();
  rmSync(dir, { recursive: true, force: true });
});

const TAGS = '@MQTT-3.1.4-4 or @MQTT-3.3.1-9';
/** The run is killed (and the test fails) when it has not ended by then: a liveness bound, not a speed target. */
const RUN_BOUND_MS = 90_000;
/**
 * Peak resident set size allowed to the `run` process (steps in-process with --parallel 1).
 * A run against a well-behaved broker peaks near 200 MB; before the harness had bounds an
 * endless flood took it past 3.8 GB within 30 s.
 */
const MAX_PEAK_RSS_MB = 400;
/** Report files of this 16-scenario run; before the bounds a flood wrote 939 MB of messages, 490 MB of report.json. */
const MAX_REPORT_BYTES: Record<string, number> = {
  'messages.ndjson': 6_000_000,
  'report.json': 3_000_000,
  'junit.xml': 1_000_000,
  'report.html': 3_000_000,
  'summary.md': 100_000,
};

interface RunResult {
  code: number | null;
  output: string;
  reportDir: string;
  ms: number;
  /** Peak RSS of the run process in MB, printed by the peak-rss.mjs preload as it exits. */
  peakRssMb: number;
}

/** The line `run` prints once the target has passed its checks and the scenarios start. */
const RUN_STARTED = /^mqtt-conformance \S+: .* at mqtt:\/\//m;

async function runAgainst(behaviour: FakeBehaviour): Promise<RunResult> {
  // 'dies' dies once the scenarios have started (after the target checks it passed), so the run
  // meets a broker that goes away in its middle.
  const fake = await startFakeBroker(behaviour, { dieAfterConnections: Number.POSITIVE_INFINITY });
  fakes.push(fake);
  const reportDir = join(dir, behaviour);
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      join(import.meta.dirname, 'peak-rss.mjs'),
      join(ROOT, 'cli', 'main.ts'),
      'run',
      '--broker',
      `mqtt://127.0.0.1:${String(fake.port)}`,
      '--tags',
      TAGS,
      '--parallel',
      '1',
      '--timeout',
      '500',
      '--report-dir',
      reportDir,
    ],
    { cwd: ROOT },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    output += d.toString();
    if (behaviour === 'dies' && RUN_STARTED.test(output)) fake.die();
  });
  const code = await new Promise<number | null>((resolve) => {
    const bound = setTimeout(() => {
      child.kill('SIGKILL');
      output += `\n[test] run killed: it did not end within ${RUN_BOUND_MS / 1000} s`;
    }, RUN_BOUND_MS);
    child.once('exit', (c) => {
      clearTimeout(bound);
      resolve(c);
    });
  });
  const kb = Number(/\[peak-rss\] (\d+)/.exec(output)?.[1] ?? NaN);
  return { code, output, reportDir, ms: Date.now() - started, peakRssMb: kb / 1024 };
}

function summary(reportDir: string): { passed: number; failed: number; inconclusive: number; messages: string } {
  const ndjson = readFileSync(join(reportDir, 'messages.ndjson'), 'utf8');
  const text = readFileSync(join(reportDir, 'summary.md'), 'utf8');
  const n = (label: string): number => Number(new RegExp(`(\\d+) ${label}`).exec(text)?.[1] ?? NaN);
  return { passed: n('passed'), failed: n('failed'), inconclusive: n('inconclusive'), messages: ndjson };
}

interface ScenarioJson {
  verdict: string;
  reason?: string;
  failure?: { statement?: string; message: string; trace?: { event?: string; note?: string }[] };
}

function scenarios(reportDir: string): ScenarioJson[] {
  return (JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')) as { scenarios: ScenarioJson[] }).scenarios;
}

const runs = new Map<FakeBehaviour, RunResult>();

describe('the harness against hostile brokers', () => {
  // The floods answer CONNECT correctly, so a scenario that only connects may pass: with the
  // endless flood that happens when its connection ends before the first flood packet is read
  // (a race the broker wins or loses; what it did until then was compliant). The flood's
  // failures are checked under their rule by the next test.
  // A broker that never answers a CONNECT, or answers bytes that are no CONNACK, is no MQTT
  // broker: the run stops before any scenario (exit 3, the target named as the problem), and
  // judges nothing, rather than failing scenarios against it.
  it.each([
    ['silent', /is not an MQTT server: no CONNECT at any protocol level got a CONNACK; nothing came back within/],
    ['garbage', /is not an MQTT server: no CONNECT at any protocol level got a CONNACK; it answered with bytes that are not a CONNACK: ff ff ff ff 00 13 37 de ad be ef/],
  ] as const)('a broker that is %s: the run stops before any scenario with exit 3 and says what came back', async (behaviour, why) => {
    const r = await runAgainst(behaviour);
    expect(r.output).not.toContain('[test] run killed');
    expect(r.code, r.output).toBe(3);
    expect(r.output).toMatch(why);
    expect(r.output).not.toMatch(RUN_STARTED);
    expect(existsSync(join(r.reportDir, 'report.json')), 'no verdicts are written').toBe(false);
  }, RUN_BOUND_MS + 30_000);

  // The floods answer CONNECT correctly, so a scenario that only connects may pass: with the
  // endless flood that happens when its connection ends before the first flood packet is read
  // (a race the broker wins or loses; what it did until then was compliant). The flood's
  // failures are checked under their rule by the next test.
  it.each([
    ['flood', /flooded \\"[^"\\]+\\" with more than \d+ unsolicited packets/, false],
    ['allowed-flood', /harness's limit was reached/, false],
    ['dies', /ECONNREFUSED|unreachable|cannot reach|closed/i, true],
  ] as const)('a broker that is %s: the run ends, writes bounded reports in bounded memory, passes what it should and says why', async (behaviour, why, passesNothing) => {
    const r = await runAgainst(behaviour);
    runs.set(behaviour, r);
    expect(r.output).not.toContain('[test] run killed');
    expect([1, 3], r.output).toContain(r.code);
    expect(r.output).not.toMatch(/internal error/);
    for (const file of ['report.json', 'junit.xml', 'report.html', 'summary.md']) expect(existsSync(join(r.reportDir, file)), file).toBe(true);
    for (const [file, max] of Object.entries(MAX_REPORT_BYTES)) expect(statSync(join(r.reportDir, file)).size, `${file} size`).toBeLessThan(max);
    expect(r.peakRssMb, r.output).toBeLessThan(MAX_PEAK_RSS_MB);
    const s = summary(r.reportDir);
    if (passesNothing) expect(s.passed, r.output).toBe(0);
    expect(s.failed + s.inconclusive, r.output).toBeGreaterThan(0);
    expect(s.messages).toMatch(why);
  }, RUN_BOUND_MS + 30_000);

  it('an endless flood of packets no subscription matches fails under the rule they break, with the limit named', () => {
    const r = runs.get('flood');
    if (!r) throw new Error('the flood run did not run');
    const failed = scenarios(r.reportDir).filter((s) => s.verdict === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    const flooded = failed.filter((s) => /flooded "[^"]+" with more than 1000 unsolicited packets/.test(s.failure?.message ?? ''));
    expect(flooded.length, r.output).toBeGreaterThan(0);
    for (const s of flooded) expect(s.failure?.statement).toBe('MQTT-3.3.2-3');
    // The traces are cut, and say how many entries they left out.
    const cuts = flooded.flatMap((s) => (s.failure?.trace ?? []).filter((e) => e.event === 'trace-cut'));
    expect(cuts.length).toBeGreaterThan(0);
    for (const c of cuts) expect(c.note).toMatch(/^\d+ trace entries of "[^"]+" left out here/);
  });

  it('an endless flood of packets the scenario allows is inconclusive (the harness limit), never failed for that', () => {
    const r = runs.get('allowed-flood');
    if (!r) throw new Error('the allowed-flood run did not run');
    const inconclusive = scenarios(r.reportDir).filter((s) => s.verdict === 'inconclusive');
    expect(inconclusive.length, r.output).toBeGreaterThan(0);
    for (const s of inconclusive) expect(s.reason).toMatch(/harness's limit was reached, not a rule: the broker sent "\w+" more than 1000 packets/);
    expect(scenarios(r.reportDir).filter((s) => s.verdict === 'failed' && /flooded/.test(s.failure?.message ?? ''))).toEqual([]);
  });
});
