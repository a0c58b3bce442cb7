import type { Security } from './auth/index.js';
import type { ClusterHooks } from './cluster/hooks.js';
import type { ConnectionRegistry } from './connection.js';
import type { Delivery } from './delivery.js';
import type { Logger } from './logger.js';
import type { ResolvedOptions } from './options.js';
import type { Routing } from './routing.js';
import type { SessionLifecycle } from './session-lifecycle.js';
import type { SessionStore } from './session/index.js';
import type { Counters } from './stats.js';
import type { TimerWheel } from './timer-wheel.js';
import type { ScramCredential } from './v5/index.js';

/*
 * What a connection and the packet handlers may use of the broker: its parts, each narrowed to the
 * operations they call (types only: the broker, reference/broker.ts, is the one implementation).
 * Each handler takes the Pick below that names what it needs, so a handler's reach is read from its
 * signature.
 */

/** MQTT 5.0 enhanced authentication (SCRAM-SHA-256): the credentials the broker was configured with. */
export interface EnhancedAuth {
  /** SCRAM-SHA-256 credentials by user (derived keys only). */
  readonly scram: ReadonlyMap<string, ScramCredential>;
  /** Invents stable salts for unknown SCRAM users (reference/v5/scram.ts). */
  readonly scramSecret: Buffer;
  /** The enhanced authentication methods this broker offers (MQTT 5.0 §4.12). */
  supportsAuthMethod(method: string): boolean;
}

export interface BrokerContext {
  readonly options: ResolvedOptions;
  readonly log: Logger;
  readonly counters: Counters;
  /** The session store: every change made to a session is journalled here (durable stores). */
  readonly sessions: SessionStore;
  readonly routing: Pick<Routing, 'publish' | 'subscribe' | 'unsubscribe' | 'sendRetained'>;
  readonly delivery: Pick<Delivery, 'resume' | 'released' | 'complete'>;
  readonly lifecycle: Pick<SessionLifecycle, 'hasClient' | 'takeOver' | 'openSession' | 'connectionStarted' | 'connectionEnded'>;
  /** Authentication and ACL (reference/auth). */
  readonly security: Security;
  readonly auth: EnhancedAuth;
  /** Cluster mode (reference/cluster); undefined on a single node. */
  readonly cluster: ClusterHooks | undefined;
  /** The CONNECT timeouts and keep-alive deadlines of every connection, on one timer. */
  readonly deadlines: TimerWheel;
  /** Open connections and back-pressure per input (reference/connection.ts). */
  readonly connections: Pick<ConnectionRegistry, 'forget' | 'noteCongested' | 'beginInput' | 'applyBackPressure'>;
}

/** CONNECT and AUTH: checks, enhanced authentication, take-over, the session, CONNACK, the resend. */
export type ConnectContext = Pick<BrokerContext, 'options' | 'log' | 'security' | 'auth' | 'lifecycle' | 'delivery' | 'cluster'>;
/** PUBLISH: its checks, the inbound QoS 2 id, routing. */
export type PublishContext = Pick<BrokerContext, 'options' | 'log' | 'counters' | 'sessions' | 'security' | 'routing' | 'cluster'>;
/** PUBACK, PUBREC, PUBREL, PUBCOMP: the in-flight window and the inbound QoS 2 ids. */
export type AckContext = Pick<BrokerContext, 'log' | 'sessions' | 'delivery'>;
/** SUBSCRIBE and UNSUBSCRIBE. */
export type SubscribeContext = Pick<BrokerContext, 'options' | 'log' | 'counters' | 'security' | 'routing'>;
/** Where a protocol violation or a malformed packet is applied (reference/dispatcher.ts). */
export type ViolationContext = Pick<BrokerContext, 'log' | 'counters'>;
