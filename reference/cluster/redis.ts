import type { Redis as RedisClient, RedisOptions } from 'ioredis';
import { ClusterError } from './errors.js';

export type { RedisClient };

/**
 * ioredis is an optional dependency, loaded only in cluster mode: a single-node broker never
 * imports it, and installs without it work.
 */
export async function connectRedis(url: string, options: RedisOptions): Promise<RedisClient> {
  let Redis: typeof import('ioredis').Redis;
  try {
    ({ Redis } = await import('ioredis'));
  } catch (error) {
    throw new ClusterError('CLUSTER_NO_CLIENT', `cluster mode needs the optional package ioredis (npm install ioredis@5): ${(error as Error).message}`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ClusterError('CLUSTER_URL', `--cluster ${JSON.stringify(url)} is not a URL (expected redis://HOST:PORT)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new ClusterError('CLUSTER_URL', `--cluster ${JSON.stringify(url)}: expected a redis:// or rediss:// URL`);
  return new Redis(url, options);
}
