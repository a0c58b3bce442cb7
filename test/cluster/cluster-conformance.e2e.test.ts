import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REDIS_INSTALL_HINT, redisServerAvailable } from '../../reference/target/redis-server.js';
import { mosquittoAvailable, startMosquittoPair } from './mosquitto-pair.js';

const ROOT = resolve(import.meta.dirname, '../..');

interface ScenarioResult {
  name: string;
  statements: string[];
  verdict: string;
  failure?: { message: string };
}

/** `mqtt-conformance run --tags @cluster` against `brokerArgs`: exit code and scenarios from report.json. */
function runCluster(brokerArgs: string[]): { code: number | null; scenarios: ScenarioResult[]; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mqc-cluster-run-'));
  try {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'run', ...brokerArgs, '--tags', '@cluster', '--parallel', '2', '--report-dir', dir], { cwd: ROOT, encoding: 'utf8', timeout: 170_000 });
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { scenarios: ScenarioResult[] };
    return { code: run.status, scenarios: report.scenarios, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!redisServerAvailable())(`@cluster scenarios against the reference cluster (${redisServerAvailable() ? 'redis-server found' : REDIS_INSTALL_HINT})`, () => {
  it.each([2, 3])('reference:cluster:%i passes every one', (nodes) => {
    const { code, scenarios, output } = runCluster(['--broker', `reference:cluster:${String(nodes)}`]);
    expect(scenarios.length).toBeGreaterThanOrEqual(20);
    expect(scenarios.filter((s) => s.verdict !== 'passed').map((s) => `${s.name}: ${s.verdict}`), output).toEqual([]);
    expect(code).toBe(0);
  }, 180_000);
});

describe('@cluster scenarios against a single endpoint', () => {
  it('are not applicable, saying the target has one endpoint', () => {
    const { code, scenarios } = runCluster(['--broker', 'reference']);
    expect(scenarios.length).toBeGreaterThanOrEqual(20);
    expect(scenarios.every((s) => s.verdict === 'not-applicable')).toBe(true);
    expect(code).toBe(0);
  }, 180_000);
});

describe.skipIf(!mosquittoAvailable())('@cluster scenarios against two independent Mosquitto processes presented as one cluster', () => {
  it('fail, every one, each under one of its own rules', async () => {
    const pair = await startMosquittoPair();
    try {
      const { code, scenarios } = runCluster(['--broker', pair.urls[0], '--node', pair.urls[1]]);
      expect(code).toBe(1);
      expect(scenarios.length).toBeGreaterThanOrEqual(20);
      const notFailed = scenarios.filter((s) => s.verdict !== 'failed').map((s) => `${s.name}: ${s.verdict}`);
      expect(notFailed).toEqual([]);
      // The failure names a statement the scenario is tagged with: "[MQTT-x.y.z-n] ...".
      const misattributed = scenarios.filter((s) => {
        const rule = /^\[(MQTT-[\d.]+-\d+)\]/.exec(s.failure?.message ?? '')?.[1];
        return rule === undefined || !s.statements.includes(rule);
      });
      expect(misattributed.map((s) => `${s.name}: ${s.failure?.message.split('\n')[0] ?? ''}`)).toEqual([]);
    } finally {
      await pair.stop();
    }
  }, 180_000);
});
