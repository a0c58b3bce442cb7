/**
 * The whole suite against third-party brokers that run here without Docker (Debian's Mosquitto,
 * RabbitMQ and ejabberd, Aedes from npm), each compared scenario by scenario with its committed expected results
 * (test/expected/<broker>-<version>.json: every scenario that does not pass, with its verdict and
 * the written reason). Any drift fails: a new failure, a listed failure that now passes, another
 * verdict or statement, a listed scenario that no longer exists, or a reason still "TODO".
 * Refresh with `npm run expected:update` (see scripts/update-expected.ts).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AEDES, EJABBERD, MOSQUITTO, PACKAGE_ROOT, RABBITMQ, expectedFile, loadExpectedFile, runWholeSuite, type ThirdPartyBroker } from './third-party/brokers.js';
import { compareWithExpected, formatDrifts } from './third-party/expected-results.js';

const RUN_TIMEOUT_MS = 600_000;

function suiteAgainst(broker: ThirdPartyBroker): void {
  const unavailable = broker.unavailable();
  if (unavailable !== undefined) {
    // Say why in the output, not only "skipped".
    process.stderr.write(`third-party test: skipping ${broker.name}: ${unavailable}\n`);
  }
  const title = `the whole suite against ${broker.target} matches its expected results${unavailable ? ` (skipped: ${unavailable})` : ''}`;
  it.skipIf(unavailable !== undefined)(title, { timeout: RUN_TIMEOUT_MS }, async () => {
    const version = broker.installedVersion();
    const file = expectedFile(broker.name, version);
    const name = relative(PACKAGE_ROOT, file);
    if (!existsSync(file)) {
      expect.fail(`${broker.name} ${version} has no expected-results file ${name}: run "npm run expected:update -- --broker ${broker.target}" and write a reason for each entry`);
    }
    const expected = loadExpectedFile(file);
    const run = await runWholeSuite(broker.target, { parallel: broker.parallel ?? 2 });
    // 0: all passed, 1: some failed. 2 (configuration) or 3 (broker unreachable or died) is not a broker verdict.
    expect([0, 1], `mqtt-conformance run exited ${run.code}:\n${run.output.slice(-4000)}`).toContain(run.code);
    const report = run.report;
    if (report === undefined) return expect.fail(`the run wrote no report.json:\n${run.output.slice(-4000)}`);
    expect(report.target.name).toBe(broker.name);
    expect(report.target.version, `the run reports ${broker.name} ${report.target.version ?? '(no version)'} but ${version} is installed`).toBe(version);
    expect(report.summary.scenarios, 'the run has no scenarios').toBeGreaterThan(0);
    const drifts = compareWithExpected(report.scenarios, expected);
    if (drifts.length > 0) {
      // Keep the run's report (traces of every failure) for whoever reads the drift.
      const kept = join(tmpdir(), `mqttc-third-party-${broker.name}-${Date.now()}.report.json`);
      writeFileSync(kept, JSON.stringify(report));
      expect.fail(`${formatDrifts(drifts, name)}\nThe run's report.json (with the packet traces): ${kept}`);
    }
  });
}

describe('third-party brokers: whole-suite results match test/expected/', () => {
  suiteAgainst(MOSQUITTO);
  suiteAgainst(AEDES);
  suiteAgainst(RABBITMQ);
  suiteAgainst(EJABBERD);
});
