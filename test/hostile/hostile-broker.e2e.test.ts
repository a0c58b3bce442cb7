/**
 * Issue 8, item 8: the harness against hostile or broken brokers. For each fake broker the
 * `run` command must end on its own (bounded), exit 1 (failed) or 3 (broker unreachable), write
 * its reports, pass nothing, and say what went wrong.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

async function runAgainst(behaviour: FakeBehaviour): Promise<{ code: number | null; output: string; reportDir: string; ms: number }> {
  const fake = await startFakeBroker(behaviour, { dieAfterConnections: 3 });
  fakes.push(fake);
  const reportDir = join(dir, behaviour);
  const started = Date.now();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'harness', 'cli.ts'), 'run', '--broker', `mqtt://127.0.0.1:${String(fake.port)}`, '--tags', TAGS, '--parallel', '1', '--timeout', '500', '--report-dir', reportDir],
    { cwd: ROOT },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => {
    const bound = setTimeout(() => {
      child.kill('SIGKILL');
      output += '\n[test] run killed: it did not end within 90 s';
    }, 90_000);
    child.once('exit', (c) => {
      clearTimeout(bound);
      resolve(c);
    });
  });
  return { code, output, reportDir, ms: Date.now() - started };
}

function summary(reportDir: string): { passed: number; failed: number; inconclusive: number; messages: string } {
  const ndjson = readFileSync(join(reportDir, 'messages.ndjson'), 'utf8');
  const text = readFileSync(join(reportDir, 'summary.md'), 'utf8');
  const n = (label: string): number => Number(new RegExp(`(\\d+) ${label}`).exec(text)?.[1] ?? NaN);
  return { passed: n('passed'), failed: n('failed'), inconclusive: n('inconclusive'), messages: ndjson };
}

describe('the harness against hostile brokers', () => {
  it.each([
    ['silent', /no packet/],
    ['garbage', /undecodable bytes/],
    ['flood', /Received: [^"]*PUBLISH topic=\\"flood\\"|PUBLISH topic=\\"flood\\"/],
    ['dies', /ECONNREFUSED|unreachable|cannot reach|closed/i],
  ] as const)('a broker that is %s: the run ends, writes its reports, passes nothing and says why', async (behaviour, why) => {
    const r = await runAgainst(behaviour);
    expect(r.output).not.toContain('[test] run killed');
    expect([1, 3], r.output).toContain(r.code);
    expect(r.output).not.toMatch(/internal error/);
    for (const file of ['report.json', 'junit.xml', 'report.html', 'summary.md']) expect(existsSync(join(r.reportDir, file)), file).toBe(true);
    const s = summary(r.reportDir);
    expect(s.passed, r.output).toBe(0);
    expect(s.failed + s.inconclusive, r.output).toBeGreaterThan(0);
    expect(s.messages).toMatch(why);
  }, 120_000);
});
