import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { settleCapabilities } from './settle.js';
import { dialableHost } from './net.js';
import type { BrokerProfile } from './profile-schema.js';
import { ProcessTarget } from './process.js';
import { PACKAGE_ROOT } from './profiles.js';
import { createReferenceCredentials, type ReferenceCredentials } from './reference-auth.js';
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

/**
 * The profile with the generated credentials declared: `capabilities.auth` (anonymous allowed) and
 * `authMethods` replace whatever the profile said, since they describe how this start configured the broker.
 */
function withCredentials(profile: BrokerProfile | undefined, credentials: ReferenceCredentials): BrokerProfile {
  const base = profile ?? { name: 'reference' };
  return { ...base, capabilities: { ...base.capabilities, ...credentials.capabilities } };
}

async function newCredentials(): Promise<ReferenceCredentials> {
  try {
    return await createReferenceCredentials();
  } catch (error) {
    throw new TargetError('TARGET_START_FAILED', `could not write the reference broker's credentials: ${(error as Error).message}`, (error as Error).stack);
  }
}

/**
 * The reference broker in this process (`reference/index.ts`), on a free port of 127.0.0.1, with
 * authentication configured (see reference-auth.ts): anonymous clients allowed, a generated user
 * in a password file and as a SCRAM-SHA-256 user, declared in `capabilities.auth` and `authMethods`.
 */
export class ReferenceTarget implements Target {
  readonly kind = 'reference';
  constructor(private readonly profile?: BrokerProfile) {}

  async start(): Promise<StartedTarget> {
    const credentials = await newCredentials();
    let broker: Awaited<ReturnType<typeof import('../../reference/index.js').startBroker>>;
    try {
      const { startBroker } = await import('../../reference/index.js');
      const declared = this.profile?.capabilities ?? {};
      broker = await startBroker({
        port: 0,
        host: '127.0.0.1',
        sysIntervalSeconds: Math.max(1, Math.round(declared.sysInterval ?? REFERENCE_SYS_INTERVAL_SECONDS)),
        connectTimeoutMs: Math.round((declared.connectTimeout ?? REFERENCE_CONNECT_TIMEOUT_SECONDS) * 1000),
        auth: { allowAnonymous: true, passwordFile: credentials.passwordFile },
        scramUsers: credentials.scramUsers,
      });
    } catch (error) {
      await credentials.remove();
      throw new TargetError('TARGET_START_FAILED', `the reference broker did not start: ${(error as Error).message}`, (error as Error).stack);
    }
    const release = async (): Promise<void> => {
      try {
        await broker.close();
      } finally {
        await credentials.remove();
      }
    };
    const host = dialableHost(broker.address.host);
    const endpoint: Endpoint = { url: `mqtt://${host}:${broker.address.port}`, protocol: 'mqtt', host, port: broker.address.port };
    const profile = withCredentials(this.profile, credentials);
    try {
      const { capabilities, version } = await settleCapabilities(endpoint, profile, packageVersion());
      return createStartedTarget({
        endpoint,
        capabilities,
        description: { name: this.profile?.name ?? 'reference', version: version ?? packageVersion(), url: endpoint.url, kind: 'reference' },
        release,
      });
    } catch (error) {
      await release();
      throw error;
    }
  }
}

/**
 * The reference broker as a child process (`reference:process`): the profile's `process` command
 * (the launcher `harness/targets/launchers/reference.ts`) with `--password-file` and
 * `--scram-users-file` appended, pointing at credentials generated for this start (as for the
 * in-process target), which are declared in its capabilities and removed at stop.
 */
export class ReferenceProcessTarget implements Target {
  readonly kind = 'process';
  constructor(private readonly profile: BrokerProfile) {
    if (profile.process === undefined) {
      throw new TargetError('TARGET_CONFIG', `broker profile "${profile.name}" has no "process" section, so it cannot run as a local process`, profile.name);
    }
  }

  async start(): Promise<StartedTarget> {
    const credentials = await newCredentials();
    let started: StartedTarget;
    try {
      const spec = this.profile.process;
      if (spec === undefined) throw new TargetError('TARGET_CONFIG', `broker profile "${this.profile.name}" has no "process" section`, this.profile.name);
      const command = [...spec.command, '--password-file', credentials.passwordFile, '--scram-users-file', credentials.scramUsersFile];
      started = await new ProcessTarget({ ...withCredentials(this.profile, credentials), process: { ...spec, command } }).start();
    } catch (error) {
      await credentials.remove();
      throw error;
    }
    const failure = started.failure;
    return createStartedTarget({
      endpoint: started.endpoint,
      capabilities: started.capabilities,
      description: started.describe(),
      release: async () => {
        try {
          await started.stop();
        } finally {
          await credentials.remove();
        }
      },
      ...(failure === undefined ? {} : { failure: () => failure() }),
    });
  }
}
