/**
 * Scheduling of a suite run: the order in which cucumber hands scenarios to its workers
 * (longest first, from recorded durations), the part of the selection one shard runs
 * (`run --shard I/N`, balanced by recorded duration), and the estimate `run --dry-run` prints.
 *
 * A scenario is named by its key `uri:line` (the line of its Scenario, or of its Examples row for
 * an outline row): the same key report.json gives as a scenario's `id`. Durations are recorded
 * per target name (report.json `target.name`) in cli/durations.json, written by
 * `npm run durations:update` from the report.json of real runs; a scenario without a recorded
 * duration gets the target's median, or DEFAULT_ESTIMATE_MS.
 *
 * It knows scenarios and durations, not targets: `run` (cli/run.ts) picks the target's recorded
 * durations and its worker count (cli/resolve-target.ts `workersFor`), and prints `--dry-run`.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import parseTagExpression from '@cucumber/tag-expressions';
import { AstBuilder, GherkinClassicTokenMatcher, Parser, compile } from '@cucumber/gherkin';
import { IdGenerator, type GherkinDocument, type Pickle } from '@cucumber/messages';
import { PACKAGE_ROOT } from '../harness/targets/index.js';
import type { SchedulePluginOptions } from './schedule-plugin.js';
import { canStartBeside } from '../steps/support/serial.js';

/** Estimate of a scenario never timed: most scenarios are a few round trips on localhost. */
export const DEFAULT_ESTIMATE_MS = 150;
export const DURATIONS_FILE = join(PACKAGE_ROOT, 'cli', 'durations.json');

/** cli/durations.json: per target name, milliseconds per scenario key. */
export interface DurationsFile {
  /** How the file was made (the command), for whoever reads it. */
  generatedBy: string;
  targets: Record<string, Record<string, number>>;
}

/** What the scheduler knows of a scenario. */
export interface SchedulableScenario {
  key: string;
  name: string;
  /** `@serial`: runs alone, never beside another scenario. */
  serial: boolean;
}

export interface ShardSpec {
  /** 1-based. */
  index: number;
  total: number;
}

/** Parses `I/N` (1 <= I <= N); throws an Error naming what is wrong. */
export function parseShard(text: string): ShardSpec {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const total = Number(m?.[2]);
  if (!m || !Number.isInteger(index) || !Number.isInteger(total) || total < 1 || index < 1 || index > total) {
    throw new Error(`--shard needs I/N with 1 <= I <= N, e.g. --shard 2/4, got ${JSON.stringify(text)}`);
  }
  return { index, total };
}

export function readDurations(path: string = DURATIONS_FILE): DurationsFile {
  if (!existsSync(path)) return { generatedBy: '', targets: {} };
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<DurationsFile>;
  return { generatedBy: parsed.generatedBy ?? '', targets: parsed.targets ?? {} };
}

/** The estimate of each scenario: its recorded duration, else the median of the recorded ones, else the default. */
export function estimator(durations: Record<string, number>): (key: string) => number {
  const values = Object.values(durations).sort((a, b) => a - b);
  const median = values.length > 0 ? (values[Math.floor(values.length / 2)] ?? DEFAULT_ESTIMATE_MS) : DEFAULT_ESTIMATE_MS;
  return (key) => durations[key] ?? median;
}

/** Longest first; ties by key, so the order is the same on every machine. */
export function longestFirst<T extends { key: string }>(items: readonly T[], estimate: (key: string) => number): T[] {
  return [...items].sort((a, b) => estimate(b.key) - estimate(a.key) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Scenarios recorded at this or longer are timer-bound: keep-alive, Will Delay, expiry, `$SYS` rounds; mostly asleep. */
export const TIMER_BOUND_MS = 1000;

/** How a run orders its scenarios (see runOrder). */
export interface OrderOptions {
  /** `@serial` scenarios run on an isolated instance of the broker (StartedTarget.startIsolated), beside the others. */
  isolated?: boolean;
  /**
   * The broker competes with the workers for this machine's CPUs (the reference broker, in this
   * process or as local nodes) and the run has this many workers: spread the timer-bound scenarios.
   */
  cpuBoundWorkers?: number;
}

/**
 * The longest-first order with the timer-bound scenarios spread out, for a run whose scenarios
 * compete for the CPUs. Longest first would start every worker on a timer-bound scenario at once
 * and leave the CPUs idle for seconds while the short, CPU-bound scenarios wait behind them. Here a
 * third of the workers start on the longest ones, and the other timer-bound scenarios are spread
 * evenly through the first half of the short ones: some workers sleep on timers while the rest keep
 * the CPUs busy, and every timer-bound scenario still starts early enough to end before the short
 * ones run out.
 */
export function spreadTimerBound<T extends { key: string }>(ordered: readonly T[], estimate: (key: string) => number, workers: number): T[] {
  const timed = ordered.filter((s) => estimate(s.key) >= TIMER_BOUND_MS);
  const short = ordered.filter((s) => estimate(s.key) < TIMER_BOUND_MS);
  const out = timed.splice(0, Math.max(1, Math.floor(workers / 3)));
  // With too few short ones to go around, no gap: then it is longest first.
  const gap = timed.length === 0 ? 0 : Math.floor(short.length / (2 * timed.length));
  let next = 0;
  for (const scenario of timed) {
    out.push(...short.slice(next, next + gap), scenario);
    next += gap;
  }
  out.push(...short.slice(next));
  return out;
}

/**
 * The order the workers take scenarios in: `@serial` ones first (each runs alone, so at the start
 * they overlap the other workers' start-up instead of draining the pool later), then the rest
 * longest first, so the long waits start early and the short scenarios fill the gaps at the end.
 * With an isolated instance for the `@serial` ones nothing runs alone, so none need go first; with
 * the CPUs shared with the broker, the timer-bound scenarios are spread (spreadTimerBound).
 */
export function runOrder<T extends { key: string; serial: boolean }>(items: readonly T[], estimate: (key: string) => number, options: OrderOptions = {}): T[] {
  const spread = (list: T[]): T[] => (options.cpuBoundWorkers === undefined ? list : spreadTimerBound(list, estimate, options.cpuBoundWorkers));
  const ordered = longestFirst(items, estimate);
  if (options.isolated === true) return spread(ordered);
  return [...ordered.filter((s) => s.serial), ...spread(ordered.filter((s) => !s.serial))];
}

/**
 * The scenarios shard `index` of `total` runs: the selection split into `total` parts of nearly
 * equal estimated time (longest first, each to the part with the least time so far; ties to the
 * lowest part). Deterministic: every shard computes the same split from the same selection and
 * durations, so the parts are disjoint and together are the selection.
 */
export function shardOf<T extends { key: string }>(items: readonly T[], shard: ShardSpec, estimate: (key: string) => number): T[] {
  const loads = new Array<number>(shard.total).fill(0);
  const mine: T[] = [];
  for (const item of longestFirst(items, estimate)) {
    let best = 0;
    for (let i = 1; i < loads.length; i++) if ((loads[i] ?? 0) < (loads[best] ?? 0)) best = i;
    loads[best] = (loads[best] ?? 0) + estimate(item.key);
    if (best === shard.index - 1) mine.push(item);
  }
  return mine;
}

export { canStartBeside };

export interface PlannedScenario extends SchedulableScenario {
  estimateMs: number;
  worker: number;
  startMs: number;
}

export interface Plan {
  workers: number;
  /** `@serial` scenarios on an isolated instance of the broker (beside the others), not alone. */
  isolated: boolean;
  /** Timer-bound scenarios spread through the short ones (spreadTimerBound), the CPUs being shared with the broker. */
  spread: boolean;
  scenarios: PlannedScenario[];
  /** Estimated wall time of the scenarios (worker start-up not included). */
  estimateMs: number;
  /** Sum of the estimates. */
  totalMs: number;
}

/**
 * Simulates cucumber's assignment (each idle worker takes the first scenario of the queue it may
 * start, see `canStartBeside`) over the queue in longest-first order: the planned start and
 * worker of each scenario and the estimated wall time.
 */
export function plan(items: readonly SchedulableScenario[], workers: number, estimate: (key: string) => number, options: { isolated?: boolean; cpuBound?: boolean } = {}): Plan {
  const isolated = options.isolated === true;
  const queue = runOrder(items, estimate, { isolated, ...(options.cpuBound === true ? { cpuBoundWorkers: workers } : {}) });
  const free = new Array<number>(workers).fill(0);
  const running: { end: number; serial: boolean }[] = [];
  const out: PlannedScenario[] = [];
  let now = 0;
  while (queue.length > 0) {
    const inProgress = running.filter((r) => r.end > now);
    const idle = free.findIndex((t) => t <= now);
    const pick = idle < 0 ? -1 : queue.findIndex((s) => canStartBeside(s.serial, inProgress.map((r) => r.serial), isolated));
    if (idle >= 0 && pick >= 0) {
      const [s] = queue.splice(pick, 1);
      if (!s) break;
      const ms = estimate(s.key);
      out.push({ ...s, estimateMs: ms, worker: idle, startMs: now });
      free[idle] = now + ms;
      running.push({ end: now + ms, serial: s.serial });
      continue;
    }
    // Nothing can start now: move to the next moment a scenario ends.
    const next = Math.min(...running.map((r) => r.end).filter((e) => e > now));
    if (!Number.isFinite(next)) break;
    now = next;
  }
  const estimateMs = Math.max(0, ...out.map((s) => s.startMs + s.estimateMs));
  return { workers, isolated, spread: options.cpuBound === true, scenarios: out, estimateMs, totalMs: out.reduce((a, s) => a + s.estimateMs, 0) };
}

/** A pickle as the scheduler and `run --dry-run` see it. */
export interface FeaturePickle extends SchedulableScenario {
  uri: string;
  line: number;
  tags: string[];
}

/** The scheduler's key of a cucumber pickle: `uri:line` of its Scenario or Examples row (report.json's scenario id). */
export function pickleKey(pickle: Pickle, line: number): string {
  return `${pickle.uri}:${line}`;
}

function astLines(doc: GherkinDocument): Map<string, number> {
  const lines = new Map<string, number>();
  const visit = (scenario: { id: string; location: { line: number }; examples: readonly { tableBody: readonly { id: string; location: { line: number } }[] }[] }): void => {
    lines.set(scenario.id, scenario.location.line);
    for (const ex of scenario.examples) for (const row of ex.tableBody) lines.set(row.id, row.location.line);
  };
  for (const child of doc.feature?.children ?? []) {
    if (child.scenario) visit(child.scenario);
    for (const rc of child.rule?.children ?? []) if (rc.scenario) visit(rc.scenario);
  }
  return lines;
}

const parsedFeatures = new Map<string, readonly FeaturePickle[]>();

/**
 * Every pickle of the feature files with its key, tags and `@serial`, as cucumber will see them (uri
 * relative to the package). Parsed once per process and folder: the checks before a run (preflight)
 * and the schedule read the same parse (the files do not change during a run).
 */
export function loadFeaturePickles(dir: string = join(PACKAGE_ROOT, 'features')): readonly FeaturePickle[] {
  let pickles = parsedFeatures.get(dir);
  if (pickles === undefined) {
    pickles = parseFeaturePickles(dir);
    parsedFeatures.set(dir, pickles);
  }
  return pickles;
}

function parseFeaturePickles(dir: string): FeaturePickle[] {
  const out: FeaturePickle[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.feature')).sort()) {
    const uri = `features/${file}`;
    const newId = IdGenerator.incrementing();
    const doc = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher()).parse(readFileSync(join(dir, file), 'utf8'));
    const lines = astLines({ ...doc, uri });
    for (const p of compile(doc, uri, newId)) {
      const line = lines.get(p.astNodeIds[p.astNodeIds.length - 1] ?? '') ?? 0;
      const tags = p.tags.map((t) => t.name);
      out.push({ key: pickleKey(p, line), uri, line, name: p.name, tags, serial: tags.includes('@serial') });
    }
  }
  return out;
}

/** The plan as text: the estimate, then each scenario with its planned start, worker and estimate. */
export function formatPlan(p: Plan, targetName: string, shard?: ShardSpec): string {
  const s = (ms: number): string => (ms / 1000).toFixed(1);
  const lines = [
    `schedule for ${targetName}${shard ? `, shard ${shard.index}/${shard.total}` : ''}: ${p.scenarios.length} scenarios on ${p.workers} worker${p.workers === 1 ? '' : 's'}, ` +
      `${p.isolated ? '@serial ones on a second broker instance, one at a time; ' : '@serial first, then '}longest first${p.spread ? ' (timer-bound ones spread among the short ones)' : ''}; estimated ${s(p.estimateMs)} s wall (scenario time ${s(p.totalMs)} s; worker start-up not included)`,
    '  start s  worker  est. s  scenario',
  ];
  for (const x of p.scenarios) {
    lines.push(`  ${s(x.startMs).padStart(7)}  ${String(x.worker + 1).padStart(6)}  ${s(x.estimateMs).padStart(6)}  ${x.key}  ${x.name}${x.serial ? '  [@serial]' : ''}`);
  }
  return lines.join('\n');
}

// ---- The call sites in `run`: plugin options, worker count, --dry-run ------------------------

/** The plugin module beside this one: .ts when run through tsx, .js once compiled. */
const PLUGIN_URL = new URL(`./schedule-plugin${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/** Options for cucumber's loadConfiguration (`plugin`, `pluginOptions`): longest first, and the shard's part. */
export function schedulingPlugin(durations: Record<string, number>, shard: ShardSpec | undefined, order: OrderOptions = {}): { plugin: string[]; pluginOptions: { schedule: SchedulePluginOptions } } {
  const options: SchedulePluginOptions = { durations, order };
  if (shard !== undefined) options.shard = shard;
  return { plugin: [pathToFileURL(fileURLToPath(PLUGIN_URL)).href], pluginOptions: { schedule: options } };
}

/**
 * The selected scenarios (the tag expression, then the shard's part) as the plugin will see them:
 * a run never starts more workers than it has scenarios, since each costs a second of CPU.
 */
export function selectedScenarios(tags: string | undefined, shard: ShardSpec | undefined, durations: Record<string, number>): FeaturePickle[] {
  const expr = tags === undefined ? undefined : parseTagExpression(tags);
  const selected = loadFeaturePickles().filter((p) => expr === undefined || expr.evaluate(p.tags));
  return shard ? shardOf(selected, shard, estimator(durations)) : selected;
}
