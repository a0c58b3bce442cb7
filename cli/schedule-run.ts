/**
 * The scheduling call sites of `mqtt-conformance run` (cli/run.ts): the cucumber plugin
 * configuration (order and shard), the worker count chosen from the target, and `--dry-run`.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import parseTagExpression from '@cucumber/tag-expressions';
import type { StartedTarget, TargetDescription } from '../harness/targets/index.js';
import { durationsFor, estimator, formatPlan, loadFeaturePickles, plan, readDurations, shardOf, type FeaturePickle, type ShardSpec } from './schedule.js';
import type { SchedulePluginOptions } from './schedule-plugin.js';

/** The plugin module beside this one: .ts when run through tsx, .js once compiled. */
const PLUGIN_URL = new URL(`./schedule-plugin${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/** Options for cucumber's loadConfiguration (`plugin`, `pluginOptions`): longest first, and the shard's part. */
export function schedulingPlugin(targetName: string, shard: ShardSpec | undefined): { plugin: string[]; pluginOptions: { schedule: SchedulePluginOptions } } {
  const options: SchedulePluginOptions = { durations: durationsFor(readDurations(), targetName) };
  if (shard !== undefined) options.shard = shard;
  return { plugin: [pathToFileURL(fileURLToPath(PLUGIN_URL)).href], pluginOptions: { schedule: options } };
}

const LOOPBACK = /^(127\.|localhost$|::1$|\[::1\]$)/;

/**
 * Workers for a target when `--parallel` is not given. Scenarios mostly wait (on timers, or on
 * bounds a broker lets run out), so more workers than CPUs pay off; each worker costs about a
 * second of CPU to start (cucumber and the steps). The embedded reference broker runs in this very
 * process and shares its CPUs with the workers, so a run against it is CPU-bound: 6 workers. A
 * separate broker on this machine (a local process, a loopback URL) leaves the CPUs to the suite,
 * and a run against it spends most of its time waiting (about 80% against Mosquitto 2.0.11): 8,
 * so more of those waits overlap (a container reached on a loopback port counts as local). A remote
 * broker (a shared server, a rate limit, a slower path): 4.
 */
export function workersFor(kind: TargetDescription['kind'], host: string, cpus: number = availableParallelism()): number {
  if (kind === 'reference') return Math.max(2, Math.min(6, 3 * cpus));
  const local = kind === 'process' || LOOPBACK.test(host);
  return Math.max(2, local ? Math.min(8, 4 * cpus) : Math.min(4, 3 * cpus));
}

export function defaultWorkers(started: StartedTarget): number {
  return workersFor(started.describe().kind, started.endpoint.host);
}

/** The target name a `--broker` value will report, without starting it (for the recorded durations of `--dry-run`). */
export function targetNameOf(spec: string): { name: string; kind: TargetDescription['kind']; host: string } {
  const s = spec.trim();
  if (s === 'reference' || s === 'reference:process') return { name: 'reference', kind: 'reference', host: '127.0.0.1' };
  const named = /^(process|container):([A-Za-z0-9._-]+)$/.exec(s);
  if (named?.[2] !== undefined) return { name: named[2].replace(/^eclipse-/, ''), kind: named[1] as 'process' | 'container', host: '127.0.0.1' };
  const url = /^[a-z]+:\/\/\[?([^\]/:]+)/i.exec(s);
  return { name: s, kind: url ? 'url' : 'process', host: url?.[1] ?? '127.0.0.1' };
}

/**
 * The selected scenarios (the tag expression, then the shard's part) as the plugin will see them:
 * a run never starts more workers than it has scenarios, since each costs a second of CPU.
 */
export function selectedScenarios(targetName: string, tags: string | undefined, shard: ShardSpec | undefined): FeaturePickle[] {
  const expr = tags === undefined ? undefined : parseTagExpression(tags);
  const selected = loadFeaturePickles().filter((p) => expr === undefined || expr.evaluate(p.tags));
  return shard ? shardOf(selected, shard, estimator(durationsFor(readDurations(), targetName))) : selected;
}

/** `run --dry-run`: prints the planned schedule and its estimate; starts nothing. */
export function dryRun(options: { broker: string; parallel?: number; shard?: ShardSpec }, tags: string | undefined): number {
  const target = targetNameOf(options.broker);
  const estimate = estimator(durationsFor(readDurations(), target.name));
  const part = selectedScenarios(target.name, tags, options.shard);
  const workers = Math.max(1, Math.min(options.parallel ?? workersFor(target.kind, target.host), part.length));
  process.stdout.write(`${formatPlan(plan(part, workers, estimate), target.name, options.shard)}\n`);
  return 0;
}
