import { checkListenerConfig } from './start-listener.js';
import { ListenerConfigError, type ListenerConfig } from './types.js';

const LISTENER_KEYS = new Set(['protocol', 'port', 'host', 'tls']);
const TLS_KEYS: Record<string, 'string' | 'boolean'> = { cert: 'string', key: 'string', ca: 'string', requireClientCert: 'boolean', identityAsUsername: 'boolean' };

/** Validates the `listeners` array of a broker config file. */
export function validateListenerConfigs(value: unknown): ListenerConfig[] {
  if (!Array.isArray(value) || value.length === 0) throw new ListenerConfigError('config', '"listeners" must be a non-empty array');
  return value.map((item: unknown, i) => {
    const where = `#${String(i + 1)}`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new ListenerConfigError(where, 'must be an object');
    for (const key of Object.keys(item)) {
      if (!LISTENER_KEYS.has(key)) throw new ListenerConfigError(where, `unknown key "${key}" (known: ${[...LISTENER_KEYS].join(', ')})`);
    }
    const c = item as Record<string, unknown>;
    if (c.host !== undefined && (typeof c.host !== 'string' || c.host === '')) throw new ListenerConfigError(where, '"host" must be a non-empty string');
    if (c.tls !== undefined) {
      if (typeof c.tls !== 'object' || c.tls === null) throw new ListenerConfigError(where, '"tls" must be an object');
      for (const [key, v] of Object.entries(c.tls)) {
        const kind = TLS_KEYS[key];
        if (!kind) throw new ListenerConfigError(where, `unknown key "tls.${key}" (known: ${Object.keys(TLS_KEYS).join(', ')})`);
        if (typeof v !== kind) throw new ListenerConfigError(where, `"tls.${key}" must be a ${kind}`);
      }
    }
    checkListenerConfig(item as ListenerConfig);
    return item as ListenerConfig;
  });
}
