import type { ProtocolVersion, Will } from '../harness/codec/index.js';
import type { ClusterHooks } from './cluster/hooks.js';
import type { CloseReason, Connection } from './connection.js';
import type { Logger } from './logger.js';
import type { Routing } from './routing.js';
import type { SessionState, SessionStore, StoredMessage } from './session/index.js';
import type { Counters } from './stats.js';
import { expiresAt, forwardedProperties, NEVER_EXPIRES } from './v5/index.js';

/*
 * The session lifecycle: which connection serves which client id, opening and resuming sessions,
 * take-over, the end of a connection (its session ending or its expiry clock starting), MQTT 5.0
 * Session Expiry, and wills (published at once, after their Will Delay Interval, or when the
 * session ends).
 */

/** What the session lifecycle needs of the broker: counters, log, the session store. */
export interface LifecycleDeps {
  readonly counters: Counters;
  readonly log: Logger;
  readonly sessions: SessionStore;
}

export class SessionLifecycle {
  /** Offline sessions with a finite Session Expiry Interval: their deletion timers. */
  private readonly expiryTimers = new Map<string, NodeJS.Timeout>();
  /** Wills waiting for their Will Delay Interval (MQTT 5.0 §3.1.3.2.2). */
  private readonly delayedWills = new Map<string, { timer: NodeJS.Timeout; will: Will }>();
  private readonly counters: Counters;
  private readonly log: Logger;
  private readonly sessions: SessionStore;
  /**
   * Cluster mode (reference/cluster): sessions live in the shared store once their connection
   * ends. Undefined on a single node: no cluster code runs.
   */
  cluster: ClusterHooks | undefined;

  /** `online`: the connected clients by client id, kept here (delivery and routing only read it). */
  constructor(
    deps: LifecycleDeps,
    private readonly routing: Routing,
    private readonly online: Map<string, Connection>,
  ) {
    this.counters = deps.counters;
    this.log = deps.log;
    this.sessions = deps.sessions;
  }

  /**
   * A durable store comes back with sessions: index their subscriptions; 5.0 sessions with a
   * Session Expiry Interval expire now, or when their time comes (also across a restart).
   */
  restore(): void {
    for (const session of this.sessions.values()) this.routing.adopt(session);
    const now = Date.now();
    for (const session of [...this.sessions.values()]) {
      if (session.expiryInterval === undefined || session.expiryInterval === NEVER_EXPIRES) continue;
      session.expiresAt ??= now + session.expiryInterval * 1000;
      if (session.expiresAt <= now) this.discardSession(session);
      else this.scheduleExpiry(session);
    }
  }

  hasClient(clientId: string): boolean {
    return this.online.has(clientId) || this.sessions.get(clientId) !== undefined;
  }

  /** The connection serving `clientId` on this node, if any. */
  connectionOf(clientId: string): Connection | undefined {
    return this.online.get(clientId);
  }

  /** MQTT-3.1.4-2: closes the connection currently using `clientId`, publishing its will (5.0: DISCONNECT 0x8E first, MQTT-3.1.4-3). */
  takeOver(clientId: string): void {
    const old = this.online.get(clientId);
    if (!old) return;
    this.counters.takeovers++;
    this.log.info('client id taken over by a new connection: closing the old one', { clientId });
    old.disconnect(0x8e, 'takeover');
  }

  /**
   * CleanSession 1: a fresh session; 0: the stored persistent one, or a new one (MQTT-3.1.2-4, -6).
   * 5.0: `expiry` is the Session Expiry Interval (0: the session ends with the connection). A will
   * waiting for its delay is dropped when the session is resumed (MQTT-3.1.3-9) and published when
   * the session is replaced (the old session ends, MQTT-3.1.2-8).
   */
  openSession(clientId: string, clean: boolean, version: ProtocolVersion, expiry?: number): { session: SessionState; present: boolean } {
    const existing = this.sessions.get(clientId);
    this.cancelExpiry(clientId);
    const pending = this.delayedWills.get(clientId);
    if (pending) {
      clearTimeout(pending.timer);
      this.delayedWills.delete(clientId);
    }
    const ephemeral = expiry !== undefined ? expiry === 0 : clean;
    if (!clean && existing && !existing.clean) {
      existing.protocolVersion = version;
      existing.expiryInterval = expiry;
      existing.expiresAt = undefined;
      existing.clean = ephemeral;
      this.sessions.touch(existing);
      return { session: existing, present: true };
    }
    if (pending) this.publishWill(clientId, pending.will);
    if (existing) this.discardSession(existing);
    const session = this.sessions.create(clientId, ephemeral, version);
    if (expiry !== undefined) {
      session.expiryInterval = expiry;
      this.sessions.touch(session);
    }
    return { session, present: false };
  }

  private scheduleExpiry(session: SessionState): void {
    const clientId = session.clientId;
    this.cancelExpiry(clientId);
    const delay = Math.max(0, (session.expiresAt ?? Date.now()) - Date.now());
    const timer = setTimeout(() => {
      this.expiryTimers.delete(clientId);
      if (this.online.has(clientId) || this.sessions.get(clientId) !== session) return;
      this.log.info('session expired', { clientId });
      const pending = this.delayedWills.get(clientId);
      if (pending) {
        // MQTT-3.1.2-8: the will is published when the session ends, even before the delay.
        clearTimeout(pending.timer);
        this.delayedWills.delete(clientId);
        this.publishWill(clientId, pending.will);
      }
      this.discardSession(session);
    }, Math.min(delay, 2 ** 31 - 1));
    timer.unref();
    this.expiryTimers.set(clientId, timer);
  }

  private cancelExpiry(clientId: string): void {
    const timer = this.expiryTimers.get(clientId);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.expiryTimers.delete(clientId);
  }

  connectionStarted(conn: Connection): void {
    if (conn.clientId === undefined) return;
    this.online.set(conn.clientId, conn);
    this.counters.connectionsAccepted++;
    if (this.online.size > this.counters.clientsMaximum) this.counters.clientsMaximum = this.online.size;
  }

  /**
   * The end of an accepted connection: detach, end a clean session (5.0: Session Expiry Interval 0)
   * or start its expiry clock, publish the will unless DISCONNECT (5.0: after its Will Delay
   * Interval, or when the session ends if that comes first, MQTT-3.1.2-8, 3.1.3.2.2).
   */
  connectionEnded(conn: Connection, reason: CloseReason): void {
    const clientId = conn.clientId;
    if (clientId === undefined) return;
    if (this.online.get(clientId) === conn) this.online.delete(clientId);
    if (this.cluster !== undefined) {
      this.cluster.connectionEnded(conn, reason);
      return;
    }
    const session = conn.session;
    let ending: SessionState | undefined;
    if (session && this.sessions.get(clientId) === session) {
      const expiry = conn.v5 ? conn.v5.sessionExpiry : session.clean ? 0 : NEVER_EXPIRES;
      if (expiry === 0) ending = session;
      else if (expiry !== NEVER_EXPIRES && reason !== 'broker-shutdown') {
        session.expiresAt = Date.now() + expiry * 1000;
        this.sessions.touch(session);
        this.scheduleExpiry(session);
      }
    }
    const will = conn.takeWill();
    this.log.info('client disconnected', { clientId, reason });
    if (will && reason !== 'disconnect' && reason !== 'broker-shutdown') {
      const delay = conn.v5 ? (will.properties?.willDelayInterval ?? 0) : 0;
      if (delay > 0 && !ending) {
        const timer = setTimeout(() => {
          this.delayedWills.delete(clientId);
          this.publishWill(clientId, will);
        }, Math.min(delay * 1000, 2 ** 31 - 1));
        timer.unref();
        this.delayedWills.set(clientId, { timer, will });
      } else {
        this.publishWill(clientId, will);
      }
    }
    if (ending) this.discardSession(ending);
  }

  /** MQTT-3.1.2-8: the will, with its own QoS and retain flag (MQTT-3.1.2-16, -17) and 5.0 properties. */
  publishWill(clientId: string, will: Will): void {
    this.counters.willsPublished++;
    this.log.debug('publishing will', { clientId, topic: will.topic, qos: will.qos, retain: will.retain });
    if (will.topic === '$SYS' || will.topic.startsWith('$SYS/')) {
      this.counters.publishDenied++;
      return;
    }
    const props = will.properties;
    this.routing.publish(will.topic, will.payload, will.qos, will.retain, props ? { properties: forwardedProperties(props), expiresAt: expiresAt(props), publisher: clientId } : undefined);
  }

  /**
   * Ends a session. Its QoS 1 messages chosen through a shared subscription and not yet
   * acknowledged go to another member of that share (MQTT 5.0 §4.8.2); QoS 2 ones do not
   * (MQTT-4.8.2-5).
   */
  discardSession(session: SessionState): void {
    this.routing.drop(session);
    const orphans: { message: StoredMessage; share: string }[] = [];
    for (const e of session.inflight.values()) if (e.qos === 1 && e.extras?.share !== undefined) orphans.push({ message: e.message, share: e.extras.share });
    for (const e of session.queue) if (e.qos === 1 && e.extras?.share !== undefined) orphans.push({ message: e.message, share: e.extras.share });
    this.cancelExpiry(session.clientId);
    this.sessions.delete(session.clientId);
    for (const o of orphans) this.routing.redeliverShared(o.share, o.message);
  }

  /** Cluster mode: a session loaded from the shared store joins the routing index. */
  adoptSession(session: SessionState): void {
    this.routing.adopt(session);
  }

  /** Cluster mode: a session that now lives in the shared store leaves this node's routing index and store. */
  releaseSession(session: SessionState): void {
    this.routing.drop(session);
    this.cancelExpiry(session.clientId);
  }

  /** Clients connected now. */
  get onlineCount(): number {
    return this.online.size;
  }

  /** Persistent sessions whose client is not connected. */
  offlineCount(): number {
    let offline = 0;
    for (const s of this.sessions.values()) if (!this.online.has(s.clientId)) offline++;
    return offline;
  }

  /** The broker shuts down: no session expires and no will is published any more. */
  close(): void {
    for (const t of this.expiryTimers.values()) clearTimeout(t);
    this.expiryTimers.clear();
    for (const w of this.delayedWills.values()) clearTimeout(w.timer);
    this.delayedWills.clear();
  }
}
