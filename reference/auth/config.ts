import { AuthConfigError } from './errors.js';
import type { AuthOptions } from './security.js';

const KEYS: Record<keyof AuthOptions, 'boolean' | 'string'> = { allowAnonymous: 'boolean', passwordFile: 'string', aclFile: 'string' };

/** Validates the `auth` object of a broker config file: every key known, every value of its type. */
export function validateAuthOptions(value: unknown): AuthOptions {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AuthConfigError('AUTH_OPTIONS', `"auth" must be an object with ${Object.keys(KEYS).join(', ')}`);
  }
  for (const [key, v] of Object.entries(value)) {
    const kind = KEYS[key as keyof AuthOptions] as 'boolean' | 'string' | undefined;
    if (!kind) throw new AuthConfigError('AUTH_OPTIONS', `unknown key "auth.${key}" (known: ${Object.keys(KEYS).join(', ')})`);
    if (kind === 'boolean' ? typeof v !== 'boolean' : typeof v !== 'string' || v === '') {
      throw new AuthConfigError('AUTH_OPTIONS', `"auth.${key}" must be a${kind === 'boolean' ? ' boolean' : ' file path'}, got ${JSON.stringify(v)}`);
    }
  }
  return value;
}
