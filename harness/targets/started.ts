import { randomBytes } from 'node:crypto';
import type { ProbeOptions } from './probe.js';
import type { BrokerProfile, ProfileCapabilities } from './profile-schema.js';
import {
  TargetError,
  type Capabilities,
  type Credentials,
  type DeclaredExclusion,
  type Endpoint,
  type StartedTarget,
  type TargetDescription,
  type TargetProcess,
} from './types.js';

/**
 * How every target kind ends its `start()`: the broker's capabilities settled (defaults for the
 * endpoint, the profile's declarations and exclusions, then the sanity check and the probe of the
 * running broker), and the `StartedTarget` built from them; and the endpoint a scenario dials
 * from a started target's capabilities.
 */

// ---- Capabilities: defaults, overlays, declared exclusions -----------------------------------

/**
 * Capabilities that MQTT requires of every server (3.1 and 3.1.1 always; 5.0 unless the CONNACK
 * declares otherwise). Only a declared exclusion takes them out of judgement: a probe never does.
 */
export const EXCLUDABLE_CAPABILITIES = ['qos1', 'qos2', 'retain', 'wildcards', 'shared-subscriptions'] as const;
export type ExcludableCapability = (typeof EXCLUDABLE_CAPABILITIES)[number];

export function isExcludable(name: string): name is ExcludableCapability {
  return (EXCLUDABLE_CAPABILITIES as readonly string[]).includes(name);
}

/**
 * What a broker is assumed to do when neither its profile nor a probe says otherwise: MQTT 3.1.1,
 * QoS 2, retain, wildcards and (for 5.0) shared subscriptions, all required of a server unless it
 * declares otherwise; no `$SYS`; TLS and WebSocket as the endpoint's own transport shows.
 */
export function defaultCapabilities(endpoint: Endpoint): Capabilities {
  return {
    versions: [4],
    maxQoS: 2,
    retain: true,
    wildcards: true,
    sys: false,
    tls: endpoint.protocol === 'mqtts' || endpoint.protocol === 'wss',
    websocket: endpoint.protocol === 'ws' || endpoint.protocol === 'wss',
    sharedSubscriptions: true,
  };
}

/** Overlays partial capabilities in order, later ones winning; `undefined` fields never overwrite. */
export function mergeCapabilities(base: Capabilities, ...overlays: ProfileCapabilities[]): Capabilities {
  const out: Capabilities = { ...base, versions: [...base.versions] };
  for (const overlay of overlays) {
    for (const [key, value] of Object.entries(overlay) as [keyof Capabilities, Capabilities[keyof Capabilities]][]) {
      if (value !== undefined) (out as unknown as Record<string, unknown>)[key] = Array.isArray(value) ? [...value] : value;
    }
  }
  out.versions = [...new Set(out.versions)].sort();
  return out;
}

/**
 * The exclusions a profile declares: its `exclude` map, and a mandatory capability it declares
 * absent (`maxQoS` below 2, `retain`, `wildcards` or `sharedSubscriptions` false), which says the
 * same thing in the older way and is listed as such.
 */
export function profileExclusions(profile: Pick<BrokerProfile, 'name' | 'exclude' | 'capabilities'> | undefined): DeclaredExclusion[] {
  if (profile === undefined) return [];
  const out = new Map<string, DeclaredExclusion>();
  const add = (capability: string, reason: string): void => {
    if (!out.has(capability)) out.set(capability, { capability, source: 'profile', reason });
  };
  for (const [capability, reason] of Object.entries(profile.exclude ?? {})) add(capability, reason);
  const caps = profile.capabilities ?? {};
  const said = (field: string, value: unknown): string => `the profile ${profile.name} declares capabilities.${field} ${JSON.stringify(value)}`;
  if (caps.maxQoS !== undefined && caps.maxQoS < 2) add('qos2', said('maxQoS', caps.maxQoS));
  if (caps.maxQoS === 0) add('qos1', said('maxQoS', caps.maxQoS));
  if (caps.retain === false) add('retain', said('retain', false));
  if (caps.wildcards === false) add('wildcards', said('wildcards', false));
  if (caps.sharedSubscriptions === false) add('shared-subscriptions', said('sharedSubscriptions', false));
  return [...out.values()];
}

/**
 * Capabilities with `exclusions` added (a capability already excluded keeps its first reason) and
 * the mandatory capability fields lowered to match, so one reading serves every consumer.
 */
export function withExclusions(capabilities: Capabilities, exclusions: readonly DeclaredExclusion[]): Capabilities {
  const all = [...(capabilities.exclusions ?? [])];
  for (const e of exclusions) if (!all.some((x) => x.capability === e.capability)) all.push({ ...e });
  const out: Capabilities = { ...capabilities };
  if (all.length > 0) out.exclusions = all;
  const excluded = (name: ExcludableCapability): boolean => all.some((e) => e.capability === name);
  if (excluded('qos1')) out.maxQoS = 0;
  else if (excluded('qos2') && out.maxQoS > 1) out.maxQoS = 1;
  if (excluded('retain')) out.retain = false;
  if (excluded('wildcards')) out.wildcards = false;
  if (excluded('shared-subscriptions')) out.sharedSubscriptions = false;
  return out;
}

/** The capability fields a probe can discover. When a profile states all of them, no probe runs. */
export const PROBED_FIELDS = ['versions', 'sys'] as const;

/**
 * True when `declared` leaves something for a probe to find out: a field of {@link PROBED_FIELDS},
 * the broker's version, or, for a broker that may speak MQTT 5, what its CONNACK declares.
 */
export function needsProbe(declared: ProfileCapabilities | undefined, versionKnown: boolean): boolean {
  if (!versionKnown) return true;
  if (declared?.versions === undefined || declared.versions.includes(5)) return true;
  return PROBED_FIELDS.some((field) => declared[field] === undefined);
}

// ---- Settling them for a running broker -----------------------------------------------------

/**
 * The probe (it brings in MQTT.js) loads when a target is started, never in a cucumber worker,
 * which imports this module only for the scenario endpoint: about 0.2 s of CPU per worker.
 */
const loadProbe = (): Promise<typeof import('./probe.js')> => import('./probe.js');

/**
 * `capabilities.auth` for credentials given on the command line: they are the valid user; the
 * same user with another password is the invalid one; whether anonymous clients are allowed is
 * what the profile declares, else what one anonymous CONNECT shows (the answer decides whether
 * the anonymous scenarios expect acceptance or refusal, so it is observed, never assumed).
 */
async function credentialsAuth(endpoint: Endpoint, valid: Credentials, declared: Capabilities['auth']): Promise<NonNullable<Capabilities['auth']>> {
  const invalidPassword = declared?.invalidPassword ?? { username: valid.username, password: `${valid.password}-not-${randomBytes(4).toString('hex')}` };
  if (declared !== undefined) return { ...declared, valid, invalidPassword };
  const { probeAnonymous } = await loadProbe();
  const anonymous = await probeAnonymous(endpoint);
  if (anonymous.transportFailure !== undefined) {
    throw new TargetError('TARGET_UNREACHABLE', `broker ${endpoint.url} accepts TCP connections but cannot be reached over ${endpoint.protocol}: ${anonymous.transportFailure}`, anonymous.transportFailure);
  }
  return { valid, invalidPassword, anonymousAllowed: anonymous.accepted };
}

/**
 * First the target sanity check (a CONNACK at some protocol level, else `TARGET_NOT_MQTT`); then
 * capabilities from a profile completed by a probe of the running broker, with the profile's
 * declared exclusions, and its version
 * (the profile's, else what the broker printed at start (`startVersion`), else `$SYS/broker/version`,
 * else `fallbackVersion`).
 */
export async function settleCapabilities(
  endpoint: Endpoint,
  profile: BrokerProfile | undefined,
  fallbackVersion?: string,
  startVersion?: string,
): Promise<{ capabilities: Capabilities; version: string | undefined }> {
  let declared = profile?.capabilities ?? {};
  if (profile?.credentials !== undefined) declared = { ...declared, auth: await credentialsAuth(endpoint, profile.credentials, declared.auth) };
  let version = profile?.version ?? startVersion;
  let probed: Partial<Capabilities> = {};
  const sanityCredentials = declared.auth?.anonymousAllowed === false ? declared.auth.valid : undefined;
  const { checkTargetSanity, probe } = await loadProbe();
  await checkTargetSanity(endpoint, sanityCredentials === undefined ? {} : { credentials: sanityCredentials });
  if (profile?.probe !== false && needsProbe(declared, version !== undefined)) {
    const credentials = declared.auth?.anonymousAllowed === false ? declared.auth.valid : undefined;
    const options: ProbeOptions = { sys: !(declared.sys === false || (declared.sys === true && version !== undefined)) };
    if (credentials !== undefined) options.credentials = credentials;
    const result = await probe(endpoint, options);
    if (result.authRefused !== undefined) {
      throw new TargetError(
        'TARGET_CONFIG',
        credentials === undefined
          ? `broker ${endpoint.url} refuses anonymous clients (${result.authRefused}): declare the credentials to use in a --profile file (capabilities.auth with anonymousAllowed: false)`
          : `broker ${endpoint.url} refused the credentials of the profile (user ${JSON.stringify(credentials.username)}): ${result.authRefused}`,
        result.notes.join('\n'),
      );
    }
    if (result.transportFailure !== undefined) {
      throw new TargetError('TARGET_UNREACHABLE', `broker ${endpoint.url} accepts TCP connections but cannot be reached over ${endpoint.protocol}: ${result.transportFailure}`, result.notes.join('\n'));
    }
    probed = result.capabilities;
    version ??= result.version;
  }
  // Only what the probe may inform (versions, $SYS, the 5.0 CONNACK's declarations) comes from it;
  // the profile's mandatory-capability fields become declared exclusions.
  const { retain: _r, wildcards: _w, maxQoS: _q, sharedSubscriptions: _s, ...informative } = declared;
  const merged = mergeCapabilities(defaultCapabilities(endpoint), probed, informative);
  return { capabilities: withExclusions(merged, profileExclusions(profile)), version: version ?? fallbackVersion };
}

// ---- The started target ----------------------------------------------------------------------

export interface StartedTargetParts {
  endpoint: Endpoint;
  capabilities: Capabilities;
  description: TargetDescription;
  /** Releases what `start()` acquired. Called at most once, however often `stop()` is called. */
  release: () => Promise<void>;
  failure?: () => TargetError | undefined;
  /** The broker's log so far (a process's or container's output). */
  output?: () => string;
  /** The broker's process on this machine, when it runs as one. */
  process?: TargetProcess;
  /** Starts another instance of the same broker, configured the same (see StartedTarget.startIsolated). */
  startIsolated?: () => Promise<StartedTarget>;
}

/** Builds a StartedTarget whose `stop()` is idempotent and which is `AsyncDisposable` (`await using`). */
export function createStartedTarget(parts: StartedTargetParts): StartedTarget {
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= parts.release();
    return stopping;
  };
  const started: StartedTarget = {
    endpoint: parts.endpoint,
    capabilities: parts.capabilities,
    describe: () => ({ ...parts.description }),
    stop,
    [Symbol.asyncDispose]: stop,
  };
  const withProcess: StartedTarget = parts.process === undefined ? started : { ...started, process: parts.process };
  const withIsolation: StartedTarget = parts.startIsolated === undefined ? withProcess : { ...withProcess, startIsolated: parts.startIsolated };
  const withOutput: StartedTarget = parts.output === undefined ? withIsolation : { ...withIsolation, output: parts.output };
  if (parts.failure !== undefined) {
    const failure = parts.failure;
    return { ...withOutput, failure: () => failure() };
  }
  return withOutput;
}

// ---- The endpoint a scenario dials -----------------------------------------------------------

/**
 * The endpoint a scenario dials: the target's own, unless the scenario needs TLS and/or WebSocket
 * and the target's endpoint is not of that transport while `capabilities.endpoints` offers one that is
 * (both: wss; TLS only: mqtts, else wss; WebSocket only: ws, else wss).
 */
export function scenarioEndpoint(endpoint: Endpoint, capabilities: Capabilities, needs: { tls: boolean; websocket: boolean }): Endpoint {
  const isTls = endpoint.protocol === 'mqtts' || endpoint.protocol === 'wss';
  const isWs = endpoint.protocol === 'ws' || endpoint.protocol === 'wss';
  if ((!needs.tls || isTls) && (!needs.websocket || isWs)) return endpoint;
  const order: Endpoint['protocol'][] = needs.tls && needs.websocket ? ['wss'] : needs.tls ? ['mqtts', 'wss'] : ['ws', 'wss'];
  for (const protocol of order) {
    const alternative = capabilities.endpoints?.[protocol];
    if (alternative !== undefined) return alternative;
  }
  return endpoint;
}
