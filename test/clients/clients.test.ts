/**
 * The client features against each well-known client (MQTT.js, Eclipse Paho Python, the Mosquitto
 * command-line clients), compared scenario by scenario with test/expected/client-<name>-<version>.json.
 * Any drift fails, as for the third-party brokers (test/third-party.test.ts).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLIENT_PROFILES } from '../../harness/clients/index.js';
import { PACKAGE_ROOT, loadExpectedFile } from '../third-party/brokers.js';
import { compareWithExpected, formatDrifts } from '../third-party/expected-results.js';
import { clientExpectedFile, runClient } from './client-runs.js';

describe('client libraries: the client features match test/expected/client-*.json', () => {
  for (const profile of Object.values(CLIENT_PROFILES)) {
    const unavailable = profile.unavailable();
    it.skipIf(unavailable !== undefined)(`${profile.name}${unavailable ? ` (skipped: ${unavailable})` : ''}`, { timeout: 300_000 }, async () => {
      const version = profile.installedVersion();
      const file = clientExpectedFile(profile.name, version);
      const name = relative(PACKAGE_ROOT, file);
      if (!existsSync(file)) expect.fail(`${profile.name} ${version} has no expected-results file ${name}: run "npx tsx test/clients/update-expected.ts ${profile.name}"`);
      const run = await runClient(profile.name);
      expect([0, 1], `mqtt-conformance run --client exited ${run.code}:\n${run.output.slice(-4000)}`).toContain(run.code);
      const report = run.report;
      if (!report) return expect.fail(`no report.json:\n${run.output.slice(-4000)}`);
      expect(report.target.version).toBe(version);
      const drifts = compareWithExpected(report.scenarios, loadExpectedFile(file));
      if (drifts.length > 0) {
        const kept = join(tmpdir(), `mqttc-client-${profile.name}-${Date.now()}.report.json`);
        writeFileSync(kept, JSON.stringify(report));
        expect.fail(`${formatDrifts(drifts, name)}\nThe run's report.json (with the packet traces): ${kept}`);
      }
    });
  }
});
