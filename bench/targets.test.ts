import { describe, expect, it } from 'vitest';
import { buildRows, type Measurement, type ScenarioRecord } from './results.js';
import { checkTargets, formatTargets } from './targets.js';

const m = (values: Record<string, number>, lost = 0): Measurement => ({ values, lost, loadCpu: 10, loadCpuMaxWorker: 5, notes: [] });
const rec = (scenario: string, broker: string, key: string, better: 'higher' | 'lower', values: number[], lost = 0): ScenarioRecord => ({
  scenario,
  broker,
  metrics: [{ key, better }],
  rounds: values.map((v) => m({ [key]: v }, lost)),
});

describe('checkTargets', () => {
  const rows = buildRows(
    [
      rec('fan-in qos0', 'reference', 'msg/s', 'higher', [300, 320, 310]),
      rec('fan-in qos0', 'mosquitto', 'msg/s', 'higher', [100, 100, 100]),
      rec('fan-in qos0', 'aedes', 'msg/s', 'higher', [200, 200, 200]),
      rec('fan-in qos1', 'reference', 'msg/s', 'higher', [50], 2),
      rec('fan-in qos1', 'mosquitto', 'msg/s', 'higher', [100]),
      rec('latency qos1', 'reference', 'p99 ms', 'lower', [3]),
      rec('latency qos1', 'mosquitto', 'p99 ms', 'lower', [1]),
      rec('connections', 'reference', 'bytes/conn', 'lower', [3000]),
    ],
    'mosquitto',
  );
  const checks = checkTargets(rows);
  const get = (t: string) => checks.find((c) => c.target === t);
  it('compares medians with the issue-7 ratios', () => {
    expect(get('fan-in qos0 msg/s: reference >= 1x mosquitto')?.met).toBe(true);
    expect(get('fan-in qos0 msg/s: reference >= 2x aedes')?.met).toBe(false);
    expect(get('fan-in qos1 msg/s: reference >= 1x mosquitto')?.met).toBe(false);
    expect(get('latency qos1 p99: reference <= 2x mosquitto')?.met).toBe(false);
    expect(get('connections: reference <= 4 KB per idle connection')?.met).toBe(true);
    expect(get('connections: reference <= 2 KB per idle connection (issue 18)')?.met).toBe(false);
  });
  it('fails the zero-loss target on any lost message and leaves unmeasured targets open', () => {
    expect(get('fan-in qos1: reference loses nothing')?.met).toBe(false);
    expect(get('fan-in qos2: reference loses nothing')?.met).toBeUndefined();
    expect(get('fan-out qos0 deliveries/s: reference >= 1x mosquitto')?.met).toBeUndefined();
  });
  it('prints only what was measured', () => {
    const text = formatTargets(checks);
    expect(text).toContain('met     fan-in qos0 msg/s: reference >= 1x mosquitto: 3.10x (310 vs 100)');
    expect(text).toContain('MISSED  fan-in qos0 msg/s: reference >= 2x aedes: 1.55x');
    expect(text).not.toContain('fan-out');
    expect(formatTargets([])).toBe('');
  });
});
