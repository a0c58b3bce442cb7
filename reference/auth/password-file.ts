/**
 * The password file: one `username:hash` per line (like mosquitto's), `#` comments and blank
 * lines ignored. A user name may not contain ':' or a line break.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { AuthConfigError } from './errors.js';
import { parseHash } from './scrypt-hash.js';

export type PasswordEntries = Map<string, string>;

export function checkUsername(username: string): void {
  if (username.length === 0 || /[:\r\n]/.test(username)) {
    throw new AuthConfigError('AUTH_USERNAME', `invalid user name ${JSON.stringify(username)}: it must be non-empty and contain no ':' or line break`);
  }
}

export function parsePasswordFile(text: string, path?: string): PasswordEntries {
  const entries: PasswordEntries = new Map();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    const username = colon > 0 ? line.slice(0, colon) : '';
    const hash = line.slice(colon + 1);
    if (colon <= 0 || !parseHash(hash)) {
      throw new AuthConfigError('AUTH_PASSWORD_LINE', 'expected "username:$scrypt$N=..,r=..,p=..$salt$hash" (write it with `mqtt-conformance passwd`)', { path, line: index + 1 });
    }
    entries.set(username, hash);
  });
  return entries;
}

export function formatPasswordFile(entries: PasswordEntries): string {
  return [...entries].map(([user, hash]) => `${user}:${hash}\n`).join('');
}

export function readPasswordFile(path: string): PasswordEntries {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AuthConfigError('AUTH_FILE_UNREADABLE', `cannot read the password file: ${(error as Error).message}`, { path, cause: error });
  }
  return parsePasswordFile(text, path);
}

/** Replaces the file atomically (write to a temporary file, then rename), readable by its owner only. */
export function writePasswordFile(path: string, entries: PasswordEntries): void {
  const tmp = `${path}.tmp-${String(process.pid)}`;
  writeFileSync(tmp, formatPasswordFile(entries), { mode: 0o600 });
  renameSync(tmp, path);
}
