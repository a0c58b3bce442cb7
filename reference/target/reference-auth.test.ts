import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { parseHash, parsePasswordFile, verifyPassword } from '../index.js';
import { createReferenceCredentials, REFERENCE_AUTH_METHOD } from './reference-auth.js';

describe('credentials generated for the reference broker', () => {
  it('writes a scrypt password file and a SCRAM users file for one random user, private to this user, and removes them', async () => {
    const c = await createReferenceCredentials();
    try {
      const { auth, authMethods } = c.capabilities;
      expect(authMethods).toEqual([REFERENCE_AUTH_METHOD]);
      expect(auth.anonymousAllowed).toBe(true);
      expect(auth.valid.username).toMatch(/^conformance-[0-9a-f]{8}$/);
      expect(auth.invalidPassword).toEqual({ username: auth.valid.username, password: expect.any(String) });
      expect(auth.invalidPassword?.password).not.toBe(auth.valid.password);
      expect(auth.valid.password.length).toBeGreaterThanOrEqual(24);

      expect(statSync(c.dir).mode & 0o777).toBe(0o700);
      expect(statSync(c.passwordFile).mode & 0o777).toBe(0o600);
      expect(statSync(c.scramUsersFile).mode & 0o777).toBe(0o600);

      const entries = parsePasswordFile(readFileSync(c.passwordFile, 'utf8'), c.passwordFile);
      expect([...entries.keys()]).toEqual([auth.valid.username]);
      const hash = parseHash(entries.get(auth.valid.username) ?? '');
      if (hash === undefined) throw new Error('the password file holds no valid scrypt hash');
      expect(readFileSync(c.passwordFile, 'utf8')).not.toContain(auth.valid.password);
      expect(await verifyPassword(Buffer.from(auth.valid.password), hash)).toBe(true);
      expect(await verifyPassword(Buffer.from(auth.invalidPassword?.password ?? ''), hash)).toBe(false);

      expect(JSON.parse(readFileSync(c.scramUsersFile, 'utf8'))).toEqual({ [auth.valid.username]: auth.valid.password });
      expect(c.scramUsers).toEqual({ [auth.valid.username]: auth.valid.password });
    } finally {
      await c.remove();
    }
    expect(existsSync(c.dir)).toBe(false);
    await c.remove();
  });

  it('makes different credentials each time', async () => {
    const [a, b] = await Promise.all([createReferenceCredentials(), createReferenceCredentials()]);
    try {
      expect(a.dir).not.toBe(b.dir);
      expect(a.capabilities.auth.valid).not.toEqual(b.capabilities.auth.valid);
    } finally {
      await Promise.all([a.remove(), b.remove()]);
    }
  });
});
