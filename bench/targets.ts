import type { ResultRow } from './results.js';
import { formatNumber } from './table.js';

/** One of issue 7's performance targets for the reference broker, checked against a run's medians. */
export interface TargetCheck {
  target: string;
  /** undefined when the run has no figure for it (scenario or broker not run). */
  met: boolean | undefined;
  detail: string;
}

function median(rows: readonly ResultRow[], scenario: string, metric: string, broker: string): number | undefined {
  return rows.find((r) => r.scenario === scenario && r.metric === metric && r.broker === broker)?.summary?.median;
}

function lostAny(rows: readonly ResultRow[], scenario: string, broker: string): boolean | undefined {
  const r = rows.filter((x) => x.scenario === scenario && x.broker === broker);
  if (r.length === 0 || r.every((x) => x.lost.length === 0)) return undefined;
  return r.some((x) => x.lost.some((l) => l > 0));
}

function ratioCheck(rows: readonly ResultRow[], scenario: string, metric: string, other: string, atLeast: number): TargetCheck {
  const ref = median(rows, scenario, metric, 'reference');
  const base = median(rows, scenario, metric, other);
  const target = `${scenario} ${metric}: reference >= ${atLeast}x ${other}`;
  if (ref === undefined || base === undefined || base === 0) return { target, met: undefined, detail: 'not measured' };
  const ratio = ref / base;
  return { target, met: ratio >= atLeast, detail: `${ratio.toFixed(2)}x (${formatNumber(ref)} vs ${formatNumber(base)})` };
}

/** The targets of issues 7 and 18 that a load run can check (the suite-speed targets are --suite's). */
export function checkTargets(rows: readonly ResultRow[]): TargetCheck[] {
  const checks: TargetCheck[] = [
    ratioCheck(rows, 'fan-in qos0', 'msg/s', 'mosquitto', 1),
    ratioCheck(rows, 'fan-in qos0', 'msg/s', 'aedes', 2),
    ratioCheck(rows, 'fan-out qos0', 'deliveries/s', 'mosquitto', 1),
    ratioCheck(rows, 'fan-out qos0', 'deliveries/s', 'aedes', 2),
    ratioCheck(rows, 'fan-in qos1', 'msg/s', 'mosquitto', 1),
    ratioCheck(rows, 'fan-in qos2', 'msg/s', 'mosquitto', 1),
  ];
  for (const scenario of ['fan-in qos1', 'fan-in qos2']) {
    const lost = lostAny(rows, scenario, 'reference');
    checks.push({ target: `${scenario}: reference loses nothing`, met: lost === undefined ? undefined : !lost, detail: lost === undefined ? 'not measured' : lost ? 'messages lost' : 'lost 0 in every round' });
  }
  const p99 = median(rows, 'latency qos1', 'p99 ms', 'reference');
  const p99m = median(rows, 'latency qos1', 'p99 ms', 'mosquitto');
  checks.push(
    p99 === undefined || p99m === undefined || p99m === 0
      ? { target: 'latency qos1 p99: reference <= 2x mosquitto', met: undefined, detail: 'not measured' }
      : { target: 'latency qos1 p99: reference <= 2x mosquitto', met: p99 / p99m <= 2, detail: `${(p99 / p99m).toFixed(2)}x (${formatNumber(p99)} vs ${formatNumber(p99m)} ms)` },
  );
  const mem = median(rows, 'connections', 'bytes/conn', 'reference');
  checks.push({ target: 'connections: reference <= 4 KB per idle connection', met: mem === undefined ? undefined : mem <= 4096, detail: mem === undefined ? 'not measured' : `${formatNumber(mem)} bytes` });
  // Issue 18 (broker memory): the steady figure at most 2 KB.
  checks.push({ target: 'connections: reference <= 2 KB per idle connection (issue 18)', met: mem === undefined ? undefined : mem <= 2048, detail: mem === undefined ? 'not measured' : `${formatNumber(mem)} bytes` });
  return checks;
}

export function formatTargets(checks: readonly TargetCheck[]): string {
  const shown = checks.filter((c) => c.met !== undefined);
  if (shown.length === 0) return '';
  const lines = ['issue 7 targets for the reference broker (medians of this run):'];
  for (const c of shown) lines.push(`  ${c.met ? 'met    ' : 'MISSED '} ${c.target}: ${c.detail}`);
  return lines.join('\n');
}
