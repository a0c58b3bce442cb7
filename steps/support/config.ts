import { ENV, MEDIA_TYPE } from '../../contract/index.js';

/**
 * The worker's run settings, from the environment the CLI sets (contract/): the protocol version
 * asked for, the bound of every expectation, the flood limit; and the media type of a verdict
 * attachment. The target itself is read in applicability.ts.
 */

/** Env var: protocol version for scenarios tagged with several versions (`3.1`, `3.1.1`, `5`). */
export const VERSION_ENV = ENV.version;
/** Env var: default bound of every expectation, in ms. */
export const TIMEOUT_ENV = ENV.timeoutMs;

export const VERDICT_MEDIA_TYPE = MEDIA_TYPE.verdict;

export function defaultTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env[TIMEOUT_ENV]);
  return Number.isFinite(n) && n > 0 ? n : 3000;
}

/** Env var: received packets a client holds unconsumed before it stops reading (the flood limit). */
export const MAX_PENDING_ENV = 'MQTT_CONFORMANCE_MAX_PENDING';

/** The flood limit per client: {@link MAX_PENDING_ENV}, else the client's default. */
export function maxPendingPackets(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const n = Number(env[MAX_PENDING_ENV]);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}
