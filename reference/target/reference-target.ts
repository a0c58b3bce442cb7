import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dialableHost } from '../../harness/targets/net.js';
import type { BrokerProfile } from '../../harness/targets/profile-schema.js';
import { ProcessTarget } from '../../harness/targets/process.js';
import { PACKAGE_ROOT } from '../../harness/targets/profiles.js';
import { createReferenceCredentials, type ReferenceCredentials } from './reference-auth.js';
import { listenerCapabilities, REFERENCE_MAX_PACKET_SIZE, referenceCertificateOrNone, type BoundListener, type ReferenceCertificate } from './reference-listeners.js';
import { createStartedTarget, settleCapabilities } from '../../harness/targets/started.js';
import { TargetError, type Endpoint, type StartedTarget, type Target } from '../../harness/targets/types.js';

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

/** The maximum packet size a reference start configures: the profile's, else REFERENCE_MAX_PACKET_SIZE. */
function maxPacketSizeOf(profile: BrokerProfile | undefined): number {
  return profile?.capabilities?.maxPacketSize ?? REFERENCE_MAX_PACKET_SIZE;
}

/** Generated credentials and (when openssl can make one) a certificate; `remove()` deletes both. */
interface StartFiles {
  credentials: ReferenceCredentials;
  certificate: ReferenceCertificate | undefined;
  remove(): Promise<void>;
}

async function newStartFiles(): Promise<StartFiles> {
  const credentials = await newCredentials();
  let certificate: ReferenceCertificate | undefined;
  try {
    certificate = await referenceCertificateOrNone();
  } catch (error) {
    await credentials.remove();
    throw error;
  }
  return {
    credentials,
    certificate,
    remove: async () => {
      await Promise.all([credentials.remove(), certificate?.remove()]);
    },
  };
}

async function newCredentials(): Promise<ReferenceCredentials> {
  try {
    return await createReferenceCredentials();
  } catch (error) {
    throw new TargetError('TARGET_START_FAILED', `could not write the reference broker's credentials: ${(error as Error).message}`, (error as Error).stack);
  }
}

/**
 * The reference broker in this process (`reference/index.ts`), on free ports of 127.0.0.1: a TCP
 * listener (the target's endpoint) plus TLS, WebSocket and secure WebSocket listeners (the TLS ones
 * with a self-signed certificate made at start by openssl; without openssl they are left out and TLS
 * is declared absent), declared in `capabilities.endpoints` with `tls`/`websocket`, and the maximum
 * packet size (the profile's, else 1 MiB). Authentication is configured as in reference-auth.ts:
 * anonymous clients allowed, a generated user in a password file and as a SCRAM-SHA-256 user,
 * declared in `capabilities.auth` and `authMethods`. Generated files are removed at stop.
 */
export class ReferenceTarget implements Target {
  readonly kind = 'reference';
  constructor(private readonly profile?: BrokerProfile) {}

  async start(): Promise<StartedTarget> {
    return this.startWith(await newStartFiles(), true);
  }

  /**
   * Starts a broker configured from FILES; removes them at stop when it OWNS them. The isolated
   * second instance shares the first one's files (the same generated user and certificate, so
   * the same declared credentials), which only the first removes.
   */
  private async startWith(files: StartFiles, owns: boolean): Promise<StartedTarget> {
    const { credentials, certificate } = files;
    const removeOwn = async (): Promise<void> => {
      if (owns) await files.remove();
    };
    const maxPacketSize = maxPacketSizeOf(this.profile);
    let broker: Awaited<ReturnType<typeof import('../index.js').startBroker>>;
    try {
      const { startBroker } = await import('../index.js');
      const declared = this.profile?.capabilities ?? {};
      const host = '127.0.0.1';
      const tls = certificate === undefined ? undefined : { cert: certificate.certFile, key: certificate.keyFile };
      broker = await startBroker({
        port: 0,
        host,
        listeners: [
          { protocol: 'mqtt', port: 0, host },
          ...(tls === undefined ? [] : [{ protocol: 'mqtts' as const, port: 0, host, tls }]),
          { protocol: 'ws', port: 0, host },
          ...(tls === undefined ? [] : [{ protocol: 'wss' as const, port: 0, host, tls }]),
        ],
        maxPacketSize,
        sysIntervalSeconds: Math.max(1, Math.round(declared.sysInterval ?? REFERENCE_SYS_INTERVAL_SECONDS)),
        connectTimeoutMs: Math.round((declared.connectTimeout ?? REFERENCE_CONNECT_TIMEOUT_SECONDS) * 1000),
        auth: { allowAnonymous: true, passwordFile: credentials.passwordFile },
        scramUsers: credentials.scramUsers,
      });
    } catch (error) {
      await removeOwn();
      throw new TargetError('TARGET_START_FAILED', `the reference broker did not start: ${(error as Error).message}`, (error as Error).stack);
    }
    const release = async (): Promise<void> => {
      try {
        await broker.close();
      } finally {
        await removeOwn();
      }
    };
    const host = dialableHost(broker.address.host);
    const endpoint: Endpoint = { url: `mqtt://${host}:${broker.address.port}`, protocol: 'mqtt', host, port: broker.address.port };
    const profile = withListeners(withCredentials(this.profile, credentials), broker.listeners, certificate, maxPacketSize);
    try {
      const { capabilities, version } = await settleCapabilities(endpoint, profile, packageVersion());
      return createStartedTarget({
        endpoint,
        capabilities,
        description: { name: this.profile?.name ?? 'reference', version: version ?? packageVersion(), url: endpoint.url, kind: 'reference' },
        release,
        // Another broker in this process from the same profile and files: its own ports, the same credentials.
        ...(owns ? { startIsolated: () => this.startWith(files, false) } : {}),
      });
    } catch (error) {
      await release();
      throw error;
    }
  }
}

/** The profile with the listeners of this start declared (`tls`, `websocket`, `endpoints`, `maxPacketSize`). */
function withListeners(profile: BrokerProfile, listeners: readonly BoundListener[], certificate: ReferenceCertificate | undefined, maxPacketSize: number): BrokerProfile {
  return { ...profile, capabilities: { ...profile.capabilities, ...listenerCapabilities(listeners, certificate?.certPem, maxPacketSize) } };
}

/** The listeners the launcher wrote to its `--listeners-file` (a JSON array of {protocol, host, port}). */
async function readListenersFile(path: string): Promise<BoundListener[]> {
  const json: unknown = JSON.parse(await readFile(path, 'utf8'));
  const protocols = new Set(['mqtt', 'mqtts', 'ws', 'wss']);
  if (!Array.isArray(json)) throw new TargetError('TARGET_START_FAILED', `the reference launcher's listeners file ${path} is not a JSON array`);
  return json.map((item: unknown, i) => {
    const l = item as Partial<BoundListener> | null;
    if (l === null || typeof l !== 'object' || typeof l.protocol !== 'string' || !protocols.has(l.protocol) || typeof l.host !== 'string' || typeof l.port !== 'number') {
      throw new TargetError('TARGET_START_FAILED', `the reference launcher's listeners file ${path}: entry ${String(i)} is not {protocol, host, port}`);
    }
    return { protocol: l.protocol, host: l.host, port: l.port };
  });
}

/**
 * The reference broker as a child process (`reference:process`): the profile's `process` command
 * (the launcher `reference/target/launcher.ts`) with `--password-file`,
 * `--scram-users-file`, `--max-packet-size`, `--tls-cert`/`--tls-key` (when openssl made a
 * certificate) and `--listeners-file` appended, pointing at files generated for this start (as for
 * the in-process target). The launcher opens the same four listeners and writes their ports to the
 * listeners file before it reports ready; they are declared as in the in-process target. The files
 * are removed at stop.
 */
export class ReferenceProcessTarget implements Target {
  readonly kind = 'process';
  constructor(private readonly profile: BrokerProfile) {
    if (profile.process === undefined) {
      throw new TargetError('TARGET_CONFIG', `broker profile "${profile.name}" has no "process" section, so it cannot run as a local process`, profile.name);
    }
  }

  async start(): Promise<StartedTarget> {
    const files = await newStartFiles();
    const { credentials, certificate } = files;
    const maxPacketSize = maxPacketSizeOf(this.profile);
    const listenersFile = join(credentials.dir, 'listeners.json');
    let started: StartedTarget;
    let listeners: BoundListener[];
    try {
      const spec = this.profile.process;
      if (spec === undefined) throw new TargetError('TARGET_CONFIG', `broker profile "${this.profile.name}" has no "process" section`, this.profile.name);
      const command = [
        ...spec.command,
        '--password-file',
        credentials.passwordFile,
        '--scram-users-file',
        credentials.scramUsersFile,
        '--max-packet-size',
        String(maxPacketSize),
        ...(certificate === undefined ? [] : ['--tls-cert', certificate.certFile, '--tls-key', certificate.keyFile]),
        '--listeners-file',
        listenersFile,
      ];
      const profile = withCredentials(this.profile, credentials);
      started = await new ProcessTarget({ ...profile, capabilities: { ...profile.capabilities, maxPacketSize }, process: { ...spec, command } }).start();
      try {
        listeners = await readListenersFile(listenersFile);
      } catch (error) {
        await started.stop();
        throw error;
      }
    } catch (error) {
      await files.remove();
      throw error;
    }
    const failure = started.failure?.bind(started);
    return createStartedTarget({
      endpoint: started.endpoint,
      capabilities: { ...started.capabilities, ...listenerCapabilities(listeners, certificate?.certPem, maxPacketSize) },
      description: started.describe(),
      release: async () => {
        try {
          await started.stop();
        } finally {
          await files.remove();
        }
      },
      ...(failure === undefined ? {} : { failure: () => failure() }),
      ...(started.process === undefined ? {} : { process: started.process }),
    });
  }
}
