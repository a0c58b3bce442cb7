/**
 * Regenerates the committed expected results of the third-party brokers from a fresh run:
 *
 *   npm run expected:update                                   # every installed third-party broker
 *   npm run expected:update -- --broker process:mosquitto     # one of them
 *   npm run expected:update -- --report reports/out/report.json   # from a run already made
 *
 * Writes test/expected/<broker>-<version>.json. An entry whose scenario still has the same verdict
 * (and failed statement) keeps its written reason; every new or changed entry gets kind and
 * reason "TODO" plus the run's evidence, and test/third-party.test.ts fails until a person writes
 * the reason: the statement broken, what the spec requires, the bytes the broker sent (or the
 * broker's documented choice). Scenarios that now pass are dropped.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readReportJson, type ReportJson } from '../reports/index.js';
import { THIRD_PARTY_BROKERS, PACKAGE_ROOT, expectedFile, loadExpectedFile, runWholeSuite, type ThirdPartyBroker } from '../test/third-party/brokers.js';
import { isTodo, mergeRun, renderExpectedResults } from '../test/third-party/expected-results.js';

const USAGE = `Usage: tsx scripts/update-expected.ts [--broker TARGET]... [--report FILE] [--parallel N]
  --broker TARGET   ${THIRD_PARTY_BROKERS.map((b) => b.target).join(' or ')} (default: every one installed)
  --report FILE     take the results from this report.json instead of running the suite
  --parallel N      cucumber workers (default 2)`;

function fail(message: string, code = 2): never {
  process.stderr.write(`update-expected: ${message}\n`);
  process.exit(code);
}

function update(broker: ThirdPartyBroker, report: ReportJson): number {
  if (report.target.name !== broker.name) fail(`the report is of "${report.target.name}", not ${broker.name}`);
  const version = report.target.version;
  if (version === undefined) fail(`the report does not say which version of ${broker.name} ran`);
  const file = expectedFile(broker.name, version);
  const previous = existsSync(file) ? loadExpectedFile(file) : undefined;
  const { results, added, changed, removed } = mergeRun(report.scenarios, previous, {
    broker: broker.name,
    version,
    target: broker.target,
    update: `npm run expected:update -- --broker ${broker.target}`,
  });
  writeFileSync(file, renderExpectedResults(results), 'utf8');
  const name = relative(PACKAGE_ROOT, file);
  for (const k of added) process.stdout.write(`  added (TODO):   ${k}\n`);
  for (const k of changed) process.stdout.write(`  changed (TODO): ${k}\n`);
  for (const k of removed) process.stdout.write(`  removed:        ${k}\n`);
  const todo = results.scenarios.filter(isTodo).length;
  const s = report.summary;
  process.stdout.write(
    `${name}: ${results.scenarios.length} listed of ${s.scenarios} scenarios (${s.failed} failed, ${s.notApplicable} not applicable, ${s.inconclusive} inconclusive)` +
      `${todo > 0 ? `; ${todo} need a written reason (kind and reason "TODO")` : ''}\n`,
  );
  if (s.inconclusive > 0) process.stderr.write(`warning: ${s.inconclusive} inconclusive scenario(s): a harness or broker start problem; fix the run before trusting ${name}\n`);
  return todo;
}

const { values } = (() => {
  try {
    return parseArgs({ args: process.argv.slice(2), options: { broker: { type: 'string', multiple: true }, report: { type: 'string' }, parallel: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (e) {
    return fail(`${(e as Error).message}\n${USAGE}`);
  }
})();
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const parallel = values.parallel === undefined ? 2 : Number(values.parallel);
if (!Number.isInteger(parallel) || parallel < 1) fail(`--parallel needs a whole number >= 1, got ${values.parallel ?? ''}`);
const byTarget = (target: string): ThirdPartyBroker =>
  THIRD_PARTY_BROKERS.find((b) => b.target === target) ?? fail(`unknown third-party broker ${target}; one of ${THIRD_PARTY_BROKERS.map((b) => b.target).join(', ')}`);

if (values.report !== undefined) {
  const report = await readReportJson(resolve(values.report));
  const broker = THIRD_PARTY_BROKERS.find((b) => b.name === report.target.name) ?? fail(`the report is of "${report.target.name}", which has no expected-results file here`);
  update(broker, report);
} else {
  const chosen = (values.broker ?? []).map(byTarget);
  const brokers = chosen.length > 0 ? chosen : THIRD_PARTY_BROKERS.filter((b) => b.unavailable() === undefined);
  for (const b of THIRD_PARTY_BROKERS) if (chosen.length === 0 && b.unavailable() !== undefined) process.stderr.write(`skipping ${b.name}: ${b.unavailable() ?? ''}\n`);
  for (const broker of brokers) {
    const why = broker.unavailable();
    if (why !== undefined) fail(`cannot run ${broker.name}: ${why}`);
    process.stdout.write(`running the whole suite against ${broker.target} (${broker.name} ${broker.installedVersion()})...\n`);
    const run = await runWholeSuite(broker.target, { parallel, echo: false });
    if ((run.code !== 0 && run.code !== 1) || run.report === undefined) {
      fail(`the run against ${broker.target} did not complete (exit code ${run.code}); its output:\n${run.output.slice(-4000)}`);
    }
    update(broker, run.report);
  }
}
