import { describe, expect, it } from 'vitest';
import { buildRows, type Measurement, type ScenarioRecord } from './results.js';
import { formatNumber, formatTable, rowCells, TABLE_HEADERS } from './table.js';

function m(value: number, extra: Partial<Measurement> = {}): Measurement {
  return { values: { 'msg/s': value }, lost: 0, brokerCpu: 99, loadCpu: 60, loadCpuMaxWorker: 40, machineCpu: 170, notes: [], ...extra };
}

const records: ScenarioRecord[] = [
  { scenario: 'fan-in qos1', metrics: [{ key: 'msg/s', better: 'higher' }], broker: 'reference', rounds: [m(200_000, { delivered: 400_000, brokerCpuSeconds: 0.8 }), m(180_000, { delivered: 360_000, brokerCpuSeconds: 0.9 }), m(220_000, { delivered: 440_000, brokerCpuSeconds: 0.66 })] },
  { scenario: 'fan-in qos1', metrics: [{ key: 'msg/s', better: 'higher' }], broker: 'mosquitto', rounds: [m(100_000), m(90_000), m(110_000)] },
  {
    scenario: 'fan-in qos1',
    metrics: [{ key: 'msg/s', better: 'higher' }],
    broker: 'aedes',
    rounds: [m(40_000, { lost: 3, notes: ['LOSS: 3 of 1000 QoS 1 messages were not delivered'] }), { error: 'aedes exited (code 1)' }],
  },
];

describe('formatNumber', () => {
  it('groups thousands and keeps about three significant digits below', () => {
    expect(formatNumber(412345.6)).toBe('412,346');
    expect(formatNumber(123.4)).toBe('123');
    expect(formatNumber(12.345)).toBe('12.3');
    expect(formatNumber(1.234)).toBe('1.23');
    expect(formatNumber(0.01234)).toBe('0.0123');
    expect(formatNumber(0)).toBe('0');
  });
});

describe('buildRows', () => {
  const rows = buildRows(records, 'mosquitto');
  it('summarises each broker over its rounds and divides by the baseline median', () => {
    const ref = rows.find((r) => r.broker === 'reference');
    expect(ref?.summary).toEqual({ n: 3, median: 200_000, min: 180_000, max: 220_000 });
    expect(ref?.ratio).toBe(2);
    expect(rows.find((r) => r.broker === 'mosquitto')?.ratio).toBe(1);
  });
  it('keeps failed rounds apart from the figures', () => {
    const aedes = rows.find((r) => r.broker === 'aedes');
    expect(aedes?.samples).toEqual([40_000]);
    expect(aedes?.failures).toEqual(['aedes exited (code 1)']);
    expect(aedes?.lost).toEqual([3]);
    expect(aedes?.ratio).toBeCloseTo(0.4);
  });
  it('divides the broker CPU of each round by its deliveries (µs per message), where both are known', () => {
    expect(rows.find((r) => r.broker === 'reference')?.brokerCpuUsPerMsg).toEqual([2, 2.5, 1.5]);
    expect(rows.find((r) => r.broker === 'aedes')?.brokerCpuUsPerMsg).toEqual([]);
  });
  it('has no ratio without a baseline', () => {
    expect(buildRows(records.slice(0, 1), 'mosquitto')[0]?.ratio).toBeUndefined();
  });
});

describe('formatTable', () => {
  const rows = buildRows(records, 'mosquitto');
  it('prints one cell per header: median, range, ratio, lost and CPU figures', () => {
    const cells = rowCells(rows[0]!);
    expect(cells).toHaveLength(TABLE_HEADERS.length);
    expect(cells).toEqual(['fan-in qos1', 'msg/s ↑', 'reference', '200,000', '180,000–220,000', '2.00x', '0', '99%', '2.00', '60% (40%)', '170%']);
    expect(rowCells(rows.find((r) => r.broker === 'aedes')!)[8]).toBe('-');
  });
  it('aligns a text table: numeric columns right-aligned under their header', () => {
    const lines = formatTable(rows, 'text').split('\n');
    expect(lines[0]).toMatch(/^scenario\s+metric\s+broker\s+median/);
    expect(lines[1]).toMatch(/^-+ +-+/);
    // 'median' is padded on the left to the widest cell; the column ends where the header ends.
    const end = (lines[0] ?? '').indexOf('median') + 'median'.length;
    for (const line of lines.slice(2, 5)) {
      expect(line[end - 1]).toMatch(/[0-9\]]/);
      expect(line[end]).toBe(' ');
    }
    expect(lines[2]?.slice(0, end).trimEnd().endsWith('200,000')).toBe(true);
  });
  it('numbers failures and notes as footnotes under the table', () => {
    const text = formatTable(rows, 'text');
    expect(text).toContain('40,000 [1,2]');
    expect(text).toContain('[1] fan-in qos1 / aedes: aedes exited (code 1)');
    expect(text).toContain('[2] fan-in qos1 / aedes: LOSS: 3 of 1000 QoS 1 messages were not delivered');
  });
  it('renders Markdown with right-aligned numeric columns', () => {
    const md = formatTable(rows, 'markdown').split('\n');
    expect(md[0]).toBe(`| ${TABLE_HEADERS.join(' | ')} |`);
    expect(md[1]).toBe('|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
    expect(md[2]).toBe('| fan-in qos1 | msg/s ↑ | reference | 200,000 | 180,000–220,000 | 2.00x | 0 | 99% | 2.00 | 60% (40%) | 170% |');
  });
});
