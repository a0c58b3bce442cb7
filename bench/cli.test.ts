import { describe, expect, it } from 'vitest';
import { mosquittoConfig } from './brokers/index.js';
import { parseBenchArgs } from './cli.js';
import { DEFAULT_OPTIONS } from './options.js';
import { roundOrder } from './runner.js';
import { selectScenarios } from './scenarios/index.js';
import { scenarioTimes } from './suite.js';

describe('parseBenchArgs', () => {
  it('defaults to every broker and scenario', () => {
    const a = parseBenchArgs([]);
    expect(a.brokers).toEqual(['reference', 'mosquitto', 'aedes']);
    expect(a.scenarios).toEqual([]);
    expect(a.options).toEqual(DEFAULT_OPTIONS);
  });
  it('takes repeated brokers and scenarios and numeric scales', () => {
    const a = parseBenchArgs(['--broker', 'mosquitto', '--broker', 'mqtt://10.0.0.1:1884', '--scenario', 'fan-out', '--rounds', '5', '--connections', '500', '--json', 'out.json', '--suite', '--suite-version', '3.1.1']);
    expect(a.brokers).toEqual(['mosquitto', 'mqtt://10.0.0.1:1884']);
    expect(a.scenarios).toEqual(['fan-out']);
    expect(a.options.rounds).toBe(5);
    expect(a.options.connections).toBe(500);
    expect(a.json).toBe('out.json');
    expect(a.suite).toBe(true);
    expect(a.suiteVersion).toBe('3.1.1');
  });
  it.each([
    [['--rounds', '0']],
    [['--rounds', 'x']],
    [['--window', '70000']],
    [['--scenario', 'nope']],
    [['--no-such-flag']],
    [['positional']],
  ])('refuses %j with BENCH_USAGE', (argv) => {
    expect(() => parseBenchArgs(argv)).toThrow(expect.objectContaining({ code: 'BENCH_USAGE' }));
  });
  it('allows --warmup 0', () => {
    expect(parseBenchArgs(['--warmup', '0']).options.warmupMs).toBe(0);
  });
});

describe('scenario selection', () => {
  it('selects by family or exact name, in run order', () => {
    expect(selectScenarios(['fan-in']).map((s) => s.name)).toEqual(['fan-in qos0', 'fan-in qos1', 'fan-in qos2']);
    expect(selectScenarios(['retained', 'fan-in-qos2']).map((s) => s.name)).toEqual(['fan-in qos2', 'retained']);
    expect(selectScenarios([]).length).toBe(7);
  });
});

describe('roundOrder', () => {
  it('rotates the brokers so each goes first once every n rounds', () => {
    const b = ['reference', 'mosquitto', 'aedes'];
    expect(roundOrder(b, 1)).toEqual(b);
    expect(roundOrder(b, 2)).toEqual(['mosquitto', 'aedes', 'reference']);
    expect(roundOrder(b, 3)).toEqual(['aedes', 'reference', 'mosquitto']);
    expect(roundOrder(b, 4)).toEqual(b);
    expect(roundOrder([], 2)).toEqual([]);
  });
});

describe('mosquittoConfig', () => {
  it('queues rather than drops and binds the given port', () => {
    const c = mosquittoConfig(12345, '127.0.0.1');
    expect(c).toContain('listener 12345 127.0.0.1');
    expect(c).toMatch(/^max_queued_messages 0$/m);
    expect(c).toMatch(/^max_queued_bytes 0$/m);
    expect(c).toMatch(/^set_tcp_nodelay false$/m);
    expect(mosquittoConfig(1, '127.0.0.1', 'latency')).toMatch(/^set_tcp_nodelay true$/m);
  });
});

describe('scenarioTimes', () => {
  it('reads report.json scenarios and ignores malformed entries', () => {
    expect(scenarioTimes({ scenarios: [{ name: 'a', feature: 'f', verdict: 'passed', durationMs: 12 }, 7] })).toEqual([{ name: 'a', feature: 'f', verdict: 'passed', durationMs: 12 }]);
    expect(scenarioTimes(null)).toEqual([]);
  });
});
