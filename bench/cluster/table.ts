import { buildRows, type Measurement, type ResultRow, type ScenarioRecord } from '../results.js';
import { median } from '../stats.js';
import { formatNumber, type TableStyle } from '../table.js';
import { CPU_PER_MESSAGE_KEY, NODE_CPU_KEY, REDIS_CPU_KEY } from './scenarios.js';

/** The broker the cluster figures are compared with: the reference broker alone, without Redis. */
export const SINGLE_NODE = 'reference';

/** One line of the cluster table: a ResultRow plus the median CPU of each node and of Redis. */
export interface ClusterRow extends ResultRow {
  /** Median % of one core of node 1, 2, 3 (undefined where the broker has no such node). */
  nodeCpu: Array<number | undefined>;
  redisCpu: number | undefined;
  /** Median CPU µs of all the broker's processes per delivered message. */
  cpuPerMessage: number | undefined;
}

function medianOf(rounds: readonly Measurement[], key: string): number | undefined {
  const xs = rounds.map((r) => r.values[key]).filter((v): v is number => v !== undefined && Number.isFinite(v));
  return xs.length > 0 ? median(xs) : undefined;
}

/** '3 nodes' for reference:cluster:3, '1 (no Redis)' for the single broker. */
export function nodesLabel(broker: string): string {
  const m = /^reference:cluster:(\d+)$/.exec(broker);
  if (m?.[1]) return `${m[1]} node${m[1] === '1' ? '' : 's'} + Redis`;
  return broker === SINGLE_NODE ? '1, no Redis' : broker;
}

/** Rows of the cluster table from the records of a run, with ratios to the single-node broker. */
export function clusterRows(records: readonly ScenarioRecord[], nodeColumns: number): ClusterRow[] {
  return buildRows(records, SINGLE_NODE).map((row) => {
    const rec = records.find((r) => r.scenario === row.scenario && r.broker === row.broker);
    const ok = (rec?.rounds ?? []).filter((r): r is Measurement => !('error' in r));
    return {
      ...row,
      nodeCpu: Array.from({ length: nodeColumns }, (_, i) => medianOf(ok, NODE_CPU_KEY(i))),
      redisCpu: medianOf(ok, REDIS_CPU_KEY),
      cpuPerMessage: medianOf(ok, CPU_PER_MESSAGE_KEY),
    };
  });
}

const pct = (v: number | undefined): string => (v === undefined ? '-' : `${String(Math.round(v))}%`);
const pctMedian = (xs: readonly number[]): string => (xs.length === 0 ? '-' : pct(median(xs)));
const NODE_NAMES = ['node A (publishers)', 'node B (subscriber)', 'node C'];

/** The headers of the cluster table for `nodeColumns` node CPU columns. */
export function clusterHeaders(nodeColumns: number): string[] {
  return ['scenario', 'metric', 'nodes', 'median', 'min–max', 'vs 1 node', 'lost', ...NODE_NAMES.slice(0, nodeColumns).map((n) => `${n} CPU`), 'Redis CPU', 'CPU µs/msg (nodes + Redis)', 'load CPU', 'machine CPU'];
}

/** The cells of one row, as printed. */
export function clusterCells(row: ClusterRow): string[] {
  const arrow = row.better === 'higher' ? '↑' : '↓';
  const s = row.summary;
  const range = s ? (s.min === s.max ? formatNumber(s.min) : `${formatNumber(s.min)}–${formatNumber(s.max)}`) : '-';
  const lost = row.lost.length === 0 ? '-' : String(row.lost.reduce((a, b) => a + b, 0));
  return [
    row.scenario,
    `${row.metric} ${arrow}`,
    nodesLabel(row.broker),
    s ? formatNumber(s.median) : row.failures.length > 0 ? 'failed' : '-',
    range,
    row.ratio === undefined ? '-' : `${row.ratio.toFixed(2)}x`,
    lost,
    ...row.nodeCpu.map(pct),
    pct(row.redisCpu),
    row.cpuPerMessage === undefined ? '-' : formatNumber(row.cpuPerMessage),
    pctMedian(row.loadCpu),
    pctMedian(row.machineCpu),
  ];
}

/**
 * The cluster table (text or Markdown). "lost" is the total over all rounds (it must be 0 at QoS 1);
 * CPU cells are medians over the rounds, % of one core. Failures and notes are footnotes.
 */
export function formatClusterTable(rows: readonly ClusterRow[], style: TableStyle = 'text'): string {
  const nodeColumns = Math.max(0, ...rows.map((r) => r.nodeCpu.length));
  const headers = clusterHeaders(nodeColumns);
  const notes: string[] = [];
  const body = rows.map((row) => {
    const cells = clusterCells(row);
    const refs = [...row.failures, ...row.notes].map((t) => {
      const text = `${row.scenario} / ${nodesLabel(row.broker)}: ${t}`;
      if (!notes.includes(text)) notes.push(text);
      return notes.indexOf(text) + 1;
    });
    if (refs.length > 0) cells[3] = `${cells[3] ?? ''} [${refs.join(',')}]`;
    return cells;
  });
  const lines: string[] = [];
  if (style === 'markdown') {
    lines.push(`| ${headers.join(' | ')} |`);
    lines.push(`|${headers.map((_, i) => (i >= 3 ? '---:' : '---')).join('|')}|`);
    for (const cells of body) lines.push(`| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`);
  } else {
    const widths = headers.map((h, i) => Math.max(h.length, ...body.map((c) => (c[i] ?? '').length)));
    const fmt = (cells: readonly string[]): string =>
      cells
        .map((c, i) => (i >= 3 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd();
    lines.push(fmt(headers), widths.map((w) => '-'.repeat(w)).join('  '));
    for (const cells of body) lines.push(fmt(cells));
  }
  if (notes.length > 0) lines.push('', ...notes.map((n, i) => `[${String(i + 1)}] ${n}`));
  return lines.join('\n');
}
