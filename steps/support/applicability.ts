import type { ProtocolVersion } from '../../harness/codec/index.js';
import type { Capabilities } from '../../harness/targets/index.js';
import { VERSION_NAMES, VERSION_TAGS } from './config.js';

/** Capability names usable in `@needs:<name>` tags, and how each is read from the target's capabilities. */
export const CAPABILITY_CHECKS: Record<string, (c: Capabilities) => boolean> = {
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

/** Why the scenario cannot be judged on this target, or undefined when it applies. */
export function notApplicableReason(tags: readonly string[], version: ProtocolVersion | undefined, caps: Capabilities): string | undefined {
  if (version === undefined) return 'the scenario has no version tag (@v3.1, @v3.1.1 or @v5)';
  if (!caps.versions.includes(version)) {
    return `the target does not support MQTT ${VERSION_NAMES[version]} (it supports ${caps.versions.map((v) => VERSION_NAMES[v]).join(', ')})`;
  }
  for (const tag of tags) {
    if (!tag.startsWith('@needs:')) continue;
    const name = tag.slice('@needs:'.length);
    const check = CAPABILITY_CHECKS[name];
    if (!check) return `unknown capability ${name} in ${tag}`;
    if (!check(caps)) return name === 'cluster' ? 'the target has one endpoint (a cluster target names several nodes of one broker)' : `the target lacks the capability ${name}`;
  }
  return undefined;
}
