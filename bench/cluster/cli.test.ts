import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../cli.js';
import { brokerLauncher } from '../brokers/index.js';
import { clusterNamesAsked } from './index.js';

describe('cluster bench command line', () => {
  it('accepts the cluster family by name', () => {
    expect(parseBenchArgs(['--scenario', 'cluster-qos1', '--scenario', 'cluster-latency']).scenarios).toEqual(['cluster-qos1', 'cluster-latency']);
    expect(clusterNamesAsked(['fan-in', 'cluster-qos0'], false)).toEqual(['cluster-qos0']);
  });
  it('runs the family in a default run only (no --scenario and no --broker)', () => {
    expect(clusterNamesAsked([], false)).toEqual(['cluster']);
    expect(clusterNamesAsked([], true)).toEqual([]);
    expect(clusterNamesAsked(['fan-in'], false)).toEqual([]);
  });
  it('refuses one load worker before anything starts: node A and node B need one each', () => {
    expect(() => parseBenchArgs(['--scenario', 'cluster', '--workers', '1'])).toThrow(expect.objectContaining({ code: 'BENCH_USAGE', message: expect.stringContaining('--workers 1') }));
    expect(() => parseBenchArgs(['--scenario', 'fan-in', '--workers', '1'])).not.toThrow();
  });
  it('knows reference:cluster:N for N from 1 to 3 only', () => {
    expect(brokerLauncher('reference:cluster:3').name).toBe('reference:cluster:3');
    expect(() => brokerLauncher('reference:cluster:4')).toThrow(expect.objectContaining({ code: 'BENCH_USAGE' }));
    expect(() => brokerLauncher('reference:cluster:x')).toThrow(expect.objectContaining({ code: 'BENCH_USAGE' }));
  });
});
