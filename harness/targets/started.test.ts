import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultCapabilities, scenarioEndpoint } from './started.js';
import type { Endpoint } from './types.js';

const PROTOCOLS = ['mqtt', 'mqtts', 'ws', 'wss'] as const;
const endpointOf = (protocol: Endpoint['protocol'], port: number): Endpoint => ({ url: `${protocol}://127.0.0.1:${String(port)}`, protocol, host: '127.0.0.1', port });
const isTls = (e: Endpoint): boolean => e.protocol === 'mqtts' || e.protocol === 'wss';
const isWs = (e: Endpoint): boolean => e.protocol === 'ws' || e.protocol === 'wss';

describe('scenarioEndpoint', () => {
  const main = endpointOf('mqtt', 1);
  const all = { mqtt: main, mqtts: endpointOf('mqtts', 2), ws: endpointOf('ws', 3), wss: endpointOf('wss', 4) };
  const caps = { ...defaultCapabilities(main), tls: true, websocket: true, endpoints: all };

  it('keeps the target endpoint for a scenario that needs neither TLS nor WebSocket', () => {
    expect(scenarioEndpoint(main, caps, { tls: false, websocket: false })).toBe(main);
  });
  it('picks mqtts for TLS, ws for WebSocket, wss for both', () => {
    expect(scenarioEndpoint(main, caps, { tls: true, websocket: false }).protocol).toBe('mqtts');
    expect(scenarioEndpoint(main, caps, { tls: false, websocket: true }).protocol).toBe('ws');
    expect(scenarioEndpoint(main, caps, { tls: true, websocket: true }).protocol).toBe('wss');
  });
  it('keeps a target endpoint that already has the transport (a wss:// target runs both there)', () => {
    const wss = endpointOf('wss', 9);
    expect(scenarioEndpoint(wss, caps, { tls: true, websocket: false })).toBe(wss);
    expect(scenarioEndpoint(wss, caps, { tls: false, websocket: true })).toBe(wss);
  });

  it('property: the result is the target endpoint or a declared one, and it has the needed transport whenever any declared endpoint does', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PROTOCOLS),
        fc.subarray([...PROTOCOLS]),
        fc.boolean(),
        fc.boolean(),
        (own, declared, tls, websocket) => {
          const target = endpointOf(own, 1);
          const endpoints = Object.fromEntries(declared.map((p, i) => [p, endpointOf(p, 10 + i)]));
          const chosen = scenarioEndpoint(target, { ...defaultCapabilities(target), endpoints }, { tls, websocket });
          const candidates = [target, ...Object.values(endpoints)];
          expect(candidates).toContain(chosen);
          const fits = (e: Endpoint): boolean => (!tls || isTls(e)) && (!websocket || isWs(e));
          if (candidates.some(fits)) expect(fits(chosen)).toBe(true);
          if (fits(target)) expect(chosen).toBe(target);
        },
      ),
    );
  });
});
