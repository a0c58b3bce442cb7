import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT, launcherCommand } from '../../harness/targets/index.js';

const action = readFileSync(join(PACKAGE_ROOT, 'action.yml'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'mqttc-action-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The INPUT_* variables action.yml sets, each with the input it comes from. */
function stepEnv(): Map<string, string> {
  return new Map([...action.matchAll(/^\s+(INPUT_[A-Z_]+): \$\{\{ inputs\.([a-z-]+) \}\}$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']));
}

describe('the GitHub Action (action.yml)', () => {
  it('passes every input to the step as INPUT_*, and its step is the package\'s action command', () => {
    const inputs = [...(/^inputs:\n((?:  .*\n)+)/m.exec(action)?.[1] ?? '').matchAll(/^  ([a-z-]+):$/gm)].map((m) => m[1]);
    const env = stepEnv();
    for (const name of inputs.filter((n) => n !== 'version')) expect([...env.values()]).toContain(name);
    expect(action).toMatch(/run: npx --yes mqtt-conformance@\$\{\{ inputs\.version \}\} action\n/);
  });

  it('runs the suite, appends summary.md to the job summary and writes the outputs', async () => {
    const summary = join(dir, 'summary.md');
    const output = join(dir, 'output');
    writeFileSync(summary, '# earlier step\n');
    writeFileSync(output, '');
    const env: NodeJS.ProcessEnv = { ...process.env, GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: output };
    const values: Record<string, string> = { broker: 'reference', tags: '@MQTT-3.1.0-1', 'protocol-version': '3.1.1', 'report-dir': join(dir, 'report'), 'fail-on-optional': 'false' };
    for (const [variable, inputName] of stepEnv()) env[variable] = values[inputName] ?? '';
    // What `npx mqtt-conformance action` runs, from this clone's sources.
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [...launcherCommand('cli/main', 'test'), 'action'], { cwd: dir, env, stdio: 'ignore' });
      child.once('exit', (c) => resolve(c));
    });
    expect(code).toBe(0);
    const written = readFileSync(summary, 'utf8');
    expect(written.startsWith('# earlier step\n')).toBe(true);
    expect(written).toContain(readFileSync(join(dir, 'report', 'summary.md'), 'utf8').trimEnd());
    const outputs = Object.fromEntries(readFileSync(output, 'utf8').trim().split('\n').map((l) => l.split('=', 2) as [string, string]));
    const report = JSON.parse(readFileSync(join(dir, 'report', 'report.json'), 'utf8')) as { summary: { passed: number; failed: number } };
    expect(outputs).toMatchObject({ verdict: 'passed', 'exit-code': '0', failed: '0', passed: String(report.summary.passed), 'report-dir': join(dir, 'report') });
    expect(report.summary.passed).toBeGreaterThan(0);
    for (const f of ['report.html', 'junit.xml']) expect(readFileSync(join(dir, 'report', f), 'utf8').length).toBeGreaterThan(0);
  }, 120_000);

  it('refuses protocol-version with several brokers, before anything starts (exit 2)', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, INPUT_BROKER: 'reference\nreference:process', INPUT_PROTOCOL_VERSION: '5', GITHUB_OUTPUT: '', GITHUB_STEP_SUMMARY: '' };
    const code = await new Promise<number | null>((resolve) => {
      spawn(process.execPath, [...launcherCommand('cli/main', 'test'), 'action'], { cwd: dir, env, stdio: 'ignore' }).once('exit', (c) => resolve(c));
    });
    expect(code).toBe(2);
  }, 60_000);
});
