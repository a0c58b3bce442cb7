import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTarget } from '../../cli/resolve-target.js';
import { tryTcpConnect } from './url.js';
import { roundTrip } from '../../test/support/targets/round-trip.js';
import type { StartedTarget, Target } from './types.js';

/**
 * The Target contract, run by every kind that can reach a real broker here: configured targets
 * do nothing until start(); a started target is reachable at its endpoint, describes itself,
 * declares well-formed capabilities, stops exactly once (stop() twice is harmless), and releases
 * what it started. URL targets point at brokers this test starts and stops itself.
 */
let mosquitto: StartedTarget;
let mosquittoWs: StartedTarget;
beforeAll(async () => {
  [mosquitto, mosquittoWs] = await Promise.all([resolveTarget('process:mosquitto').start(), resolveTarget('process:mosquitto-ws').start()]);
});
afterAll(async () => {
  await Promise.all([mosquitto.stop(), mosquittoWs.stop()]);
});

interface Case {
  spec: () => string;
  kind: Target['kind'];
  /** Whether stop() ends the broker (false for a URL: the broker is someone else's). */
  ownsBroker: boolean;
}

const cases: Record<string, Case> = {
  reference: { spec: () => 'reference', kind: 'reference', ownsBroker: true },
  'reference:process': { spec: () => 'reference:process', kind: 'process', ownsBroker: true },
  'process:mosquitto': { spec: () => 'process:mosquitto', kind: 'process', ownsBroker: true },
  'process:mosquitto-ws': { spec: () => 'process:mosquitto-ws', kind: 'process', ownsBroker: true },
  'process:aedes': { spec: () => 'process:aedes', kind: 'process', ownsBroker: true },
  'mqtt://': { spec: () => `mqtt://127.0.0.1:${mosquitto.endpoint.port}`, kind: 'url', ownsBroker: false },
  'ws://': { spec: () => `ws://127.0.0.1:${mosquittoWs.endpoint.port}/mqtt`, kind: 'url', ownsBroker: false },
};

describe.each(Object.entries(cases))('Target contract: %s', (_name, c) => {
  it('is inert until started, then reachable, described, capable, and stopped once', async () => {
    const target = resolveTarget(c.spec());
    expect(target.kind).toBe(c.kind);
    const started = await target.start();
    let stopped = false;
    try {
      const { endpoint, capabilities } = started;
      expect(endpoint.url).toMatch(new RegExp(`^${endpoint.protocol}://`));
      expect(endpoint.port).toBeGreaterThan(0);
      expect(await roundTrip(endpoint)).toMatch(/^hello/);
      const description = started.describe();
      expect(description).toMatchObject({ kind: c.kind, url: endpoint.url });
      expect(description.name.length).toBeGreaterThan(0);
      expect(JSON.parse(JSON.stringify(endpoint))).toEqual(endpoint); // crosses to cucumber workers as JSON
      expect(capabilities.versions.length).toBeGreaterThan(0);
      expect(capabilities.versions).toContain(4);
      expect([0, 1, 2]).toContain(capabilities.maxQoS);
      // WebSocket as the endpoint shows, or as a further declared endpoint of the same broker shows.
      const declaredWs = capabilities.endpoints?.ws !== undefined || capabilities.endpoints?.wss !== undefined;
      expect(capabilities.websocket).toBe(endpoint.protocol === 'ws' || endpoint.protocol === 'wss' || declaredWs);
      expect(JSON.parse(JSON.stringify(capabilities))).toEqual(capabilities); // crosses to cucumber workers as JSON, endpoints included
      expect(started.failure?.()).toBeUndefined();
      await started.stop();
      stopped = true;
      await started.stop();
      await started[Symbol.asyncDispose]();
      const stillThere = (await tryTcpConnect(endpoint.host, endpoint.port, 500)).ok;
      expect(stillThere).toBe(!c.ownsBroker);
      expect(started.failure?.()).toBeUndefined(); // a requested stop is not a death
    } finally {
      if (!stopped) await started.stop();
    }
  });
});
