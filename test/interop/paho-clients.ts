/**
 * What the reproduced Paho 3.1.1 and 5.0 tests (paho-v311-cases.ts, paho-v5-cases.ts) share: the
 * target, their clients at one protocol version, and the checks of refusals and SUBACK codes.
 */
import { afterEach, expect } from 'vitest';
import type { IClientOptions } from 'mqtt';
import { RawClient } from '../support/reference/raw-client.js';
import { TestClient } from './test-client.js';

export interface InteropTarget {
  readonly port: number;
  /** Started with test/interop/paho-broker.json (the Paho test broker's settings). */
  readonly pahoConfig: boolean;
}

export interface PahoClients {
  /** An MQTT.js client connected with client id ID at the tests' protocol version. */
  client: (id: string, options?: IClientOptions) => Promise<TestClient>;
  /** A raw client (the Paho tests that drive the wire themselves), not connected yet. */
  raw: () => Promise<RawClient>;
}

/** The clients of the calling test file at protocol VERSION; every one opened is ended after each test. */
export function pahoClients(target: () => InteropTarget, version: 4 | 5): PahoClients {
  const open: { end(): void }[] = [];
  afterEach(() => {
    for (const c of open.splice(0)) c.end();
  });
  return {
    client: async (id, options = {}) => {
      const c = await TestClient.connect(target().port, id, { protocolVersion: version, ...options });
      open.push({ end: () => c.terminate() });
      return c;
    },
    raw: async () => {
      const r = await RawClient.open(target().port, version);
      open.push({ end: () => r.destroy() });
      return r;
    },
  };
}

/** The SUBACK codes of a subscription that MQTT.js reports as failed (it rejects on any code >= 0x80). */
export async function subackCodes(subscribing: Promise<unknown>): Promise<number[] | undefined> {
  const failure: unknown = await subscribing.then(
    () => undefined,
    (e: unknown) => e,
  );
  return (failure as { packet?: { granted?: number[] } } | undefined)?.packet?.granted;
}

/** A refused CONNECT: closed, possibly after a CONNACK with a non-zero code. */
export async function expectRefused(r: RawClient): Promise<void> {
  if (r.closed) return;
  try {
    const p = await r.next(3000, 'a CONNACK or the close');
    expect(p.type).toBe('connack');
    if (p.type === 'connack') expect(p.reasonCode).not.toBe(0);
  } catch (e) {
    if (!r.closed) throw e;
    return;
  }
  await r.expectClosed();
}
