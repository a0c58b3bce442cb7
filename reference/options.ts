import type { Duplex } from 'node:stream';
import { createLogger, type LogLevel, type LogSink, type Logger } from './logger.js';
import type { RetainedStore } from './retain/index.js';
import type { SessionStore } from './session/index.js';
import type { AuthOptions } from './auth/index.js';
import type { ListenerConfig } from './listeners/index.js';

export interface BrokerOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Close a connection that sends no CONNECT within this time (default 10000). */
  connectTimeoutMs?: number;
  /** Seconds between `$SYS` updates (default 10; 0 disables `$SYS`). */
  sysIntervalSeconds?: number;
  /** Outgoing QoS 1/2 messages in flight per client (default 1000). */
  maxInflight?: number;
  /** Messages queued per client beyond the in-flight window (default 100000); more are dropped and counted. */
  maxQueued?: number;
  /** Payload and topic bytes queued per client (default 64 MiB); more are dropped and counted. */
  maxQueuedBytes?: number;
  /** Connections open at once, connected or not (default 100000; 0: no limit); more are closed at once and counted. */
  maxConnections?: number;
  /** Inbound bytes per second per connection; a faster client's socket is paused (default 0: no limit). */
  maxInboundBytesPerSecond?: number;
  /** Queue QoS 0 messages for offline persistent sessions too (default false). */
  queueQos0?: boolean;
  /** Largest packet accepted, checked from the remaining length (default 268435460, the protocol maximum). */
  maxPacketSize?: number;
  /** Bytes buffered for a socket above which QoS 0 deliveries to it are dropped (default 16 MiB). */
  maxBufferedBytes?: number;
  /** Buffered bytes at which a subscriber's socket counts as congested, pausing the publishers feeding it (default 1 MiB). */
  highWaterMark?: number;
  /** Default 'error' (quiet when embedded). */
  logLevel?: LogLevel;
  /** Where log records go (default JSON lines on stderr). */
  logger?: LogSink;
  sessionStore?: SessionStore;
  retainedStore?: RetainedStore;
  /** Keep sessions, in-flight/queued messages and retained messages in SQLite in this directory (see reference/persistence). Ignored for a store given explicitly. */
  dataDir?: string;
  /** Commit durability with `dataDir`: 'normal' survives a broker crash (default), 'full' also an OS crash (fsync per commit). */
  dataDirSync?: 'normal' | 'full';
  /** Anonymous access, password file, ACL file (reference/auth). Default: anyone may connect, read and write. */
  auth?: AuthOptions;
  /** Listeners to open (TCP, TLS, WebSocket, secure WebSocket; reference/listeners) instead of one TCP listener on port/host. */
  listeners?: ListenerConfig[];
  /** MQTT 5.0: Receive Maximum announced in CONNACK, inbound QoS 2 messages awaiting PUBREL per client (default 100); more is DISCONNECT 0x93. */
  receiveMaximum?: number;
  /** MQTT 5.0: Topic Alias Maximum announced in CONNACK (default 10; 0: no aliases accepted). */
  topicAliasMaximum?: number;
  /** MQTT 5.0: Maximum QoS announced in CONNACK and enforced (default 2). */
  maximumQoS?: number;
  /** MQTT 5.0: Retain Available (default true); false refuses retained PUBLISH (0x9A). Applies to 5.0 clients only. */
  retainAvailable?: boolean;
  /** MQTT 5.0: use Topic Aliases toward clients that accept them, up to their Topic Alias Maximum (default true). */
  outboundTopicAliases?: boolean;
  /** MQTT 5.0: Server Keep Alive in seconds; when set, it replaces the client's Keep Alive and is announced in CONNACK. */
  serverKeepAlive?: number;
  /** MQTT 5.0: the longest Keep Alive allowed (seconds, 1..65535); a longer one, or 0 (none), is lowered to it and announced as Server Keep Alive in CONNACK. Ignored when `serverKeepAlive` is set. */
  maxKeepAlive?: number;
  /** Topic filters (compared as strings) whose subscription is always refused: SUBACK 0x80 (3.1.1 Failure, 5.0 Unspecified error). For test set-ups such as the Eclipse Paho interoperability tests' `test/nosubscribe`. */
  refuseSubscribe?: readonly string[];
  /** MQTT 5.0: the longest Session Expiry Interval granted (seconds); a longer request is lowered and announced in CONNACK. Default: none. */
  maxSessionExpiryInterval?: number;
  /** Cluster mode (reference/cluster): the Redis shared by every node, `redis://HOST:PORT`. Default: a single node, no Redis. */
  cluster?: string;
  /** Cluster mode: this node's name, unique in the cluster (default: host name and process id). */
  nodeId?: string;
  /** MQTT 5.0 enhanced authentication: SCRAM-SHA-256 users, `{ "user": "password" }` (only the derived keys are kept). */
  scramUsers?: Record<string, string>;
}

export interface ResolvedOptions {
  port: number;
  host: string;
  connectTimeoutMs: number;
  sysIntervalSeconds: number;
  maxInflight: number;
  maxQueued: number;
  maxQueuedBytes: number;
  maxConnections: number;
  maxInboundBytesPerSecond: number;
  queueQos0: boolean;
  maxPacketSize: number;
  maxBufferedBytes: number;
  highWaterMark: number;
  receiveMaximum: number;
  topicAliasMaximum: number;
  maximumQoS: 0 | 1 | 2;
  retainAvailable: boolean;
  outboundTopicAliases: boolean;
  serverKeepAlive: number | undefined;
  maxKeepAlive: number | undefined;
  refuseSubscribe: ReadonlySet<string>;
  maxSessionExpiryInterval: number | undefined;
  scramUsers: Record<string, string>;
  log: Logger;
}

export class BrokerConfigError extends Error {
  readonly code = 'BROKER_CONFIG';
  readonly option: string;
  constructor(option: string, message: string) {
    super(`invalid broker option "${option}": ${message}`);
    this.name = 'BrokerConfigError';
    this.option = option;
  }
}

function integer(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BrokerConfigError(name, `expected an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

function stringSet(name: string, value: readonly string[] | undefined): ReadonlySet<string> {
  if (value === undefined) return new Set();
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.length > 0)) {
    throw new BrokerConfigError(name, `expected an array of non-empty strings, got ${JSON.stringify(value)}`);
  }
  return new Set(value);
}

function scramUsers(value: Record<string, string> | undefined): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BrokerConfigError('scramUsers', 'expected an object of user name -> password');
  for (const [user, password] of Object.entries(value)) {
    if (user === '' || typeof password !== 'string') throw new BrokerConfigError('scramUsers', `user ${JSON.stringify(user)} needs a non-empty name and a string password`);
  }
  return value;
}

export function resolveOptions(options: BrokerOptions): ResolvedOptions {
  return {
    port: integer('port', options.port, 0, 0, 65535),
    host: options.host ?? '127.0.0.1',
    connectTimeoutMs: integer('connectTimeoutMs', options.connectTimeoutMs, 10_000, 1, 3_600_000),
    sysIntervalSeconds: integer('sysIntervalSeconds', options.sysIntervalSeconds, 10, 0, 86_400),
    maxInflight: integer('maxInflight', options.maxInflight, 1000, 1, 65535),
    maxQueued: integer('maxQueued', options.maxQueued, 100_000, 0, 100_000_000),
    maxQueuedBytes: integer('maxQueuedBytes', options.maxQueuedBytes, 64 * 1024 * 1024, 0, 2 ** 40),
    maxConnections: integer('maxConnections', options.maxConnections, 100_000, 0, 10_000_000),
    maxInboundBytesPerSecond: integer('maxInboundBytesPerSecond', options.maxInboundBytesPerSecond, 0, 0, 2 ** 40),
    queueQos0: options.queueQos0 ?? false,
    maxPacketSize: integer('maxPacketSize', options.maxPacketSize, 268_435_460, 2, 268_435_460),
    maxBufferedBytes: integer('maxBufferedBytes', options.maxBufferedBytes, 16 * 1024 * 1024, 1024, 2 ** 31),
    highWaterMark: integer('highWaterMark', options.highWaterMark, 1024 * 1024, 1024, 2 ** 31),
    receiveMaximum: integer('receiveMaximum', options.receiveMaximum, 100, 1, 65535),
    topicAliasMaximum: integer('topicAliasMaximum', options.topicAliasMaximum, 10, 0, 65535),
    maximumQoS: integer('maximumQoS', options.maximumQoS, 2, 0, 2) as 0 | 1 | 2,
    retainAvailable: options.retainAvailable ?? true,
    outboundTopicAliases: options.outboundTopicAliases ?? true,
    serverKeepAlive: options.serverKeepAlive === undefined ? undefined : integer('serverKeepAlive', options.serverKeepAlive, 0, 0, 65535),
    maxKeepAlive: options.maxKeepAlive === undefined ? undefined : integer('maxKeepAlive', options.maxKeepAlive, 0, 1, 65535),
    refuseSubscribe: stringSet('refuseSubscribe', options.refuseSubscribe),
    maxSessionExpiryInterval:
      options.maxSessionExpiryInterval === undefined ? undefined : integer('maxSessionExpiryInterval', options.maxSessionExpiryInterval, 0, 0, 0xffff_ffff),
    scramUsers: scramUsers(options.scramUsers),
    log: createLogger(options.logLevel ?? 'error', options.logger),
  };
}

/** Any bidirectional byte stream a client can reach the broker over (TCP socket, TLS, WebSocket stream, in-memory pair). */
export type ClientStream = Duplex;
