import type { ProtocolVersion, QoS } from '../harness/codec/index.js';
import { Connection, type CloseReason } from './connection.js';
import type { Logger } from './logger.js';
import type { ClientStream, ResolvedOptions } from './options.js';
import { PublishEncoder } from './publish-encoder.js';
import { MemoryRetainedStore, type RetainedStore } from './retain/index.js';
import { Security } from './auth/index.js';
import {
  queuedSize,
  allocatePacketId,
  MemorySessionStore,
  type SessionState,
  type SessionStore,
  type StoredMessage,
  type SubscriptionGrant,
} from './session/index.js';
import { newCounters, type Counters, type StatsSnapshot } from './stats.js';
import { SubscriptionTree } from './topic/index.js';

const minQos = (a: QoS, b: QoS): QoS => (a < b ? a : b);

/**
 * The broker's state and its operations: sessions, subscriptions, retained messages, routing,
 * delivery (in-flight window, bounded queue), wills. Transport-agnostic: `accept()` takes any stream.
 */
export class Broker {
  readonly log: Logger;
  readonly counters: Counters = newCounters();
  readonly sessions: SessionStore;
  readonly retained: RetainedStore;
  /** Authentication and ACL (reference/auth); open to all by default. */
  readonly security: Security;
  readonly subscriptions = new SubscriptionTree<SubscriptionGrant>();
  /** Connected clients by client id. */
  private readonly online = new Map<string, Connection>();
  /** Every open stream, connected or not. */
  private readonly connections = new Set<Connection>();
  /** Connections whose socket passed the high-water mark during the current input. */
  private readonly congested = new Set<Connection>();
  readonly startedAt = Date.now();
  private closed = false;

  constructor(readonly options: ResolvedOptions & { sessionStore?: SessionStore; retainedStore?: RetainedStore; security?: Security }) {
    this.log = options.log;
    this.sessions = options.sessionStore ?? new MemorySessionStore();
    this.retained = options.retainedStore ?? new MemoryRetainedStore();
    this.security = options.security ?? Security.fromOptions();
    // A durable store comes back with sessions: index their subscriptions.
    for (const session of this.sessions.values()) {
      for (const [filter, grant] of session.subscriptions) this.subscriptions.add(filter, session.clientId, grant);
    }
  }

  /** Serves one client stream (TCP socket, TLS socket, WebSocket stream, in-memory duplex). */
  accept(stream: ClientStream): void {
    if (this.closed) {
      stream.destroy();
      return;
    }
    if (this.options.maxConnections > 0 && this.connections.size >= this.options.maxConnections) {
      // Limit (reference/options maxConnections): closed before any byte is read, and counted.
      this.counters.connectionsRejected++;
      this.log.warn('connection limit reached: connection closed', { maxConnections: this.options.maxConnections });
      stream.destroy();
      return;
    }
    this.connections.add(new Connection(stream, this));
  }

  forget(conn: Connection): void {
    this.connections.delete(conn);
    this.congested.delete(conn);
  }

  hasClient(clientId: string): boolean {
    return this.online.has(clientId) || this.sessions.get(clientId) !== undefined;
  }

  /** MQTT-3.1.4-2: closes the connection currently using `clientId`, publishing its will. */
  takeOver(clientId: string): void {
    const old = this.online.get(clientId);
    if (!old) return;
    this.counters.takeovers++;
    this.log.info('client id taken over by a new connection: closing the old one', { clientId });
    old.close('takeover');
  }

  /** CleanSession 1: a fresh session; 0: the stored persistent one, or a new one (MQTT-3.1.2-4, -6). */
  openSession(clientId: string, clean: boolean, version: ProtocolVersion): { session: SessionState; present: boolean } {
    const existing = this.sessions.get(clientId);
    if (!clean && existing && !existing.clean) {
      existing.protocolVersion = version;
      this.sessions.touch(existing);
      return { session: existing, present: true };
    }
    if (existing) this.discardSession(existing);
    return { session: this.sessions.create(clientId, clean, version), present: false };
  }

  connectionStarted(conn: Connection): void {
    if (conn.clientId === undefined) return;
    this.online.set(conn.clientId, conn);
    this.counters.connectionsAccepted++;
    if (this.online.size > this.counters.clientsMaximum) this.counters.clientsMaximum = this.online.size;
  }

  /** The end of an accepted connection: detach, end a clean session, publish the will unless DISCONNECT. */
  connectionEnded(conn: Connection, reason: CloseReason): void {
    const clientId = conn.clientId;
    if (clientId === undefined) return;
    if (this.online.get(clientId) === conn) this.online.delete(clientId);
    const session = conn.session;
    if (session?.clean && this.sessions.get(clientId) === session) this.discardSession(session);
    const will = conn.will;
    conn.will = undefined;
    this.log.info('client disconnected', { clientId, reason });
    if (will && reason !== 'disconnect' && reason !== 'broker-shutdown') {
      // MQTT-3.1.2-8: published with its own QoS and retain flag (MQTT-3.1.2-16, -17).
      this.counters.willsPublished++;
      this.log.debug('publishing will', { clientId, topic: will.topic, qos: will.qos, retain: will.retain });
      if (will.topic === '$SYS' || will.topic.startsWith('$SYS/')) this.counters.publishDenied++;
      else this.publish(will.topic, will.payload, will.qos, will.retain);
    }
  }

  private discardSession(session: SessionState): void {
    for (const filter of session.subscriptions.keys()) this.subscriptions.remove(filter, session.clientId);
    this.sessions.delete(session.clientId);
  }

  /**
   * Routes an application message to every matching session, once per session at the highest
   * granted QoS among its matching subscriptions (MQTT-3.3.5-1), at min(publish QoS, granted QoS)
   * (MQTT-3.8.4-6), with RETAIN 0 (MQTT-3.3.1-9). A retained message is stored first, or deleted
   * when its payload is empty (MQTT-3.3.1-5, -10, -11).
   */
  publish(topic: string, payload: Buffer, qos: QoS, retain: boolean): void {
    // Decoded payloads may be views into a socket chunk: keep a copy once the message is stored anywhere.
    let owned: Buffer | undefined;
    if (retain) {
      if (payload.length === 0) this.retained.delete(topic);
      else this.retained.set({ topic, payload: (owned = Buffer.from(payload)), qos, retain: true });
    }
    const targets = new Map<string, QoS>();
    this.subscriptions.match(topic, (clientId, grant) => {
      const previous = targets.get(clientId);
      if (previous === undefined || grant.qos > previous) targets.set(clientId, grant.qos);
    });
    if (targets.size === 0) return;
    owned ??= Buffer.from(payload);
    const encoder = new PublishEncoder({ topic, payload: owned, qos, retain: false });
    for (const [clientId, granted] of targets) {
      const session = this.sessions.get(clientId);
      if (session) this.deliver(session, encoder, minQos(qos, granted));
    }
  }

  /** The retained messages matching a new subscription, with RETAIN 1 (MQTT-3.3.1-6, -8). */
  sendRetained(session: SessionState, filter: string, granted: QoS): void {
    const messages: StoredMessage[] = [];
    this.retained.match(filter, (m) => messages.push(m));
    for (const m of messages) this.deliver(session, new PublishEncoder(m), minQos(m.qos, granted));
  }

  subscribe(session: SessionState, filter: string, grant: SubscriptionGrant): void {
    session.subscriptions.set(filter, grant);
    this.subscriptions.add(filter, session.clientId, grant);
    this.sessions.record(session, { kind: 'subscribe', filter, grant });
  }

  unsubscribe(session: SessionState, filter: string): void {
    if (!session.subscriptions.delete(filter)) return;
    this.subscriptions.remove(filter, session.clientId);
    this.sessions.record(session, { kind: 'unsubscribe', filter });
  }

  /** One message to one session: sent now, or queued behind earlier ones / a full window / an absent client. */
  private deliver(session: SessionState, encoder: PublishEncoder, qos: QoS): void {
    const conn = this.online.get(session.clientId);
    if (!conn || conn.state !== 'active') {
      // Offline persistent session: QoS 1 and 2 are queued (MQTT-3.1.2-5); QoS 0 only when configured.
      if (qos > 0 || this.options.queueQos0) this.enqueue(session, encoder.message, qos);
      return;
    }
    if (session.queue.length > 0 || (qos > 0 && session.inflight.size >= this.options.maxInflight)) {
      this.enqueue(session, encoder.message, qos); // behind earlier messages: order is kept
      return;
    }
    this.send(conn, session, encoder, qos);
  }

  private enqueue(session: SessionState, message: StoredMessage, qos: QoS): void {
    if (session.queue.length >= this.options.maxQueued || session.queue.bytes + queuedSize({ message, qos }) > this.options.maxQueuedBytes) {
      this.counters.publishDropped++;
      this.log.debug('queue full: message dropped', { clientId: session.clientId, topic: message.topic, qos });
      return;
    }
    const entry = { message, qos };
    session.queue.push(entry);
    this.sessions.record(session, { kind: 'enqueue', entry });
  }

  private send(conn: Connection, session: SessionState, encoder: PublishEncoder, qos: QoS): void {
    const version = conn.version ?? 4;
    if (qos === 0) {
      if (conn.bufferedBytes > this.options.maxBufferedBytes) {
        this.counters.publishDropped++;
        return;
      }
      conn.write(encoder.bytes(version, 0, undefined, false));
      this.counters.publishSent++;
      return;
    }
    const packetId = allocatePacketId(session) as number; // the window (<= 65535) guarantees a free id
    const entry = { packetId, message: encoder.message, qos, state: 'publish' as const };
    session.inflight.set(packetId, entry);
    this.sessions.record(session, { kind: 'inflight-add', entry });
    conn.write(encoder.bytes(version, qos, packetId, false));
    this.counters.publishSent++;
  }

  /** Fills the in-flight window from the queue, in order. */
  private pump(conn: Connection, session: SessionState): void {
    for (let head = session.queue.peek(); head; head = session.queue.peek()) {
      if (head.qos > 0 && session.inflight.size >= this.options.maxInflight) return;
      session.queue.shift();
      this.sessions.record(session, { kind: 'dequeue' });
      this.send(conn, session, new PublishEncoder(head.message), head.qos);
    }
  }

  /** After CONNACK on a resumed session: unacknowledged PUBLISH with DUP 1 and PUBREL, in order (MQTT-4.4.0-1), then the queue. */
  resumeSession(conn: Connection, session: SessionState): void {
    const version = conn.version ?? 4;
    for (const entry of session.inflight.values()) {
      if (entry.state === 'publish') {
        conn.write(new PublishEncoder(entry.message).bytes(version, entry.qos, entry.packetId, true)); // MQTT-3.3.1-1
        this.counters.publishSent++;
      } else {
        conn.send({ type: 'pubrel', packetId: entry.packetId });
      }
    }
    this.pump(conn, session);
  }

  /** PUBACK or PUBCOMP: the delivery is complete; its packet id and window slot are free. */
  completeDelivery(conn: Connection, session: SessionState, packetId: number): void {
    session.inflight.delete(packetId);
    this.sessions.record(session, { kind: 'inflight-remove', packetId });
    this.pump(conn, session);
  }

  noteCongested(conn: Connection): void {
    this.congested.add(conn);
  }

  beginInput(): void {
    this.congested.clear();
  }

  /** After a publisher's input: it waits (socket paused) until every socket it congested drains. */
  applyBackPressure(publisher: Connection): void {
    if (this.congested.size === 0) return;
    for (const c of this.congested) publisher.pauseFor(c);
    this.congested.clear();
  }

  stats(): StatsSnapshot {
    let offline = 0;
    for (const s of this.sessions.values()) if (!this.online.has(s.clientId)) offline++;
    return {
      ...this.counters,
      clientsConnected: this.online.size,
      clientsDisconnected: offline,
      clientsTotal: this.online.size + offline,
      retainedCount: this.retained.size,
      subscriptionsCount: this.subscriptions.size,
      uptimeSeconds: Math.floor((Date.now() - this.startedAt) / 1000),
    };
  }

  /** Ends every connection (no wills: the broker is going away) and releases the stores. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const conn of [...this.connections]) {
      conn.close('broker-shutdown');
      conn.clearTimer();
    }
    this.connections.clear();
    await this.sessions.close();
    await this.retained.close();
  }
}
