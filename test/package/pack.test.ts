/**
 * The package as a user gets it: `npm pack`, `npm install --omit=dev <tarball>` in an empty
 * directory, then the installed command: the README's shell recipe (the whole suite against the
 * embedded reference broker), Debian's Mosquitto by URL with credentials (its known findings),
 * certify, report --from, and broker --data-dir without the optional better-sqlite3.
 * Without the npm registry, the dependencies install from npm's local cache (see OFFLINE_ENV).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../harness/targets/index.js';
import { resolveTarget } from '../../cli/resolve-target.js';
import { loadPickles } from '../../steps/support/pickles.js';
import { compareWithExpected } from '../third-party/expected-results.js';
import { MOSQUITTO_BINARY, expectedFile, loadExpectedFile } from '../third-party/brokers.js';

/*
 * Without the registry (CI runs npm test inside a private network namespace), the tarball's
 * production dependencies install from npm's local cache instead (npm_config_offline): they are a
 * subset of this clone's own dependencies, which `npm install` put there. So the package is checked
 * on every CI run, not skipped.
 */
const registry = spawnSync('npm', ['ping'], { encoding: 'utf8', timeout: 20_000 });
const OFFLINE_ENV: NodeJS.ProcessEnv = registry.status !== 0 ? { npm_config_offline: 'true' } : {};
if (registry.status !== 0) {
  process.stderr.write(`pack.test.ts: the npm registry cannot be reached (npm ping: ${(registry.stderr || registry.error?.message || '').trim().split('\n').pop()}); installing from npm's cache\n`);
}

const work = mkdtempSync(join(tmpdir(), 'mqttc-pack-'));
const app = join(work, 'app');
let tarball = '';

interface Ran {
  code: number | null;
  out: string;
}

function sh(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...OFFLINE_ENV, ...env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => resolve({ code, out }));
  });
}

/** The README's fenced block after `<!-- recipe:NAME -->`: the tests run what users read. */
export function readmeRecipe(name: string): string {
  const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
  const match = new RegExp(`<!-- recipe:${name} -->\\n\`\`\`[a-z]*\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (match?.[1] === undefined) throw new Error(`README.md has no recipe "${name}"`);
  return match[1];
}

function report(dir: string): { summary: { passed: number; failed: number; notApplicable: number; inconclusive: number }; scenarios: { uri: string; name: string; verdict: string; versions: string[]; optional: boolean }[] } {
  return JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as ReturnType<typeof report>;
}

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed package, installed with production dependencies only', () => {
  beforeAll(async () => {
    const packed = await sh('npm', ['pack', '--json', '--pack-destination', work], PACKAGE_ROOT);
    expect(packed.code, packed.out).toBe(0);
    const info = JSON.parse(packed.out.slice(packed.out.indexOf('[\n'))) as { filename: string; size: number; entryCount: number; files: { path: string }[] }[];
    const first = info[0];
    if (first === undefined) throw new Error('npm pack listed no tarball');
    tarball = join(work, first.filename);
    process.stderr.write(`pack.test.ts: ${first.filename}: ${first.size} bytes, ${first.entryCount} files\n`);
    // No tests, benchmarks, scripts or expected results in the tarball.
    expect(first.files.map((f) => f.path).filter((p) => /\.test\.|^bench\/|^scripts\/|^test\/|fixtures|expected/.test(p))).toEqual([]);
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), '{ "name": "user-app", "private": true }\n');
  }, 600_000);

  it('the README GitLab job runs the same commands as its shell recipe', () => {
    const block = /^  script:\n((?: {4}- .*\n)+)/m.exec(readmeRecipe('gitlab'))?.[1] ?? '';
    const script = [...block.matchAll(/^ {4}- (.*)$/gm)].map((m) => m[1]).join('\n');
    expect(script).toBe(readmeRecipe('shell').trim());
  });

  it('runs the README shell recipe: the whole suite against the embedded reference broker, every scenario passed or not applicable', async () => {
    const run = await sh('bash', ['-euo', 'pipefail', '-c', readmeRecipe('shell')], app, { MQTT_CONFORMANCE_PACKAGE: tarball, BROKER_URL: 'reference' });
    expect(run.code, run.out.slice(-3000)).toBe(0);
    expect(existsSync(join(app, 'node_modules', 'tsx'))).toBe(false);
    expect(existsSync(join(app, 'node_modules', 'better-sqlite3'))).toBe(false);
    const r = report(join(app, 'conformance-report'));
    expect(r.summary.failed + r.summary.inconclusive).toBe(0);
    expect(r.scenarios.length).toBe(loadPickles().length);
  }, 900_000);

  it("tests Debian's Mosquitto by URL with credentials: exit 1 with its known findings", async (ctx) => {
    if (!existsSync(MOSQUITTO_BINARY)) ctx.skip(`${MOSQUITTO_BINARY} is not installed`);
    // Started and stopped (by its PID) by the harness's process target, ready when it says so.
    const broker = await resolveTarget('process:mosquitto', { insecure: false }).start();
    const port = new URL(broker.endpoint.url).port;
    try {
      const tags = '@MQTT-2.2.2-2 or @needs:auth';
      const out = join(work, 'mosquitto-report');
      const run = await sh('npx', ['mqtt-conformance', 'run', '--broker', `mqtt://conformance:conformance-secret@127.0.0.1:${port}`, '--tags', tags, '--report-dir', out], app);
      expect(run.code, run.out.slice(-3000)).toBe(1);
      expect(run.out).not.toContain('conformance-secret');
      const observed = report(out).scenarios;
      const drifts = compareWithExpected(observed as never, loadExpectedFile(expectedFile('mosquitto', '2.0.11'))).filter((d) => d.kind !== 'not-run' && d.kind !== 'unused-rule');
      expect(drifts).toEqual([]);
      expect(observed.filter((s) => s.verdict === 'failed').length).toBeGreaterThan(0);

      const certified = join(work, 'certify');
      const certify = await sh('npx', ['mqtt-conformance', 'certify', '--broker', 'reference', '--broker', `mqtt://127.0.0.1:${port}`, '--username', 'conformance', '--password', 'conformance-secret', '--tags', '@MQTT-2.2.2-2', '--report-dir', certified], app);
      expect(certify.code, certify.out.slice(-3000)).toBe(1);
      expect(readFileSync(join(certified, 'matrix.html'), 'utf8')).toContain('<html');
      const again = join(work, 'again');
      const rendered = await sh('npx', ['mqtt-conformance', 'report', '--from', out, '--out', again], app);
      // `report` exits with the verdict of what it rendered: 1, the run has failed scenarios.
      expect(rendered.code, rendered.out).toBe(1);
      expect(readFileSync(join(again, 'report.html'), 'utf8')).toContain('<html');
    } finally {
      await broker.stop();
    }
  }, 900_000);

  it('names the package to install for broker --data-dir (better-sqlite3 is an optional peer)', async () => {
    const run = await sh('npx', ['mqtt-conformance', 'broker', '--port', '0', '--data-dir', join(work, 'data')], app);
    expect(run.code).toBe(2);
    expect(run.out).toContain('npm install better-sqlite3');
  }, 120_000);

  it('runs --help from compiled JavaScript, with no TypeScript loader installed', async () => {
    // Start-up time is measured by the benchmarks (bench/README.md), not asserted here.
    const help = await sh(process.execPath, [join(app, 'node_modules', 'mqtt-conformance', 'bin', 'mqtt-conformance.js'), '--help'], app);
    expect(help.code, help.out).toBe(0);
    expect(help.out).toContain('Usage: mqtt-conformance <command>');
    expect(existsSync(join(app, 'node_modules', 'tsx'))).toBe(false);
  });
});
