import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { hashPassword, parseHash, parsePasswordFile, readPasswordFile, verifyPassword, writePasswordFile } from './index.js';

const FAST = { N: 1024, r: 8, p: 1 }; // test speed only; the default is N=16384
const dir = mkdtempSync(join(tmpdir(), 'mqtt-passwd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('salted scrypt hashes', () => {
  it('verify the password they were made from and no other (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), async (a, b) => {
        const parsed = parseHash(hashPassword(Buffer.from(a), FAST));
        expect(parsed).toBeDefined();
        if (!parsed) return;
        expect(await verifyPassword(Buffer.from(a), parsed)).toBe(true);
        expect(await verifyPassword(Buffer.from(b), parsed)).toBe(Buffer.from(a).equals(Buffer.from(b)));
      }),
      { numRuns: 25 },
    );
  });

  it('are salted: the same password twice gives two hashes', () => {
    expect(hashPassword('pw', FAST)).not.toBe(hashPassword('pw', FAST));
  });

  it('refuse malformed or hostile parameters', () => {
    expect(parseHash('$scrypt$N=1000,r=8,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA==')).toBeUndefined(); // not a power of 2
    expect(parseHash('$scrypt$N=1073741824,r=8,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA==')).toBeUndefined();
    expect(parseHash('$6$abc$def')).toBeUndefined();
  });
});

describe('password file', () => {
  it('round-trips through write and read, owner-readable only', () => {
    const path = join(dir, 'pw');
    const entries = new Map([
      ['alice', hashPassword('a', FAST)],
      ['bob', hashPassword('b', FAST)],
    ]);
    writePasswordFile(path, entries);
    expect(readPasswordFile(path)).toEqual(entries);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('names the bad line (AUTH_PASSWORD_LINE) and an unreadable file (AUTH_FILE_UNREADABLE)', () => {
    const good = `alice:${hashPassword('a', FAST)}`;
    expect(() => parsePasswordFile(`# users\n${good}\nbob:plaintext\n`, 'pw')).toThrow(expect.objectContaining({ code: 'AUTH_PASSWORD_LINE', line: 3 }));
    expect(() => parsePasswordFile(':nouser', 'pw')).toThrow(expect.objectContaining({ code: 'AUTH_PASSWORD_LINE', line: 1 }));
    expect(() => readPasswordFile(join(dir, 'missing'))).toThrow(expect.objectContaining({ code: 'AUTH_FILE_UNREADABLE' }));
  });
});
