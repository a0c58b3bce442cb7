/**
 * `report --from DIR1 DIR2 ...` where the directories are the shards of one run (`run --shard I/N`
 * with the same N, every I once): their cucumber messages together are the messages of the
 * unsharded run (each scenario ran in exactly one shard; every id is a UUID, so none collide),
 * so the merged report is built from them as one run's: same verdicts, counts and coverage.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Envelope } from '@cucumber/messages';
import { buildComplianceModel, parseMessages, ReportError, type ComplianceModel, type ReportJson, type RunMeta } from '../reports/index.js';
import { parseShard, type ShardSpec } from './schedule.js';

/** The `--shard I/N` of a run's command line, if it has one. */
export function shardOfArgv(argv: readonly string[]): ShardSpec | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    const text = a === '--shard' ? argv[i + 1] : a.startsWith('--shard=') ? a.slice('--shard='.length) : undefined;
    if (text !== undefined) return parseShard(text);
  }
  return undefined;
}

function withoutShard(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--shard') i++;
    else if (!a.startsWith('--shard=')) out.push(a);
  }
  return out;
}

/**
 * Whether these saved runs are shards of one run: all sharded. Throws a ReportError when some are
 * and some are not, or the shards do not make one whole run (another N, a part missing or twice).
 */
export function areShards(reports: readonly ReportJson[], dirs: readonly string[]): boolean {
  const shards = reports.map((r) => shardOfArgv(r.run.argv));
  if (shards.every((s) => s === undefined)) return false;
  const plain = shards.findIndex((s) => s === undefined);
  if (plain >= 0) throw new ReportError('REPORT_BAD_META', 'some runs are shards (--shard I/N) and this one is not: merge the shards of one run, or compare whole runs', dirs[plain]);
  const total = shards[0]?.total ?? 0;
  const seen = new Set<number>();
  shards.forEach((s, i) => {
    if (s === undefined) return;
    if (s.total !== total) throw new ReportError('REPORT_BAD_META', `shard ${s.index}/${s.total} is not one of ${total} like the first`, dirs[i]);
    if (seen.has(s.index)) throw new ReportError('REPORT_BAD_META', `shard ${s.index}/${total} is given twice`, dirs[i]);
    seen.add(s.index);
  });
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) throw new ReportError('REPORT_BAD_META', `shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${total}`).join(', ')} missing: a merged report must hold the whole run`, dirs.join(' '));
  const target = `${reports[0]?.target.name} ${reports[0]?.target.version ?? ''}`;
  reports.forEach((r, i) => {
    if (`${r.target.name} ${r.target.version ?? ''}` !== target) throw new ReportError('REPORT_BAD_META', `the shards ran against different brokers (${target.trim()}, ${r.target.name} ${r.target.version ?? ''})`, dirs[i]);
  });
  return true;
}

/** One report from the shards' messages: the unsharded command line, the earliest start, the longest shard's duration. */
export async function mergeShards(reports: readonly ReportJson[], dirs: readonly string[]): Promise<ComplianceModel> {
  const envelopes: Envelope[] = [];
  for (const dir of dirs) {
    const path = join(dir, 'messages.ndjson');
    if (!existsSync(path)) throw new ReportError('REPORT_NO_INPUT', 'a shard needs its messages.ndjson to be merged', dir);
    envelopes.push(...parseMessages(await readFile(path, 'utf8'), path));
  }
  const first = reports[0];
  if (first === undefined) throw new ReportError('REPORT_NO_INPUT', 'no shard to merge');
  const startedAt = reports.map((r) => r.run.startedAt).sort()[0] ?? first.run.startedAt;
  const meta: RunMeta = { tool: first.tool, target: first.target, startedAt, durationMs: Math.max(...reports.map((r) => r.run.durationMs)), argv: withoutShard(first.run.argv) };
  if (first.run.tags !== undefined) meta.tags = first.run.tags;
  return buildComplianceModel(envelopes, meta);
}

