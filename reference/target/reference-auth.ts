import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { trackedTempDir } from '../../harness/targets/children.js';
import type { Capabilities } from '../../harness/targets/types.js';

/** The MQTT 5.0 Authentication Method the reference broker offers when it has SCRAM users. */
export const REFERENCE_AUTH_METHOD = 'SCRAM-SHA-256';

/**
 * Credentials made up for one start of the reference broker, so the `@needs:auth` and
 * `@needs:enhanced-auth` scenarios run against it by default: a generated user with a random
 * password, in a password file (salted scrypt, written by the broker's own `reference/auth`) and
 * as the SCRAM-SHA-256 user of the same name. Anonymous clients stay allowed, so every other
 * scenario connects as before. Everything lives in a private temporary directory; `remove()`
 * deletes it (idempotent).
 */
export interface ReferenceCredentials {
  /** The temporary directory (mode 0700). */
  readonly dir: string;
  /** `user:$scrypt$...` for the broker's `auth.passwordFile` (mode 0600). */
  readonly passwordFile: string;
  /** JSON `{ "user": "password" }` for the launcher's `--scram-users-file` (mode 0600). */
  readonly scramUsersFile: string;
  /** `scramUsers` for the in-process broker. */
  readonly scramUsers: Record<string, string>;
  /** What the target declares: `auth` (anonymous allowed) and `authMethods`. */
  readonly capabilities: Required<Pick<Capabilities, 'auth' | 'authMethods'>>;
  remove(): Promise<void>;
}

/** A random printable secret (base64url, no `:` so it also suits a `user:password` convention). */
function secret(): string {
  return randomBytes(18).toString('base64url');
}

/** Generates a user and password, writes the password file and SCRAM users file into a new temporary directory. */
export async function createReferenceCredentials(): Promise<ReferenceCredentials> {
  const { hashPassword, RANDOM_SECRET_SCRYPT, writePasswordFile } = await import('../index.js');
  const username = `conformance-${randomBytes(4).toString('hex')}`;
  const password = secret();
  let wrong = secret();
  while (wrong === password) wrong = secret();
  const { dir, remove } = await trackedTempDir('mqttc-reference-auth-');
  try {
    const passwordFile = join(dir, 'passwd');
    const scramUsersFile = join(dir, 'scram-users.json');
    const scramUsers = { [username]: password };
    // 144 random bits (secret()): no stretching needed (see RANDOM_SECRET_SCRYPT).
    writePasswordFile(passwordFile, new Map([[username, hashPassword(password, RANDOM_SECRET_SCRYPT)]]));
    await writeFile(scramUsersFile, `${JSON.stringify(scramUsers)}\n`, { mode: 0o600 });
    return {
      dir,
      passwordFile,
      scramUsersFile,
      scramUsers,
      capabilities: {
        auth: { valid: { username, password }, invalidPassword: { username, password: wrong }, anonymousAllowed: true },
        authMethods: [REFERENCE_AUTH_METHOD],
      },
      remove,
    };
  } catch (error) {
    await remove();
    throw error;
  }
}
