import type { ProtocolVersion } from '../../harness/codec/index.js';
import type { Capabilities, DeclaredExclusion, Endpoint, ServerDeclarations, TargetDescription } from '../../harness/targets/index.js';
import { ENV } from '../../contract/index.js';

/**
 * The target a worker was handed (the CLI's JSON in contract `ENV.target`) and which scenarios
 * apply to it: their protocol version from the tags, and the `@needs:` capabilities it lacks or
 * declares out of judgement.
 */

/** Env var through which the CLI hands the started target to cucumber (and its workers). */
export const TARGET_ENV = ENV.target;

/** What the suite needs to know about the target, as passed in {@link TARGET_ENV}. */
export interface SuiteTarget {
  endpoint: Endpoint;
  capabilities: Capabilities;
  description: TargetDescription;
  /**
   * Another instance of the same broker, configured the same, that only `@serial` scenarios use
   * (one at a time): they then run beside the others (StartedTarget.startIsolated). Absent: a
   * `@serial` scenario runs alone on the shared instance.
   */
  isolated?: Omit<SuiteTarget, 'isolated'>;
}

/** Reads the target handed over by the CLI; undefined when cucumber-js was started directly. */
export function targetFromEnv(env: NodeJS.ProcessEnv = process.env): SuiteTarget | undefined {
  const text = env[TARGET_ENV];
  if (text === undefined || text === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`${TARGET_ENV} is not valid JSON: ${(e as Error).message}`);
  }
  const v = value as Partial<SuiteTarget>;
  if (!v.endpoint || typeof v.endpoint.port !== 'number' || !v.capabilities || !Array.isArray(v.capabilities.versions)) {
    throw new Error(`${TARGET_ENV} must be {endpoint, capabilities, description}; got ${text.slice(0, 200)}`);
  }
  return v as SuiteTarget;
}

let workerTargetMemo: SuiteTarget | undefined;

/** The target this process was handed, read once; a clear error when cucumber-js runs without one. */
export function workerTarget(): SuiteTarget {
  workerTargetMemo ??= targetFromEnv();
  // `mqtt-conformance run` sets the target; plain `npx cucumber-js` gets it from cli/standalone-target.ts.
  if (!workerTargetMemo) throw new Error(`no target: ${TARGET_ENV} is not set (run the suite with \`mqtt-conformance run\`)`);
  return workerTargetMemo;
}

let isolatedInstanceMemo: boolean | undefined;

/** Whether the target gives `@serial` scenarios an instance of their own (read in the coordinator, where `run` set it before cucumber started). */
export function hasIsolatedInstance(): boolean {
  return (isolatedInstanceMemo ??= targetFromEnv()?.isolated !== undefined);
}

export const VERSION_TAGS: Record<string, ProtocolVersion> = { '@v3.1': 3, '@v3.1.1': 4, '@v5': 5 };
export const VERSION_NAMES: Record<ProtocolVersion, string> = { 3: '3.1', 4: '3.1.1', 5: '5' };

/** The protocol version of a `--version` value (`3.1`, `3.1.1`, `5`, with or without `v`). */
export function parseVersion(text: string): ProtocolVersion | undefined {
  return VERSION_TAGS[`@v${text.replace(/^v/, '')}`];
}

/** Capability names usable in `@needs:<name>` tags, and how each is read from the target's capabilities. */
export const CAPABILITY_CHECKS: Record<string, (c: Capabilities) => boolean> = {
  // Mandatory behaviour: read through MANDATORY below (declarations only); listed here so that
  // every capability name is known in one place.
  qos1: (c) => c.maxQoS >= 1,
  qos2: (c) => c.maxQoS >= 2,
  retain: (c) => c.retain,
  wildcards: (c) => c.wildcards,
  sys: (c) => c.sys,
  tls: (c) => c.tls,
  websocket: (c) => c.websocket,
  'shared-subscriptions': (c) => c.sharedSubscriptions,
  auth: (c) => c.auth !== undefined,
  // A CONNECT without user name is admitted (a raw CONNECT in hex cannot carry the profile's credentials).
  anonymous: (c) => c.auth?.anonymousAllowed !== false,
  'connect-timeout': (c) => typeof connectTimeoutOf(c) === 'number',
  // MQTT 5.0 enhanced authentication with SCRAM-SHA-256, using the credentials of capabilities.auth.valid.
  'enhanced-auth': (c) => authMethodsOf(c).includes('SCRAM-SHA-256') && c.auth !== undefined,
  // Several endpoints of one broker (a cluster target): a single-endpoint target has one node.
  cluster: (c) => (c.nodes?.length ?? 0) >= 2,
};

/** MQTT 5.0 Authentication Methods the broker supports (profile field `authMethods`, e.g. ["SCRAM-SHA-256"]). */
export function authMethodsOf(c: Capabilities): string[] {
  const v = (c as Capabilities & { authMethods?: unknown }).authMethods;
  return Array.isArray(v) ? v.filter((m): m is string => typeof m === 'string') : [];
}

/** Seconds within which the broker says it closes a connection that sends no CONNECT (profile field `connectTimeout`). */
export function connectTimeoutOf(c: Capabilities): number | undefined {
  const v = (c as Capabilities & { connectTimeout?: unknown }).connectTimeout;
  return typeof v === 'number' && v > 0 ? v : undefined;
}

/** The protocol versions a scenario is tagged with, in tag order. */
export function versionsOf(tags: readonly string[]): ProtocolVersion[] {
  return tags.map((t) => VERSION_TAGS[t]).filter((v): v is ProtocolVersion => v !== undefined);
}

/**
 * The version a scenario runs as: its only version tag; among several, the one asked for
 * (`preferred`), else 3.1.1, else the first tagged.
 */
export function scenarioVersion(tags: readonly string[], preferred?: ProtocolVersion): ProtocolVersion | undefined {
  const versions = versionsOf(tags);
  if (versions.length === 0) return undefined;
  if (preferred !== undefined && versions.includes(preferred)) return preferred;
  if (versions.includes(4)) return 4;
  return versions[0];
}

/** Why a scenario is not applicable, and whether a declared exclusion is the reason (reports count those). */
export interface NotApplicable {
  reason: string;
  /** The declared exclusion that made it not applicable (listed on every report). */
  exclusion?: DeclaredExclusion;
}

/**
 * Capabilities MQTT requires of a server: for 3.1 and 3.1.1 scenarios always, for 5.0 scenarios
 * unless the server's CONNACK declares them absent. Only a declared exclusion or that declaration
 * makes such a scenario not applicable; each maps to the CONNACK property that can declare it.
 */
const MANDATORY: Record<string, { declaredAbsent: (d: ServerDeclarations) => boolean; property: string }> = {
  qos1: { declaredAbsent: (d) => d.maximumQoS === 0, property: 'Maximum QoS 0' },
  qos2: { declaredAbsent: (d) => d.maximumQoS !== undefined, property: 'a Maximum QoS below 2' },
  retain: { declaredAbsent: (d) => d.retainAvailable === false, property: 'Retain Available 0' },
  wildcards: { declaredAbsent: (d) => d.wildcardSubscriptionAvailable === false, property: 'Wildcard Subscription Available 0' },
  'shared-subscriptions': { declaredAbsent: (d) => d.sharedSubscriptionAvailable === false, property: 'Shared Subscription Available 0' },
};

/** True for a capability only a declaration can take out of judgement. */
export function isMandatoryCapability(name: string): boolean {
  return name in MANDATORY;
}

/** Why the scenario cannot be judged on this target (and the exclusion behind it), or undefined when it applies. */
export function notApplicable(tags: readonly string[], version: ProtocolVersion | undefined, caps: Capabilities): NotApplicable | undefined {
  if (version === undefined) return { reason: 'the scenario has no version tag (@v3.1, @v3.1.1 or @v5)' };
  if (!caps.versions.includes(version)) {
    return { reason: `the target does not support MQTT ${VERSION_NAMES[version]} (it supports ${caps.versions.map((v) => VERSION_NAMES[v]).join(', ')})` };
  }
  for (const tag of tags) {
    if (!tag.startsWith('@needs:')) continue;
    const name = tag.slice('@needs:'.length);
    const mandatory = MANDATORY[name];
    if (mandatory !== undefined) {
      // qos2 is out with qos1: a user who excludes QoS 1 excludes everything above it.
      const exclusion = caps.exclusions?.find((e) => e.capability === name || (name === 'qos2' && e.capability === 'qos1'));
      if (exclusion !== undefined) return { reason: `declared exclusion: ${exclusion.capability} (${exclusion.source}: ${exclusion.reason})`, exclusion };
      if (version === 5 && caps.serverDeclarations !== undefined && mandatory.declaredAbsent(caps.serverDeclarations)) {
        return { reason: `the server's MQTT 5 CONNACK declares ${mandatory.property}` };
      }
      continue;
    }
    const check = CAPABILITY_CHECKS[name];
    if (!check) return { reason: `unknown capability ${name} in ${tag}` };
    if (!check(caps)) return { reason: name === 'cluster' ? 'the target has one endpoint (a cluster target names several nodes of one broker)' : `the target lacks the capability ${name}` };
  }
  return undefined;
}

/** Why the scenario cannot be judged on this target, or undefined when it applies. */
export function notApplicableReason(tags: readonly string[], version: ProtocolVersion | undefined, caps: Capabilities): string | undefined {
  return notApplicable(tags, version, caps)?.reason;
}
