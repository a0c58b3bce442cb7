import type { ResultRow } from './results.js';
import { median as medianOf } from './stats.js';

export type TableStyle = 'text' | 'markdown';

/** 412345 -> '412,345'; 12.345 -> '12.3'; 0.4567 -> '0.457'. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  if (a === 0) return '0';
  return v.toPrecision(3);
}

function range(xs: number[]): string {
  if (xs.length === 0) return '-';
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo === hi ? formatNumber(lo) : `${formatNumber(lo)}–${formatNumber(hi)}`;
}

function cpuCell(xs: number[]): string {
  if (xs.length === 0) return '-';
  const sorted = [...xs].sort((a, b) => a - b);
  return `${Math.round(sorted[sorted.length >> 1] as number)}%`;
}

export const TABLE_HEADERS = [
  'scenario',
  'metric',
  'broker',
  'median',
  'min–max',
  'vs mosquitto',
  'lost',
  'broker CPU',
  'broker CPU µs/msg',
  'load CPU (max worker)',
  'machine CPU',
] as const;

/** The cells of one row, as printed. */
export function rowCells(row: ResultRow): string[] {
  const arrow = row.better === 'higher' ? '↑' : '↓';
  const median = row.summary ? formatNumber(row.summary.median) : row.failures.length > 0 ? 'failed' : '-';
  const ratio = row.ratio === undefined ? '-' : `${row.ratio.toFixed(2)}x`;
  const lost = row.lost.length === 0 ? '-' : row.lost.every((l) => l === row.lost[0]) ? String(row.lost[0]) : range(row.lost);
  const load =
    row.loadCpu.length === 0 ? '-' : `${cpuCell(row.loadCpu)} (${cpuCell(row.loadCpuMaxWorker)})`;
  return [
    row.scenario,
    `${row.metric} ${arrow}`,
    row.broker,
    median,
    row.summary ? range(row.samples) : '-',
    ratio,
    lost,
    cpuCell(row.brokerCpu),
    row.brokerCpuUsPerMsg.length === 0 ? '-' : formatNumber(medianOf(row.brokerCpuUsPerMsg)),
    load,
    cpuCell(row.machineCpu),
  ];
}

const NUMERIC_COLUMNS = new Set([3, 4, 5, 6, 7, 8, 9, 10]);

/**
 * Renders rows as an aligned text table (terminal) or a Markdown table (README). Numeric columns
 * are right-aligned. Failures and notes are listed under the table, numbered, so cells stay short.
 */
export function formatTable(rows: readonly ResultRow[], style: TableStyle = 'text'): string {
  const body = rows.map(rowCells);
  const headers = [...TABLE_HEADERS];
  const footnotes: string[] = [];
  const mark = (text: string): number => {
    const at = footnotes.indexOf(text);
    if (at >= 0) return at + 1;
    footnotes.push(text);
    return footnotes.length;
  };
  rows.forEach((row, i) => {
    const cells = body[i] as string[];
    const refs = [...row.failures, ...row.notes].map((t) => mark(`${row.scenario} / ${row.broker}: ${t}`));
    if (refs.length > 0) cells[3] = `${cells[3]} [${refs.join(',')}]`;
  });
  const lines: string[] = [];
  if (style === 'markdown') {
    const esc = (s: string): string => s.replace(/\|/g, '\\|');
    lines.push(`| ${headers.join(' | ')} |`);
    lines.push(`|${headers.map((_, i) => (NUMERIC_COLUMNS.has(i) ? '---:' : '---')).join('|')}|`);
    for (const cells of body) lines.push(`| ${cells.map(esc).join(' | ')} |`);
  } else {
    const widths = headers.map((h, i) => Math.max(h.length, ...body.map((c) => (c[i] ?? '').length)));
    const fmt = (cells: readonly string[]): string =>
      cells
        .map((c, i) => (NUMERIC_COLUMNS.has(i) ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number)))
        .join('  ')
        .trimEnd();
    lines.push(fmt(headers));
    lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
    let previous = '';
    for (const cells of body) {
      if (previous !== '' && cells[0] !== previous) lines.push('');
      previous = cells[0] as string;
      lines.push(fmt(cells));
    }
  }
  if (footnotes.length > 0) {
    lines.push('');
    footnotes.forEach((f, i) => lines.push(`[${i + 1}] ${f}`));
  }
  return lines.join('\n');
}
