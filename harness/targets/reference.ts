import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { settleCapabilities } from './settle.js';
import { dialableHost } from './net.js';
import type { BrokerProfile } from './profile-schema.js';
import { PACKAGE_ROOT } from './profiles.js';
import { createStartedTarget } from './started.js';
import { TargetError, type Endpoint, type StartedTarget, type Target } from './types.js';

/** `$SYS` interval of the in-process reference broker when its profile declares no `sysInterval`. */
export const REFERENCE_SYS_INTERVAL_SECONDS = 1;
/** CONNECT timeout of the in-process reference broker when its profile declares no `connectTimeout`. */
export const REFERENCE_CONNECT_TIMEOUT_SECONDS = 10;

/** The mqtt-conformance package version: the reference broker's version. */
export function packageVersion(): string {
  const json: unknown = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8'));
  const version = typeof json === 'object' && json !== null ? (json as Record<string, unknown>)['version'] : undefined;
  return typeof version === 'string' ? version : '0.0.0';
}

/** The reference broker in this process (`reference/index.ts`), on a free port of 127.0.0.1. */
export class ReferenceTarget implements Target {
  readonly kind = 'reference';
  constructor(private readonly profile?: BrokerProfile) {}

  async start(): Promise<StartedTarget> {
    let broker: Awaited<ReturnType<typeof import('../../reference/index.js').startBroker>>;
    try {
      const { startBroker } = await import('../../reference/index.js');
      const declared = this.profile?.capabilities ?? {};
      broker = await startBroker({
        port: 0,
        host: '127.0.0.1',
        sysIntervalSeconds: Math.max(1, Math.round(declared.sysInterval ?? REFERENCE_SYS_INTERVAL_SECONDS)),
        connectTimeoutMs: Math.round((declared.connectTimeout ?? REFERENCE_CONNECT_TIMEOUT_SECONDS) * 1000),
      });
    } catch (error) {
      throw new TargetError('TARGET_START_FAILED', `the reference broker did not start: ${(error as Error).message}`, (error as Error).stack);
    }
    const host = dialableHost(broker.address.host);
    const endpoint: Endpoint = { url: `mqtt://${host}:${broker.address.port}`, protocol: 'mqtt', host, port: broker.address.port };
    try {
      const { capabilities, version } = await settleCapabilities(endpoint, this.profile, packageVersion());
      return createStartedTarget({
        endpoint,
        capabilities,
        description: { name: this.profile?.name ?? 'reference', version: version ?? packageVersion(), url: endpoint.url, kind: 'reference' },
        release: () => broker.close(),
      });
    } catch (error) {
      await broker.close();
      throw error;
    }
  }
}
