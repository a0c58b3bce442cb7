/**
 * Salted scrypt password hashes, one self-describing string per user:
 * `$scrypt$N=16384,r=8,p=1$<salt base64>$<hash base64>`. The parameters travel with the hash, so
 * they can be raised later without invalidating existing files.
 */
import { createHash, randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT: ScryptParams = { N: 16384, r: 8, p: 1 };
/**
 * For a password that is itself a random secret of 128 bits or more (the credentials a test broker
 * makes up for one run): stretching protects guessable passwords and adds nothing to one that cannot
 * be guessed, while every hash and every verification at N=16384 costs ~50 ms of CPU.
 */
export const RANDOM_SECRET_SCRYPT: ScryptParams = { N: 1024, r: 8, p: 1 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

export interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  hash: Buffer;
}

const maxmem = (p: ScryptParams): number => 128 * p.N * p.r * p.p + 64 * 1024 * 1024;

/** Hashes a password (the raw bytes of the MQTT password field) with a fresh random salt. */
export function hashPassword(password: Buffer | string, params: ScryptParams = DEFAULT_SCRYPT): string {
  const salt = randomBytes(SALT_LENGTH);
  const hash = scryptSync(Buffer.from(password), salt, KEY_LENGTH, { ...params, maxmem: maxmem(params) });
  return `$scrypt$N=${String(params.N)},r=${String(params.r)},p=${String(params.p)}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Parses an encoded hash; undefined when it is not one this module wrote. */
export function parseHash(encoded: string): ParsedHash | undefined {
  const m = /^\$scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(encoded);
  if (!m) return undefined;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // N a power of two above 1; bounds keep a hostile file from asking for gigabytes.
  if (N < 2 || N > 2 ** 20 || (N & (N - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16) return undefined;
  const salt = Buffer.from(m[4] as string, 'base64');
  const hash = Buffer.from(m[5] as string, 'base64');
  if (salt.length < 8 || hash.length < 16) return undefined;
  return { params: { N, r, p }, salt, hash };
}

/** Verifies off the event loop (libuv thread pool): a CONNECT flood cannot stall the broker. */
export async function verifyPassword(password: Buffer, parsed: ParsedHash): Promise<boolean> {
  const derived = await new Promise<Buffer>((resolve, reject) =>
    scrypt(password, parsed.salt, parsed.hash.length, { ...parsed.params, maxmem: maxmem(parsed.params) }, (error, key) => (error ? reject(error) : resolve(key))),
  );
  return timingSafeEqual(derived, parsed.hash);
}

/** A cache key for a verified (user, password, hash) triple: no password kept in memory in clear. */
export function credentialKey(username: string, password: Buffer, encoded: string): string {
  return createHash('sha256').update(username).update('\0').update(password).update('\0').update(encoded).digest('base64');
}
