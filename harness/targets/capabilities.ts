import type { ProfileCapabilities } from './profile-schema.js';
import type { Capabilities, Endpoint } from './types.js';

/**
 * What a broker is assumed to do when neither its profile nor a probe says otherwise: MQTT 3.1.1,
 * QoS 2, retain and wildcards (all required of a server by MQTT 3.1.1), no `$SYS`, no shared
 * subscriptions; TLS and WebSocket as the endpoint's own transport shows.
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
    sharedSubscriptions: false,
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

/** The capability fields a probe can discover. When a profile states all of them, no probe runs. */
export const PROBED_FIELDS = ['versions', 'maxQoS', 'retain', 'wildcards', 'sys', 'sharedSubscriptions'] as const;

/** True when `declared` leaves something for a probe to discover. */
export function needsProbe(declared: ProfileCapabilities | undefined, versionKnown: boolean): boolean {
  if (!versionKnown) return true;
  return PROBED_FIELDS.some((field) => declared?.[field] === undefined);
}
