import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT, RANDOM_SECRET_SCRYPT, hashPassword, parseHash, type ParsedHash } from './scrypt-hash.js';
import { Security } from './security.js';

/** The decoy an unknown user is checked against (private: reached through a cast, as only its parameters are the point). */
const decoyOf = (s: Security): ParsedHash | undefined => (s as unknown as { decoy(): ParsedHash | undefined }).decoy();

describe('the decoy hash of an unknown user', () => {
  it("has the scrypt parameters of the file's own hashes, so a missing user costs what a wrong password costs", () => {
    const fast = { N: 2048, r: 4, p: 1 };
    const security = new Security(false, new Map([['not-a-hash', 'x'], ['alice', hashPassword('wonderland', fast)]]), undefined);
    expect(decoyOf(security)?.params).toEqual(fast);
  });

  it('falls back to the default parameters when no entry of the file parses', () => {
    expect(decoyOf(new Security(false, new Map([['bob', 'not-a-hash']]), undefined))?.params).toEqual(DEFAULT_SCRYPT);
  });

  it('a hash with the random-secret parameters parses and says them', () => {
    expect(parseHash(hashPassword('x', RANDOM_SECRET_SCRYPT))?.params).toEqual(RANDOM_SECRET_SCRYPT);
  });
});
