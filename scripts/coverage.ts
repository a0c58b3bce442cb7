/**
 * `npm run coverage`: the reach of the conformance suite. Runs the whole suite (`mqtt-conformance
 * run`, default target: the reference broker started inside that same process) under c8 and
 * reports the line and branch coverage of `reference/` that the suite alone achieves; the unit
 * tests do not run. A line the suite never reaches is broker behaviour it cannot judge.
 *
 *   npm run coverage [-- --parallel N] [-- --tags EXPR]
 *
 * Writes coverage/suite/ (HTML in index.html, coverage-summary.json, lcov.info) and the run's own
 * reports in coverage/suite/run/. Counted: every runtime file of reference/, loaded or not (c8
 * --all). Not counted: tests, test support, the contract tests of the store interfaces, the
 * crash-test harness (test/robustness/), throw-away certificates for tests, and type-only
 * modules (nothing to execute; found by compiling each file).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import ts from 'typescript';

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const SOURCE = 'reference';
const OUT = join('coverage', 'suite');
const TEMP = join('coverage', '.c8-suite-tmp');

/** Globs (relative to the package root) that are not broker code. */
export const NOT_BROKER_CODE = [
  `${SOURCE}/**/*.test.ts`,
  `${SOURCE}/**/test-support/**`,
  `${SOURCE}/**/*-contract.ts`,
  `${SOURCE}/robustness/**`,
  `${SOURCE}/listeners/test-certs.ts`,
  `${SOURCE}/**/*.tmp.ts`,
];

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));
}

/** True when the module compiles to nothing but `export {}` (interfaces and types only). */
export function isTypeOnly(source: string): boolean {
  const out = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true, removeComments: true },
  }).outputText;
  return out.replace(/export\s*\{\s*\};?/g, '').trim() === '';
}

interface Counts {
  total: number;
  covered: number;
  pct: number;
}
type Summary = Record<string, { lines: Counts; branches: Counts; statements: Counts; functions: Counts }>;

function pct(c: Counts): string {
  return c.total === 0 ? '   -  ' : `${((100 * c.covered) / c.total).toFixed(1).padStart(5)}%`;
}

/** Folder rows (reference/, reference/handlers/, ...) summed from the per-file summary, then the total. */
export function coverageTable(summary: Summary): string {
  const folders = new Map<string, { lines: Counts; branches: Counts; files: number; untouched: number }>();
  for (const [file, s] of Object.entries(summary)) {
    if (file === 'total') continue;
    const rel = relative(ROOT, file).split(sep).join('/');
    const folder = rel.slice(0, rel.lastIndexOf('/') + 1);
    const row = folders.get(folder) ?? { lines: { total: 0, covered: 0, pct: 0 }, branches: { total: 0, covered: 0, pct: 0 }, files: 0, untouched: 0 };
    row.lines.total += s.lines.total;
    row.lines.covered += s.lines.covered;
    row.branches.total += s.branches.total;
    row.branches.covered += s.branches.covered;
    row.files++;
    if (s.lines.covered === 0) row.untouched++;
    folders.set(folder, row);
  }
  const lines = [`${'folder'.padEnd(26)} ${'files'.padStart(5)}  ${'lines'.padStart(15)}  ${'branches'.padStart(15)}  never loaded`];
  for (const [folder, r] of [...folders].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(
      `${folder.padEnd(26)} ${String(r.files).padStart(5)}  ${pct(r.lines)} ${`${r.lines.covered}/${r.lines.total}`.padStart(9)}  ${pct(r.branches)} ${`${r.branches.covered}/${r.branches.total}`.padStart(9)}  ${r.untouched || ''}`,
    );
  }
  const t = summary['total'];
  if (t !== undefined) {
    lines.push(`${'total'.padEnd(26)} ${String([...folders.values()].reduce((n, r) => n + r.files, 0)).padStart(5)}  ${pct(t.lines)} ${`${t.lines.covered}/${t.lines.total}`.padStart(9)}  ${pct(t.branches)} ${`${t.branches.covered}/${t.branches.total}`.padStart(9)}`);
  }
  return lines.join('\n');
}

async function main(): Promise<number> {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { parallel: { type: 'string' }, tags: { type: 'string' } } });
  const typeOnly = walk(join(ROOT, SOURCE))
    .filter((f) => isTypeOnly(readFileSync(f, 'utf8')))
    .map((f) => relative(ROOT, f).split(sep).join('/'));
  rmSync(join(ROOT, OUT), { recursive: true, force: true });
  rmSync(join(ROOT, TEMP), { recursive: true, force: true });
  const c8 = [
    join(ROOT, 'node_modules', 'c8', 'bin', 'c8.js'),
    '--all',
    '--src', SOURCE,
    '--include', `${SOURCE}/**`,
    ...[...NOT_BROKER_CODE, ...typeOnly].flatMap((g) => ['--exclude', g]),
    '--reports-dir', OUT,
    '--temp-directory', TEMP,
    '--reporter', 'html',
    '--reporter', 'json-summary',
    '--reporter', 'lcovonly',
    '--clean',
  ];
  // The suite: `run` with its default target, the reference broker in the run process itself,
  // which is the process whose coverage counts (cucumber workers only drive the clients).
  const run = ['--import', 'tsx', join(ROOT, 'cli', 'main.ts'), 'run', '--broker', 'reference', '--parallel', values.parallel ?? '2', '--report-dir', join(OUT, 'run')];
  if (values.tags !== undefined) run.push('--tags', values.tags);
  process.stderr.write(`coverage: the whole suite against the in-process reference broker, under c8 (${typeOnly.length} type-only modules not counted)\n`);
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [...c8, process.execPath, ...run], { cwd: ROOT, stdio: 'inherit' });
    child.once('error', reject);
    child.once('close', (c) => resolve(c ?? 1));
  });
  rmSync(join(ROOT, TEMP), { recursive: true, force: true });
  if (code !== 0 && code !== 1) {
    process.stderr.write(`coverage: the suite run did not complete (exit code ${code}), so no coverage is reported\n`);
    return code;
  }
  const summaryPath = join(ROOT, OUT, 'coverage-summary.json');
  if (!existsSync(summaryPath)) {
    process.stderr.write(`coverage: no ${summaryPath} was written (exit code ${code})\n`);
    return code === 0 ? 2 : code;
  }
  const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as Summary;
  process.stdout.write(`\nCoverage of ${SOURCE}/ by the conformance suite alone (no unit tests):\n${coverageTable(summary)}\n\nHTML: ${join(OUT, 'index.html')}\n`);
  if (code !== 0) process.stderr.write(`coverage: a scenario failed against the reference broker: see ${join(OUT, 'run')}\n`);
  return code;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = await main();
