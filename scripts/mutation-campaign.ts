/**
 * Mutation campaign: does the suite catch deliberately broken brokers?
 *
 *   npm run mutation -- [--list] [--check] [--only NAME[,NAME…]] [--area AREA] [--concurrency N]
 *                       [--parallel N] [--out DIR] [--compare results.json] [--no-control] [--keep] [--worktree] [--tags EXPR]
 *
 * For each mutant of scripts/mutation/mutants.ts: copies the reference broker (reference/, its
 * codec and launcher) as of the last commit (--worktree: as the files are now) to a temporary directory, applies the mutant's edits to the copy (the working
 * tree is only read), starts it as `reference:process`, runs the whole suite against it and records
 * whether the suite caught it (a non-optional scenario failed) and with which statements. A mutant
 * marked `allowed` changes behaviour the specification permits: it must survive, and a catch is a
 * false accusation. An unmutated copy runs first as the control; the campaign stops if it fails.
 * Writes results.json and summary.md to --out (default reports/out/mutation).
 * Exit code: 0 every breaking mutant caught and no allowed one accused, 1 otherwise, 2 usage error.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MUTANTS, type Mutant } from './mutation/mutants.js';
import { runSuite, type SuiteRun } from './mutation/run-suite.js';
import { StaleMutantError, checkMutant, createWorkspace, type SourceRevision } from './mutation/workspace.js';

const ROOT = resolve(import.meta.dirname, '..');

interface Options {
  list: boolean;
  check: boolean;
  only: string[];
  areas: string[];
  concurrency: number;
  parallel: number;
  out: string;
  compare: string | undefined;
  control: boolean;
  keep: boolean;
  timeoutMs: number;
  from: SourceRevision;
  tags: string | undefined;
}

const USAGE = `Usage: npm run mutation -- [options]
  --list              list the mutants (name, area, statements, what they break) and exit
  --check             check that every mutant still applies to the current sources, run nothing
  --only NAME[,NAME]  only these mutants (repeatable)
  --area AREA         only the mutants of this area (repeatable)
  --concurrency N     suites run at once (default 2; the machine has 2 cores)
  --parallel N        cucumber workers of each suite run (default 2)
  --out DIR           where results.json and summary.md go (default reports/out/mutation)
  --compare FILE      an earlier results.json: show what changed per mutant
  --no-control        skip the unmutated control run
  --tags EXPR         run only these scenarios (cucumber tag expression): a quick check, not a campaign
  --worktree          mutate the working tree's sources (default: the last commit, HEAD)
  --keep              keep the mutated copies (in ${join(tmpdir(), 'mqtt-mutation-<pid>')})
  --timeout S         bound of one suite run in seconds (default 900: a mutant that breaks every SUBSCRIBE makes each scenario wait out its bound)`;

class UsageError extends Error {
  readonly code = 'USAGE';
}

function parseArgs(argv: string[]): Options {
  const o: Options = { list: false, check: false, only: [], areas: [], concurrency: 2, parallel: 2, out: join(ROOT, 'reports', 'out', 'mutation'), compare: undefined, control: true, keep: false, timeoutMs: 900_000, from: 'HEAD', tags: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    const int = (name: string, v: string, min: number, max: number): number => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${name} must be an integer from ${String(min)} to ${String(max)}, got ${v}`);
      return n;
    };
    switch (arg) {
      case '--list': o.list = true; break;
      case '--check': o.check = true; break;
      case '--only': o.only.push(...value().split(',').filter((s) => s !== '')); break;
      case '--area': o.areas.push(value()); break;
      case '--concurrency': o.concurrency = int(arg, value(), 1, 4); break;
      case '--parallel': o.parallel = int(arg, value(), 1, 8); break;
      case '--out': o.out = resolve(value()); break;
      case '--compare': o.compare = resolve(value()); break;
      case '--no-control': o.control = false; break;
      case '--keep': o.keep = true; break;
      case '--worktree': o.from = 'worktree'; break;
      case '--tags': o.tags = value(); break;
      case '--timeout': o.timeoutMs = int(arg, value(), 30, 3600) * 1000; break;
      case '-h': case '--help': throw new UsageError('');
      default: throw new UsageError(`unknown option ${arg}`);
    }
  }
  return o;
}

function select(o: Options): Mutant[] {
  const names = new Set(MUTANTS.map((m) => m.name));
  const unknown = o.only.filter((n) => !names.has(n));
  if (unknown.length > 0) throw new UsageError(`no mutant named ${unknown.join(', ')} (see --list)`);
  const areas = new Set(MUTANTS.map((m) => m.area));
  const badAreas = o.areas.filter((a) => !areas.has(a));
  if (badAreas.length > 0) throw new UsageError(`no area ${badAreas.join(', ')}; areas: ${[...areas].join(', ')}`);
  return MUTANTS.filter((m) => (o.only.length === 0 || o.only.includes(m.name)) && (o.areas.length === 0 || o.areas.includes(m.area)));
}

export type Verdict = 'caught' | 'caught-other-rule' | 'survived' | 'allowed-survived' | 'false-accusation' | 'stale' | 'error';

export interface MutantResult {
  name: string;
  area: string;
  does: string;
  statements: readonly string[];
  allowed: boolean;
  verdict: Verdict;
  /** Statements of the failed scenarios (tags and the rule each failure names). */
  failedStatements: string[];
  failedScenarios: { id: string; name: string; rule?: string }[];
  durationMs: number;
  detail?: string;
}

function judge(m: Mutant, run: SuiteRun): MutantResult {
  const failedStatements = [...new Set(run.failed.flatMap((f) => [...f.statements, ...(f.rule ? [f.rule] : [])]))].sort();
  const base = { name: m.name, area: m.area, does: m.does, statements: m.statements, allowed: m.allowed !== undefined, failedStatements, failedScenarios: run.failed.map((f) => ({ id: f.id, name: f.name, ...(f.rule ? { rule: f.rule } : {}) })), durationMs: run.durationMs };
  if (run.failed.length === 0 && (run.exit === 'timeout' || run.exit >= 2 || run.inconclusive > 0)) {
    return { ...base, verdict: 'error', detail: `exit ${String(run.exit)}, ${String(run.inconclusive)} inconclusive${run.error ? `: ${run.error}` : ''}` };
  }
  if (m.allowed !== undefined) return { ...base, verdict: run.failed.length > 0 ? 'false-accusation' : 'allowed-survived' };
  if (run.failed.length === 0) return { ...base, verdict: 'survived' };
  const right = failedStatements.some((s) => m.statements.includes(s));
  return { ...base, verdict: right ? 'caught' : 'caught-other-rule' };
}

async function pool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) await work(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}

const SYMBOL: Record<Verdict, string> = {
  caught: 'CAUGHT',
  'caught-other-rule': 'CAUGHT (other rule)',
  survived: 'SURVIVED',
  'allowed-survived': 'ok (allowed, not accused)',
  'false-accusation': 'FALSE ACCUSATION',
  stale: 'STALE',
  error: 'ERROR',
};

function line(r: MutantResult): string {
  const stmts = r.failedStatements.length > 0 ? ` [${r.failedStatements.slice(0, 6).join(' ')}${r.failedStatements.length > 6 ? ' …' : ''}]` : '';
  return `${SYMBOL[r.verdict].padEnd(26)} ${r.name}${stmts} (${String(r.failedScenarios.length)} failed, ${(r.durationMs / 1000).toFixed(0)} s)${r.detail ? `\n      ${r.detail}` : ''}`;
}

function summaryMarkdown(results: MutantResult[], previous: Map<string, MutantResult> | undefined): string {
  const breaking = results.filter((r) => !r.allowed && r.verdict !== 'stale' && r.verdict !== 'error');
  const killed = breaking.filter((r) => r.verdict === 'caught' || r.verdict === 'caught-other-rule');
  const allowed = results.filter((r) => r.allowed);
  const rows = results.map((r) => {
    const before = previous?.get(r.name);
    const change = previous ? ` | ${before ? SYMBOL[before.verdict] : '(new)'}` : '';
    return `| ${r.name} | ${r.area} | ${SYMBOL[r.verdict]}${change} | ${r.statements.join(' ')} | ${r.failedStatements.slice(0, 8).join(' ')} |`;
  });
  return [
    '# Mutation campaign',
    '',
    `Breaking mutants caught: **${String(killed.length)}/${String(breaking.length)}** (${breaking.length ? ((100 * killed.length) / breaking.length).toFixed(1) : '0'}%), ` +
      `${String(killed.filter((r) => r.verdict === 'caught').length)} of them under one of their own statements. ` +
      `Allowed mutants not accused: ${String(allowed.filter((r) => r.verdict === 'allowed-survived').length)}/${String(allowed.length)}.` +
      ` Stale or errors: ${String(results.filter((r) => r.verdict === 'stale' || r.verdict === 'error').length)}.`,
    '',
    `| mutant | area | verdict${previous ? ' | before' : ''} | breaks | failed statements |`,
    `|---|---|---${previous ? '|---' : ''}|---|---|`,
    ...rows,
    '',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  let o: Options;
  let mutants: Mutant[];
  try {
    o = parseArgs(argv);
    mutants = select(o);
  } catch (error) {
    if (error instanceof UsageError) {
      if (error.message !== '') process.stderr.write(`mutation: ${error.message}\n`);
      process.stderr.write(`${USAGE}\n`);
      return error.message === '' ? 0 : 2;
    }
    throw error;
  }
  if (o.list) {
    for (const m of mutants) process.stdout.write(`${m.name.padEnd(44)} ${m.area.padEnd(20)} ${m.statements.join(' ')}${m.allowed ? ' (allowed)' : ''}\n    ${m.does}\n`);
    process.stdout.write(`${String(mutants.length)} mutants\n`);
    return 0;
  }
  const stale: MutantResult[] = [];
  const runnable: Mutant[] = [];
  for (const m of mutants) {
    try {
      checkMutant(ROOT, m, o.from);
      runnable.push(m);
    } catch (error) {
      if (!(error instanceof StaleMutantError)) throw error;
      stale.push({ name: m.name, area: m.area, does: m.does, statements: m.statements, allowed: m.allowed !== undefined, verdict: 'stale', failedStatements: [], failedScenarios: [], durationMs: 0, detail: error.message });
    }
  }
  for (const r of stale) process.stdout.write(`${line(r)}\n`);
  if (o.check) {
    process.stdout.write(`${String(runnable.length)} of ${String(mutants.length)} mutants apply to the current sources\n`);
    return stale.length === 0 ? 0 : 1;
  }
  const base = join(tmpdir(), `mqtt-mutation-${String(process.pid)}`);
  mkdirSync(o.out, { recursive: true });
  const run = async (name: string, mutant: Mutant | undefined): Promise<SuiteRun> => {
    const ws = createWorkspace(ROOT, base, name, mutant, o.from);
    try {
      const reportDir = join(o.out, 'runs', name);
      rmSync(reportDir, { recursive: true, force: true });
      return await runSuite(ROOT, ws.profile, reportDir, { parallel: o.parallel, timeoutMs: o.timeoutMs, ...(o.tags !== undefined ? { tags: o.tags } : {}) });
    } finally {
      if (!o.keep) ws.remove();
    }
  };
  if (o.control) {
    const control = await run('control', undefined);
    process.stdout.write(`control (unmutated copy): exit ${String(control.exit)}, ${String(control.passed)}/${String(control.scenarios)} passed, ${String(control.failed.length)} failed, ${String(control.inconclusive)} inconclusive (${(control.durationMs / 1000).toFixed(0)} s)\n`);
    if (control.exit !== 0 || control.failed.length > 0) {
      for (const f of control.failed) process.stdout.write(`  control failed: ${f.id} ${f.name}: ${f.summary}\n`);
      process.stderr.write('mutation: the unmutated broker does not pass the suite; mutant verdicts would mean nothing\n');
      return 1;
    }
  }
  const results: MutantResult[] = [...stale];
  await pool(runnable, o.concurrency, async (m) => {
    const r = judge(m, await run(m.name, m));
    results.push(r);
    process.stdout.write(`${line(r)}\n`);
  });
  if (!o.keep) rmSync(base, { recursive: true, force: true });
  const order = new Map(mutants.map((m, i) => [m.name, i]));
  results.sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));
  const previous = o.compare ? new Map((JSON.parse(readFileSync(o.compare, 'utf8')) as { results: MutantResult[] }).results.map((r) => [r.name, r])) : undefined;
  writeFileSync(join(o.out, 'results.json'), `${JSON.stringify({ date: new Date().toISOString(), results }, null, 2)}\n`);
  const summary = summaryMarkdown(results, previous);
  writeFileSync(join(o.out, 'summary.md'), summary);
  process.stdout.write(`\n${summary.split('\n')[2] ?? ''}\n${join(o.out, 'summary.md')}\n`);
  const bad = results.some((r) => r.verdict === 'survived' || r.verdict === 'false-accusation' || r.verdict === 'stale' || r.verdict === 'error');
  return bad ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
