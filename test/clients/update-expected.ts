/**
 * Regenerates test/expected/client-<name>-<version>.json from a fresh client run (or a saved
 * report.json): `tsx test/clients/update-expected.ts mqttjs [--report FILE]`. New or changed entries
 * get kind and reason "TODO", which test/clients/clients.test.ts refuses until a person writes
 * the statement, what the spec requires and the bytes the client sent.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readReportJson } from '../../reports/index.js';
import { CLIENT_PROFILES } from '../../harness/clients/index.js';
import { loadExpectedFile } from '../third-party/brokers.js';
import { isTodo, mergeRun, renderExpectedResults } from '../third-party/expected-results.js';
import { clientExpectedFile, runClient } from './client-runs.js';

const { values, positionals } = parseArgs({ args: process.argv.slice(2), allowPositionals: true, options: { report: { type: 'string' } } });
const name = positionals[0] ?? '';
if (CLIENT_PROFILES[name] === undefined) {
  process.stderr.write(`usage: tsx test/clients/update-expected.ts ${Object.keys(CLIENT_PROFILES).join('|')} [--report FILE]\n`);
  process.exit(2);
}
const report = values.report !== undefined ? await readReportJson(values.report) : (await runClient(name)).report;
if (!report) throw new Error('the run wrote no report.json');
const version = report.target.version ?? 'unknown';
const file = clientExpectedFile(name, version);
const previous = existsSync(file) ? loadExpectedFile(file) : undefined;
const { results, added, changed, removed } = mergeRun(report.scenarios, previous, { broker: name, version, target: `--client ${name}`, update: `npx tsx test/clients/update-expected.ts ${name}` });
writeFileSync(file, renderExpectedResults(results), 'utf8');
for (const k of added) process.stdout.write(`  added (TODO):   ${k}\n`);
for (const k of changed) process.stdout.write(`  changed (TODO): ${k}\n`);
for (const k of removed) process.stdout.write(`  removed:        ${k}\n`);
process.stdout.write(`${file}: ${results.scenarios.length} listed, ${results.scenarios.filter(isTodo).length} TODO\n`);
