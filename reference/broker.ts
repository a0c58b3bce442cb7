import { randomBytes } from 'node:crypto';
import type { QoS, Will } from '../harness/codec/index.js';
import { Security } from './auth/index.js';
import type { ClusterHooks } from './cluster/hooks.js';
import { ConnectionRegistry, type Connection } from './connection.js';
import type { BrokerContext, EnhancedAuth } from './context.js';
import { Delivery } from './delivery.js';
import type { Logger } from './logger.js';
import type { ClientStream, ResolvedOptions } from './options.js';
import { MemoryRetainedStore, type RetainedStore } from './retain/index.js';
import { Routing, type PublishExtras } from './routing.js';
import { SessionLifecycle } from './session-lifecycle.js';
import { MemorySessionStore, type SessionState, type SessionStore } from './session/index.js';
import { newCounters, type Counters, type StatsSnapshot } from './stats.js';
import { TimerWheel } from './timer-wheel.js';
import { SCRAM_SHA_256, scramCredential, type ScramCredential } from './v5/index.js';

export type { PublishExtras } from './routing.js';

/**
 * The broker: its parts, wired once, and the façade `reference/index.ts`, `reference/sys.ts` and
 * the cluster layer use. Each part has one job:
 * - `connections` (reference/connection.ts): open connections, the admission limit, back-pressure per input;
 * - `lifecycle` (reference/session-lifecycle.ts): sessions opened, resumed, taken over, expired, and wills;
 * - `routing` (reference/routing.ts): the subscription index, shared subscriptions, retained messages;
 * - `delivery` (reference/delivery.ts): the in-flight window, the queue, packet ids, the PUBLISH encoder.
 * Connections and handlers see the broker through `BrokerContext` (reference/context.ts), narrowed
 * per handler. Transport-agnostic: `accept()` takes any stream.
 */
export class Broker implements BrokerContext, EnhancedAuth {
  readonly log: Logger;
  readonly counters: Counters = newCounters();
  /** The CONNECT timeouts and keep-alive deadlines of every connection, on one timer. */
  readonly deadlines = new TimerWheel();
  readonly sessions: SessionStore;
  readonly retained: RetainedStore;
  /** Authentication and ACL (reference/auth); open to all by default. */
  readonly security: Security;
  readonly connections: ConnectionRegistry;
  readonly delivery: Delivery;
  readonly routing: Routing;
  readonly lifecycle: SessionLifecycle;
  readonly auth: EnhancedAuth = this;
  readonly startedAt = Date.now();
  private closed = false;
  /** MQTT 5.0 enhanced authentication: SCRAM-SHA-256 credentials (derived keys only). */
  readonly scram = new Map<string, ScramCredential>();
  /** Invents stable salts for unknown SCRAM users (reference/v5/scram.ts). */
  readonly scramSecret = randomBytes(32);
  /**
   * Cluster mode (reference/cluster): publishes go through the shared log, sessions live in the
   * shared store once their connection ends. Undefined on a single node: no cluster code runs.
   * Set through `attachCluster`.
   */
  cluster: ClusterHooks | undefined;

  constructor(readonly options: ResolvedOptions & { sessionStore?: SessionStore; retainedStore?: RetainedStore; security?: Security }) {
    this.log = options.log;
    this.sessions = options.sessionStore ?? new MemorySessionStore();
    this.retained = options.retainedStore ?? new MemoryRetainedStore();
    this.security = options.security ?? Security.fromOptions();
    this.connections = new ConnectionRegistry(this);
    // Delivery and routing read who is connected from the lifecycle's map of online clients.
    const online = new Map<string, Connection>();
    this.delivery = new Delivery(this, online);
    this.routing = new Routing(this.sessions, this.retained, this.delivery, online);
    this.lifecycle = new SessionLifecycle(this, this.routing, online);
    this.lifecycle.restore();
    for (const [user, password] of Object.entries(options.scramUsers)) this.scram.set(user, scramCredential(password));
  }

  /** Cluster mode (reference/cluster/node.ts): the hooks the parts call at their cluster-relevant moments. */
  attachCluster(hooks: ClusterHooks): void {
    this.cluster = hooks;
    this.routing.cluster = hooks;
    this.lifecycle.cluster = hooks;
  }

  /** The enhanced authentication methods this broker offers (MQTT 5.0 §4.12). */
  supportsAuthMethod(method: string): boolean {
    return method === SCRAM_SHA_256 && this.scram.size > 0;
  }

  /** Serves one client stream (TCP socket, TLS socket, WebSocket stream, in-memory duplex). */
  accept(stream: ClientStream): void {
    this.connections.accept(stream);
  }

  /** Routes an application message (`$SYS`, tests); clients' messages go through their handler to `routing`. */
  publish(topic: string, payload: Buffer, qos: QoS, retain: boolean, extras?: PublishExtras): void {
    this.routing.publish(topic, payload, qos, retain, extras);
  }

  // ---- for the cluster layer (reference/cluster/node.ts)

  /** Delivers a message read from the shared log to this node's sessions. */
  routeLocal(topic: string, payload: Buffer, qos: QoS, retain: boolean, extras?: PublishExtras): void {
    this.routing.routeLocal(topic, payload, qos, retain, extras);
  }

  /** For each share group here matching `topic`, the member this node proposes. */
  shareCandidates(topic: string): { key: string; candidate: string }[] {
    return this.routing.shareCandidates(topic);
  }

  publishWill(clientId: string, will: Will): void {
    this.lifecycle.publishWill(clientId, will);
  }

  takeOver(clientId: string): void {
    this.lifecycle.takeOver(clientId);
  }

  discardSession(session: SessionState): void {
    this.lifecycle.discardSession(session);
  }

  adoptSession(session: SessionState): void {
    this.lifecycle.adoptSession(session);
  }

  releaseSession(session: SessionState): void {
    this.lifecycle.releaseSession(session);
  }

  /** The connection serving `clientId` on this node, if any. */
  connectionOf(clientId: string): Connection | undefined {
    return this.lifecycle.connectionOf(clientId);
  }

  /** Every open connection (cluster mode: closed when the shared store is lost). */
  openConnections(): Connection[] {
    return this.connections.all();
  }

  stats(): StatsSnapshot {
    const online = this.lifecycle.onlineCount;
    const offline = this.lifecycle.offlineCount();
    return {
      ...this.counters,
      clientsConnected: online,
      clientsDisconnected: offline,
      clientsTotal: online + offline,
      retainedCount: this.retained.size,
      subscriptionsCount: this.routing.size,
      uptimeSeconds: Math.floor((Date.now() - this.startedAt) / 1000),
    };
  }

  /** Ends every connection (no wills: the broker is going away) and releases the stores. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.connections.close();
    this.deadlines.clear();
    this.lifecycle.close();
    await this.sessions.close();
    await this.retained.close();
  }
}
