import type { ProtocolVersion } from '../../harness/codec/index.js';
import type { Capabilities, Endpoint, TargetDescription } from '../../harness/targets/index.js';
import { ENV, MEDIA_TYPE } from '../../contract/index.js';

/** Env var through which the CLI hands the started target to cucumber (and its workers). */
export const TARGET_ENV = ENV.target;
/** Env var: protocol version for scenarios tagged with several versions (`3.1`, `3.1.1`, `5`). */
export const VERSION_ENV = ENV.version;
/** Env var: default bound of every expectation, in ms. */
export const TIMEOUT_ENV = ENV.timeoutMs;

export const VERDICT_MEDIA_TYPE = MEDIA_TYPE.verdict;

/** What the suite needs to know about the target, as passed in {@link TARGET_ENV}. */
export interface SuiteTarget {
  endpoint: Endpoint;
  capabilities: Capabilities;
  description: TargetDescription;
}

export const VERSION_TAGS: Record<string, ProtocolVersion> = { '@v3.1': 3, '@v3.1.1': 4, '@v5': 5 };
export const VERSION_NAMES: Record<ProtocolVersion, string> = { 3: '3.1', 4: '3.1.1', 5: '5' };

export function parseVersion(text: string): ProtocolVersion | undefined {
  return VERSION_TAGS[`@v${text.replace(/^v/, '')}`];
}

/** Reads the target handed over by the CLI; undefined when cucumber-js was started directly. */
export function targetFromEnv(env: NodeJS.ProcessEnv = process.env): SuiteTarget | undefined {
  const text = env[TARGET_ENV];
  if (text === undefined || text === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`${TARGET_ENV} is not valid JSON: ${(e as Error).message}`);
  }
  const v = value as Partial<SuiteTarget>;
  if (!v.endpoint || typeof v.endpoint.port !== 'number' || !v.capabilities || !Array.isArray(v.capabilities.versions)) {
    throw new Error(`${TARGET_ENV} must be {endpoint, capabilities, description}; got ${text.slice(0, 200)}`);
  }
  return v as SuiteTarget;
}

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
