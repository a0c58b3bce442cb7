/**
 * `mqtt-conformance report --from DIR... [--out DIR]`
 *
 * One DIR: re-render its reports (report.json, report.html, junit.xml, summary.md) from the saved
 * messages.ndjson (with the run metadata of report.json when present) or from report.json alone.
 * Several DIRs: merge their reports into a matrix (matrix.json, matrix.html); when they are the
 * shards of one run (`run --shard I/N`, every I of N once), into that run's one report.
 *
 * Exit codes: 0 rendered, 1 rendered and a run has a failed required (non-optional) scenario,
 * 2 usage or unreadable input.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  buildComplianceModel,
  parseMessages,
  readReportJson,
  ReportError,
  runMetaFromMessages,
  writeMatrix,
  writeReports,
} from '../reports/index.js';
import type { ReportJson, RunMeta, ToolInfo } from '../reports/index.js';
import { PACKAGE_ROOT } from '../harness/targets/index.js';
import { areShards, mergeShards } from './shard-merge.js';

const USAGE = `Usage: mqtt-conformance report --from DIR [DIR...] [--out DIR]

  --from DIR...  run directories holding report.json and/or messages.ndjson (as written by \`run\`).
                 One directory: re-render its reports. Several: merge them into a broker matrix,
                 or, when they are the shards of one run (run --shard I/N, each I once), into
                 the one report of the whole run.
  --out DIR      where to write. Default: the --from directory (one), reports/out/matrix
                 (several), reports/out/merged (shards).
  -h, --help     this text.
`;

export const DEFAULT_MATRIX_DIR = join('reports', 'out', 'matrix');
export const DEFAULT_MERGED_DIR = join('reports', 'out', 'merged');

interface Options {
  from: string[];
  out?: string;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Options | 'help' {
  const from: string[] = [];
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '-h' || arg === '--help') return 'help';
    if (arg === '--from') {
      let n = 0;
      while (i + 1 < argv.length && !(argv[i + 1] ?? '').startsWith('--')) {
        from.push(argv[++i] ?? '');
        n++;
      }
      if (n === 0) throw new UsageError('--from needs at least one directory');
    } else if (arg.startsWith('--from=')) {
      from.push(arg.slice('--from='.length));
    } else if (arg === '--out') {
      const value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError('--out needs a directory');
      out = value;
    } else if (arg.startsWith('--out=')) {
      out = arg.slice('--out='.length);
    } else {
      throw new UsageError(`unknown argument "${arg}"`);
    }
  }
  if (from.length === 0) throw new UsageError('--from is required');
  return out === undefined ? { from } : { from, out };
}

function toolInfo(): ToolInfo {
  try {
    const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
    return { name: typeof pkg.name === 'string' ? pkg.name : 'mqtt-conformance', version: typeof pkg.version === 'string' ? pkg.version : '0.0.0' };
  } catch {
    return { name: 'mqtt-conformance', version: '0.0.0' };
  }
}

/** The report of one saved run directory: rebuilt from messages.ndjson when it is there, else report.json as saved. */
export async function loadRun(dir: string): Promise<ReportJson> {
  const jsonPath = join(dir, 'report.json');
  const messagesPath = join(dir, 'messages.ndjson');
  const hasJson = existsSync(jsonPath);
  const hasMessages = existsSync(messagesPath);
  if (!existsSync(dir)) throw new ReportError('REPORT_NO_INPUT', 'no such directory', dir);
  if (!hasJson && !hasMessages) {
    throw new ReportError('REPORT_NO_INPUT', 'holds neither report.json nor messages.ndjson', dir);
  }
  const saved = hasJson ? await readReportJson(jsonPath) : undefined;
  if (!hasMessages && saved) return saved;
  const envelopes = parseMessages(await readFile(messagesPath, 'utf8'), messagesPath);
  let meta: RunMeta;
  if (saved) {
    meta = { tool: saved.tool, target: saved.target, startedAt: saved.run.startedAt, durationMs: saved.run.durationMs, argv: saved.run.argv };
    if (saved.run.tags !== undefined) meta.tags = saved.run.tags;
  } else {
    meta = runMetaFromMessages(envelopes, { tool: toolInfo() });
  }
  return buildComplianceModel(envelopes, meta);
}

export async function main(argv: string[]): Promise<number> {
  let options: Options | 'help';
  try {
    options = parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`report: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    let reports: ReportJson[] = [];
    const dirs = options.from.map((d) => resolve(d));
    for (const dir of dirs) reports.push(await loadRun(dir));
    let out = options.out ?? (reports.length === 1 ? (options.from[0] ?? '.') : DEFAULT_MATRIX_DIR);
    if (reports.length > 1 && areShards(reports, dirs)) {
      reports = [await mergeShards(reports, dirs)];
      out = options.out ?? DEFAULT_MERGED_DIR;
    }
    const single = reports.length === 1 ? reports[0] : undefined;
    const written = single ? await writeReports(single, resolve(out)) : await writeMatrix(reports, resolve(out));
    for (const path of written) process.stdout.write(`${path}\n`);
    for (const r of reports) {
      const verdicts = r.versions.map((v) => `MQTT ${v.version}: ${v.verdict}`).join(', ') || 'no scenario ran';
      process.stdout.write(`${r.target.name}${r.target.version !== undefined ? ` ${r.target.version}` : ''}: ${r.summary.passed} passed, ${r.summary.failed} failed, ${r.summary.optionalNotShown} optional not shown, ${r.summary.notApplicable} n/a, ${r.summary.inconclusive} inconclusive (${verdicts})\n`);
    }
    return reports.some((r) => r.scenarios.some((s) => s.verdict === 'failed' && !s.optional)) ? 1 : 0;
  } catch (err) {
    if (err instanceof ReportError) {
      process.stderr.write(`report: ${err.message} [${err.code}]\n`);
      return 2;
    }
    throw err;
  }
}
