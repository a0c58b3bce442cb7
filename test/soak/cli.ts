/**
 * `npm run soak -- --minutes N [--rate R] [--sample-seconds S] [--json FILE]`: the soak (soak.ts)
 * against the reference broker in its own process. Prints progress and the figures; exits 1 when a
 * check failed, 2 on a usage mistake.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatSoak, runSoak } from './soak.js';

const USAGE = 'usage: npm run soak -- --minutes N [--rate MESSAGES_PER_SECOND] [--sample-seconds S] [--json FILE]';

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    process.stderr.write(`--${name} must be a positive number, got ${JSON.stringify(value)}\n${USAGE}\n`);
    process.exit(2);
  }
  return n;
}

let parsed;
try {
  parsed = parseArgs({ options: { minutes: { type: 'string' }, rate: { type: 'string' }, 'sample-seconds': { type: 'string' }, json: { type: 'string' }, help: { type: 'boolean' } }, strict: true });
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
  process.exit(2);
}
if (parsed.values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const minutes = positive('minutes', parsed.values.minutes, 10);
const report = await runSoak({
  minutes,
  rate: positive('rate', parsed.values.rate, 200),
  sampleSeconds: positive('sample-seconds', parsed.values['sample-seconds'], 10),
  log: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
});
process.stdout.write(`${formatSoak(report)}\n`);
if (parsed.values.json) writeFileSync(parsed.values.json, `${JSON.stringify(report, null, 2)}\n`);
process.exit(report.problems.length === 0 ? 0 : 1);
