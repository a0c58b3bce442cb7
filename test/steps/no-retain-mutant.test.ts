import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedTarget } from '../../harness/targets/index.js';
import type { ReportJson } from '../../reports/index.js';
import { resolveTarget } from '../../cli/resolve-target.js';
import { startMutantProxy, type MutantProxy } from '../support/steps/mutant-proxy.js';

/**
 * Applicability comes only from declarations (issue 15): a broker that never replays retained
 * messages must be judged on it, not probed as "retain: false" and excused. The mutant is the
 * reference broker behind a proxy that drops every PUBLISH with RETAIN 1 on its way to a client
 * (a retained replay is the only delivery that carries RETAIN 1, MQTT-3.3.1-8/-9). It is run as a
 * plain URL, with no profile: the probe runs as for any unknown broker (so the one @needs:auth
 * retain scenario, needing credentials the URL does not declare, is left out of the selection).
 */
const ROOT = join(import.meta.dirname, '..', '..');
let reference: StartedTarget;
let proxy: MutantProxy;
const dir = mkdtempSync(join(tmpdir(), 'mqttc-no-retain-'));

beforeAll(async () => {
  reference = await resolveTarget('reference').start();
  proxy = await startMutantProxy(reference.endpoint.port, { toClient: (p) => (p.type === 'publish' && p.retain ? [] : [p]) }, reference.endpoint.host);
});
afterAll(async () => {
  await proxy.close();
  await reference.stop();
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[]): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'cli', 'main.ts'), 'run', ...args], { cwd: ROOT, stdio: 'ignore' });
    child.on('exit', resolve);
  });
}

describe('a broker that never replays retained messages', () => {
  it('is not compliant under MQTT-3.3.1-6, and no @needs:retain scenario is not applicable', async () => {
    const code = await run(['--broker', `mqtt://${reference.endpoint.host}:${proxy.port}`, '--tags', '@needs:retain and not @needs:auth', '--parallel', '2', '--timeout', '1500', '--report-dir', dir]);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as ReportJson;
    expect(code).toBe(1);
    const retain = report.scenarios.filter((s) => s.needs.includes('retain'));
    expect(retain.length).toBeGreaterThan(15);
    expect(retain.filter((s) => s.verdict === 'not-applicable').map((s) => `${s.id}: ${s.reason ?? ''}`)).toEqual([]);
    expect(report.versions.find((v) => v.version === '3.1.1')?.verdict).toBe('not-compliant');
    expect(report.statements.find((s) => s.specVersion === '3.1.1' && s.id === 'MQTT-3.3.1-6')?.verdict).toBe('violated');
    expect(report.scenarios.some((s) => s.verdict === 'failed' && s.statements.includes('MQTT-3.3.1-6') && s.versions.includes('3.1.1'))).toBe(true);
    expect(report.exclusions).toEqual([]);
  }, 180_000);
});
