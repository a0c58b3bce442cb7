import type { BrokerProfile, ProfileCapabilities } from './profile-schema.js';
import type { Capabilities, DeclaredExclusion, Endpoint } from './types.js';

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
