/**
 * `npm run durations:update -- DIR...`: records the scenario durations of finished runs
 * (each DIR holds a report.json written by `mqtt-conformance run`) in cli/durations.json, under
 * the run's target name, for the longest-first schedule and the shard balance (cli/schedule.ts).
 * Scenarios of a target not in the given runs keep their recorded durations.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readReportJson } from '../reports/index.js';
import { DURATIONS_FILE, loadFeaturePickles, readDurations } from '../cli/schedule.js';

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  process.stderr.write('usage: npm run durations:update -- RUN_DIR...  (directories with the report.json of full runs)\n');
  process.exit(2);
}
const file = readDurations();
// A report of an older checkout names scenarios by the lines of then: map each by its (file, name) to today's key where that is unique.
const byName = new Map<string, string | undefined>();
for (const p of loadFeaturePickles()) {
  const k = `${p.uri}\n${p.name}`;
  byName.set(k, byName.has(k) ? undefined : p.key);
}
for (const dir of dirs) {
  const report = await readReportJson(join(resolve(dir), 'report.json'));
  const times: Record<string, number> = {};
  // Rounded to 10 ms: the schedule needs the order of magnitude, and the file stays readable in a diff.
  for (const s of report.scenarios) times[byName.get(`${s.uri}\n${s.name}`) ?? s.id] = Math.round(s.durationMs / 10) * 10;
  file.targets[report.target.name] = Object.fromEntries(Object.entries(times).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  process.stdout.write(`${report.target.name}: ${Object.keys(times).length} scenario durations from ${dir}\n`);
}
file.generatedBy = 'npm run durations:update -- RUN_DIR... (scripts/update-durations.ts)';
writeFileSync(DURATIONS_FILE, `${JSON.stringify(file, null, 1)}\n`);
process.stdout.write(`wrote ${DURATIONS_FILE}\n`);
