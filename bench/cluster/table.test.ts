import { describe, expect, it } from 'vitest';
import type { Measurement, ScenarioRecord } from '../results.js';
import { CPU_PER_MESSAGE_KEY, cpuMicrosPerMessage, cpuValues, NODE_CPU_KEY, REDIS_CPU_KEY } from './scenarios.js';
import { clusterCells, clusterHeaders, clusterRows, formatClusterTable, nodesLabel } from './table.js';

function m(rate: number, cpu: Record<string, number>, extra: Partial<Measurement> = {}): Measurement {
  return { values: { 'msg/s': rate, ...cpu }, lost: 0, brokerCpu: 90, loadCpu: 20, loadCpuMaxWorker: 12, machineCpu: 190, notes: [], ...extra };
}
const metrics = [{ key: 'msg/s', better: 'higher' as const }];
const records: ScenarioRecord[] = [
  { scenario: 'cluster qos1', metrics, broker: 'reference', rounds: [m(100_000, { [NODE_CPU_KEY(0)]: 80 }), m(120_000, { [NODE_CPU_KEY(0)]: 90 }), m(80_000, { [NODE_CPU_KEY(0)]: 70 })] },
  {
    scenario: 'cluster qos1',
    metrics,
    broker: 'reference:cluster:2',
    rounds: [
      m(10_000, { [NODE_CPU_KEY(0)]: 50, [NODE_CPU_KEY(1)]: 30, [REDIS_CPU_KEY]: 8, [CPU_PER_MESSAGE_KEY]: 88 }),
      m(30_000, { [NODE_CPU_KEY(0)]: 70, [NODE_CPU_KEY(1)]: 40, [REDIS_CPU_KEY]: 12 }, { lost: 2, notes: ['LOSS: 2 of 9 QoS 1 messages were not delivered'] }),
      m(20_000, { [NODE_CPU_KEY(0)]: 60, [NODE_CPU_KEY(1)]: 20, [REDIS_CPU_KEY]: 10 }),
      { error: 'reference:cluster:2 node2 exited' },
    ],
  },
];

describe('cluster table', () => {
  const rows = clusterRows(records, 3);
  it('compares each configuration with the reference broker alone', () => {
    const cluster = rows.find((r) => r.broker === 'reference:cluster:2');
    expect(cluster?.summary).toEqual({ n: 3, median: 20_000, min: 10_000, max: 30_000 });
    expect(cluster?.ratio).toBe(0.2);
    expect(rows.find((r) => r.broker === 'reference')?.ratio).toBe(1);
  });
  it('takes the median CPU of each node and of Redis over the rounds, and nothing where a process does not exist', () => {
    const cluster = rows.find((r) => r.broker === 'reference:cluster:2');
    expect(cluster?.nodeCpu).toEqual([60, 30, undefined]);
    expect(cluster?.redisCpu).toBe(10);
    const single = rows.find((r) => r.broker === 'reference');
    expect(single?.nodeCpu).toEqual([80, undefined, undefined]);
    expect(single?.redisCpu).toBeUndefined();
  });
  it('prints lost as the total over all rounds, failures and losses as footnotes', () => {
    const cluster = rows.find((r) => r.broker === 'reference:cluster:2');
    expect(cluster && clusterCells(cluster)).toEqual(['cluster qos1', 'msg/s ↑', '2 nodes + Redis', '20,000', '10,000–30,000', '0.20x', '2', '60%', '30%', '-', '10%', '88.0', '20%', '190%']);
    const md = formatClusterTable(rows, 'markdown');
    expect(md.split('\n')[0]).toBe(`| ${clusterHeaders(3).join(' | ')} |`);
    expect(md).toContain('20,000 [1,2]');
    expect(md).toContain('[1] cluster qos1 / 2 nodes + Redis: reference:cluster:2 node2 exited');
    expect(md).toContain('[2] cluster qos1 / 2 nodes + Redis: LOSS: 2 of 9');
  });
  it('names the configurations', () => {
    expect(nodesLabel('reference')).toBe('1, no Redis');
    expect(nodesLabel('reference:cluster:1')).toBe('1 node + Redis');
    expect(nodesLabel('reference:cluster:3')).toBe('3 nodes + Redis');
  });
});

describe('cpuValues', () => {
  it('turns CPU seconds read before and after a phase into % of one core per process', () => {
    const v = cpuValues({ nodes: [1, 2], redis: 0.5 }, { nodes: [1.5, 2.25], redis: 0.6 }, 1000);
    expect(v[NODE_CPU_KEY(0)]).toBeCloseTo(50);
    expect(v[NODE_CPU_KEY(1)]).toBeCloseTo(25);
    expect(v[REDIS_CPU_KEY]).toBeCloseTo(10);
  });
  it('charges the CPU of every node and Redis to the delivered messages', () => {
    expect(cpuMicrosPerMessage({ nodes: [1, 2], redis: 0.5 }, { nodes: [1.5, 2.25], redis: 0.6 }, 10_000)).toBeCloseTo(85);
    expect(cpuMicrosPerMessage({ nodes: [1], redis: undefined }, { nodes: [1.1], redis: undefined }, 1000)).toBeCloseTo(100);
    expect(cpuMicrosPerMessage({ nodes: [1, undefined], redis: 0 }, { nodes: [2, 3], redis: 1 }, 10)).toBeUndefined();
    expect(cpuMicrosPerMessage({ nodes: [1], redis: 0 }, { nodes: [2], redis: 1 }, 0)).toBeUndefined();
  });
  it('leaves out a process that could not be read (exited, or not ours)', () => {
    expect(cpuValues({ nodes: [undefined], redis: undefined }, { nodes: [3], redis: undefined }, 1000)).toEqual({});
  });
});
