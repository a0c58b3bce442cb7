import { randomBytes } from 'node:crypto';
import type { Properties, ProtocolVersion, QoS, Will } from '../harness/codec/index.js';
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
  ownInflight,
  ownQueue,
  ownSubscriptions,
  type DeliveryExtras,
  type SessionState,
  type SessionStore,
  type StoredMessage,
  type SubscriptionGrant,
} from './session/index.js';
import { newCounters, type Counters, type StatsSnapshot } from './stats.js';
import { TimerWheel } from './timer-wheel.js';
import type { ClusterHooks } from './cluster/hooks.js';
import { SubscriptionTree } from './topic/index.js';
import {
  encodePublishV5,
  expiresAt,
  forwardedProperties,
  isExpired,
  parseSharedFilter,
  NEVER_EXPIRES,
  SCRAM_SHA_256,
  scramCredential,
  type OutboundAlias,
  type ScramCredential,
} from './v5/index.js';

/** MQTT 5.0 extras of a publication (properties travel to subscribers; the publisher is for No Local). */
export interface PublishExtras {
  readonly properties?: Properties;
  readonly expiresAt?: number;
  readonly publisher?: string;
  /** Cluster mode: the message's id in the shared log (reference/cluster). */
  readonly origin?: string;
  /** Cluster mode: the member each share group (by full filter) delivers this message to, decided cluster-wide; a group absent here delivers nothing. */
  readonly shareChoice?: ReadonlyMap<string, string>;
}

/** A shared subscription `$share/{name}/{filter}`: each message goes to one member (MQTT 5.0 §4.8.2). */
interface ShareGroup {
  readonly key: string;
  readonly filter: string;
  readonly members: Map<string, SubscriptionGrant>;
  next: number;
}

/** Per matching session with 5.0 options: the Subscription Identifiers, Retain As Published. */
interface Target {
  ids: number[] | undefined;
  rap: boolean;
}

const minQos = (a: QoS, b: QoS): QoS => (a < b ? a : b);

/**
 * The broker's state and its operations: sessions, subscriptions, retained messages, routing,
 * delivery (in-flight window, bounded queue), wills. Transport-agnostic: `accept()` takes any stream.
 */
export class Broker {
  readonly log: Logger;
  readonly counters: Counters = newCounters();
  /** The CONNECT timeouts and keep-alive deadlines of every connection, on one timer. */
  readonly deadlines = new TimerWheel();
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
  /** Shared subscriptions by their full filter (`$share/name/filter`), indexed by filter in `shareTree`. */
  private readonly shares = new Map<string, ShareGroup>();
  private readonly shareTree = new SubscriptionTree<ShareGroup>();
  /** Offline sessions with a finite Session Expiry Interval: their deletion timers. */
  private readonly expiryTimers = new Map<string, NodeJS.Timeout>();
  /** Wills waiting for their Will Delay Interval (MQTT 5.0 §3.1.2.11.2? / 3.1.3.2.2). */
  private readonly delayedWills = new Map<string, { timer: NodeJS.Timeout; will: Will }>();
  /** MQTT 5.0 enhanced authentication: SCRAM-SHA-256 credentials (derived keys only). */
  readonly scram = new Map<string, ScramCredential>();
  /** Invents stable salts for unknown SCRAM users (reference/v5/scram.ts). */
  readonly scramSecret = randomBytes(32);
  /**
   * Cluster mode (reference/cluster): publishes go through the shared log, sessions live in the
   * shared store once their connection ends. Undefined on a single node: no cluster code runs.
   */
  cluster: ClusterHooks | undefined;

  constructor(readonly options: ResolvedOptions & { sessionStore?: SessionStore; retainedStore?: RetainedStore; security?: Security }) {
    this.log = options.log;
    this.sessions = options.sessionStore ?? new MemorySessionStore();
    this.retained = options.retainedStore ?? new MemoryRetainedStore();
    this.security = options.security ?? Security.fromOptions();
    // A durable store comes back with sessions: index their subscriptions.
    for (const session of this.sessions.values()) {
      for (const [filter, grant] of session.subscriptions) this.index(session.clientId, filter, grant);
    }
    // 5.0 sessions with a Session Expiry Interval: expire now, or when their time comes (also across a restart).
    const now = Date.now();
    for (const session of [...this.sessions.values()]) {
      if (session.expiryInterval === undefined || session.expiryInterval === NEVER_EXPIRES) continue;
      session.expiresAt ??= now + session.expiryInterval * 1000;
      if (session.expiresAt <= now) this.discardSession(session);
      else this.scheduleExpiry(session);
    }
    for (const [user, password] of Object.entries(options.scramUsers)) this.scram.set(user, scramCredential(password));
  }

  /** The enhanced authentication methods this broker offers (MQTT 5.0 §4.12). */
  supportsAuthMethod(method: string): boolean {
    return method === SCRAM_SHA_256 && this.scram.size > 0;
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

  /** The window of unacknowledged QoS 1/2 deliveries: ours, or the client's smaller Receive Maximum (MQTT-3.3.4-9). */
  private windowFor(conn: Connection): number {
    const max = this.options.maxInflight;
    return conn.v5 && conn.v5.receiveMaximum < max ? conn.v5.receiveMaximum : max;
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
    const will = conn.will;
    conn.will = undefined;
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
    this.publish(will.topic, will.payload, will.qos, will.retain, props ? { properties: forwardedProperties(props), expiresAt: expiresAt(props), publisher: clientId } : undefined);
  }

  /**
   * Ends a session. Its QoS 1 messages chosen through a shared subscription and not yet
   * acknowledged go to another member of that share (MQTT 5.0 §4.8.2); QoS 2 ones do not
   * (MQTT-4.8.2-5).
   */
  discardSession(session: SessionState): void {
    for (const filter of session.subscriptions.keys()) this.unindex(session.clientId, filter);
    const orphans: { message: StoredMessage; share: string }[] = [];
    for (const e of session.inflight.values()) if (e.qos === 1 && e.extras?.share !== undefined) orphans.push({ message: e.message, share: e.extras.share });
    for (const e of session.queue) if (e.qos === 1 && e.extras?.share !== undefined) orphans.push({ message: e.message, share: e.extras.share });
    this.cancelExpiry(session.clientId);
    this.sessions.delete(session.clientId);
    for (const o of orphans) {
      const group = this.shares.get(o.share);
      if (group && !isExpired(o.message)) this.deliverShared(group, new PublishEncoder(o.message), 1);
    }
  }

  /** Cluster mode: a session loaded from the shared store joins the routing index. */
  adoptSession(session: SessionState): void {
    for (const [filter, grant] of session.subscriptions) this.index(session.clientId, filter, grant);
  }

  /** Cluster mode: a session that now lives in the shared store leaves this node's routing index and store. */
  releaseSession(session: SessionState): void {
    for (const filter of session.subscriptions.keys()) this.unindex(session.clientId, filter);
    this.cancelExpiry(session.clientId);
  }

  /** The connection serving `clientId` on this node, if any. */
  connectionOf(clientId: string): Connection | undefined {
    return this.online.get(clientId);
  }

  /** Every open connection (cluster mode: closed when the shared store is lost). */
  openConnections(): Connection[] {
    return [...this.connections];
  }

  /**
   * Cluster mode: for each share group here whose filter matches `topic`, the member this node
   * proposes (the next connected one in turn, else any), to be decided cluster-wide.
   */
  shareCandidates(topic: string): { key: string; candidate: string }[] {
    const out: { key: string; candidate: string }[] = [];
    if (this.shares.size === 0) return out;
    this.shareTree.match(topic, (_key, group) => {
      const members = [...group.members.keys()];
      if (members.length === 0) return;
      for (let i = 0; i < members.length; i++) {
        const candidate = members[(group.next + i) % members.length] as string;
        if (this.online.get(candidate)?.state === 'active') {
          group.next = (group.next + i + 1) % members.length;
          out.push({ key: group.key, candidate });
          return;
        }
      }
      out.push({ key: group.key, candidate: members[group.next++ % members.length] as string });
    });
    return out;
  }

  /** Adds a subscription to the routing index: the subscription tree, or its share group. */
  private index(clientId: string, filter: string, grant: SubscriptionGrant): void {
    const shared = parseSharedFilter(filter);
    if (shared === undefined || shared === 'invalid') {
      this.subscriptions.add(filter, clientId, grant);
      return;
    }
    let group = this.shares.get(filter);
    if (!group) {
      group = { key: filter, filter: shared.filter, members: new Map(), next: 0 };
      this.shares.set(filter, group);
      this.shareTree.add(shared.filter, filter, group);
    }
    group.members.set(clientId, grant);
  }

  private unindex(clientId: string, filter: string): void {
    const group = this.shares.get(filter);
    if (!group) {
      this.subscriptions.remove(filter, clientId);
      return;
    }
    group.members.delete(clientId);
    if (group.members.size === 0) {
      this.shares.delete(filter);
      this.shareTree.remove(group.filter, filter);
    }
  }

  /** One member of a share for this message: the next connected one in turn, else any (queued for it). */
  private deliverShared(group: ShareGroup, encoder: PublishEncoder, qos: QoS, publishedRetain = false, decided?: ReadonlyMap<string, string>): void {
    const members = [...group.members];
    if (members.length === 0) return;
    let chosen: [string, SubscriptionGrant] | undefined;
    if (decided !== undefined) {
      // Cluster mode: the member was chosen cluster-wide; deliver only when it is one of ours.
      const member = decided.get(group.key);
      const grant = member === undefined ? undefined : group.members.get(member);
      if (member === undefined || grant === undefined) return;
      chosen = [member, grant];
    }
    for (let i = 0; chosen === undefined && i < members.length; i++) {
      const candidate = members[(group.next + i) % members.length] as [string, SubscriptionGrant];
      const conn = this.online.get(candidate[0]);
      if (conn && conn.state === 'active') {
        chosen = candidate;
        group.next = (group.next + i + 1) % members.length;
        break;
      }
    }
    chosen ??= members[group.next++ % members.length] as [string, SubscriptionGrant];
    const [clientId, grant] = chosen;
    const session = this.sessions.get(clientId);
    if (!session) return;
    const extras: DeliveryExtras = { share: group.key, subscriptionIds: grant.subscriptionId !== undefined ? [grant.subscriptionId] : undefined };
    const enc = publishedRetain && grant.retainAsPublished === true ? new PublishEncoder({ ...encoder.message, retain: true }) : encoder;
    this.deliver(session, enc, minQos(qos, grant.qos), extras);
  }

  /**
   * Routes an application message to every matching session, once per session at the highest
   * granted QoS among its matching subscriptions (MQTT-3.3.5-1), at min(publish QoS, granted QoS)
   * (MQTT-3.8.4-6), with RETAIN 0 (MQTT-3.3.1-9). A retained message is stored first, or deleted
   * when its payload is empty (MQTT-3.3.1-5, -10, -11).
   */
  publish(topic: string, payload: Buffer, qos: QoS, retain: boolean, extras?: PublishExtras): void {
    // Cluster mode: every node delivers from the shared log; `$SYS` stays per node.
    if (this.cluster !== undefined && !topic.startsWith('$SYS')) {
      this.cluster.publish(topic, payload, qos, retain, extras);
      return;
    }
    this.routeLocal(topic, payload, qos, retain, extras);
  }

  /** Delivers a message to this node's sessions (single node: every publish; cluster mode: each message read from the shared log). */
  routeLocal(topic: string, payload: Buffer, qos: QoS, retain: boolean, extras?: PublishExtras): void {
    // Decoded payloads may be views into a socket chunk: keep a copy once the message is stored anywhere.
    let owned: Buffer | undefined;
    const properties = extras?.properties;
    const expires = extras?.expiresAt;
    if (retain) {
      if (payload.length === 0) this.retained.delete(topic);
      else this.retained.set({ topic, payload: (owned = Buffer.from(payload)), qos, retain: true, properties, expiresAt: expires });
    }
    const publisher = extras?.publisher;
    // Highest granted QoS per session; the 5.0 extras (identifiers, Retain As Published) only when a grant has them.
    const targets = new Map<string, QoS>();
    let v5: Map<string, Target> | undefined;
    this.subscriptions.match(topic, (clientId, grant) => {
      if (grant.noLocal === true && clientId === publisher) return; // MQTT-3.8.3-3
      const previous = targets.get(clientId);
      if (previous === undefined || grant.qos > previous) targets.set(clientId, grant.qos);
      if (grant.subscriptionId === undefined && grant.retainAsPublished !== true) return;
      v5 ??= new Map();
      let t = v5.get(clientId);
      if (!t) v5.set(clientId, (t = { ids: undefined, rap: false }));
      if (grant.subscriptionId !== undefined) (t.ids ??= []).push(grant.subscriptionId);
      if (grant.retainAsPublished === true) t.rap = true;
    });
    const groups: ShareGroup[] = [];
    if (this.shares.size > 0) this.shareTree.match(topic, (_key, group) => groups.push(group));
    if (targets.size === 0 && groups.length === 0) return;
    owned ??= Buffer.from(payload);
    const origin = extras?.origin;
    const encoder = new PublishEncoder(origin === undefined ? { topic, payload: owned, qos, retain: false, properties, expiresAt: expires } : { topic, payload: owned, qos, retain: false, properties, expiresAt: expires, origin });
    // Retain As Published (MQTT-3.3.1-12, -13): those subscribers see the RETAIN flag as published.
    let asPublished: PublishEncoder | undefined;
    for (const [clientId, granted] of targets) {
      const session = this.sessions.get(clientId);
      if (!session) continue;
      const t = v5?.get(clientId);
      const enc = retain && t?.rap === true ? (asPublished ??= new PublishEncoder({ ...encoder.message, retain: true })) : encoder;
      this.deliver(session, enc, minQos(qos, granted), t?.ids ? { subscriptionIds: t.ids } : undefined);
    }
    for (const group of groups) this.deliverShared(group, encoder, qos, retain, extras?.shareChoice);
  }

  /** The retained messages matching a new subscription, with RETAIN 1 (MQTT-3.3.1-6, -8; 5.0 MQTT-3.3.1-10). */
  sendRetained(session: SessionState, filter: string, granted: QoS, subscriptionId?: number): void {
    const messages: StoredMessage[] = [];
    const now = Date.now();
    this.retained.match(filter, (m) => {
      if (!isExpired(m, now)) messages.push(m);
    });
    const extras = subscriptionId !== undefined ? { subscriptionIds: [subscriptionId] } : undefined;
    for (const m of messages) this.deliver(session, new PublishEncoder(m), minQos(m.qos, granted), extras);
  }

  subscribe(session: SessionState, filter: string, grant: SubscriptionGrant): void {
    if (session.subscriptions.has(filter)) this.unindex(session.clientId, filter);
    ownSubscriptions(session).set(filter, grant);
    this.index(session.clientId, filter, grant);
    this.sessions.record(session, { kind: 'subscribe', filter, grant });
  }

  unsubscribe(session: SessionState, filter: string): boolean {
    if (!session.subscriptions.has(filter)) return false;
    ownSubscriptions(session).delete(filter);
    this.unindex(session.clientId, filter);
    this.sessions.record(session, { kind: 'unsubscribe', filter });
    return true;
  }

  /** One message to one session: sent now, or queued behind earlier ones / a full window / an absent client. */
  private deliver(session: SessionState, encoder: PublishEncoder, qos: QoS, extras?: DeliveryExtras): void {
    const conn = this.online.get(session.clientId);
    if (!conn || conn.state !== 'active') {
      // Offline persistent session: QoS 1 and 2 are queued (MQTT-3.1.2-5); QoS 0 only when configured.
      if (qos > 0 || this.options.queueQos0) this.enqueue(session, encoder.message, qos, extras);
      return;
    }
    if (session.queue.length > 0 || (qos > 0 && session.inflight.size >= this.windowFor(conn))) {
      this.enqueue(session, encoder.message, qos, extras); // behind earlier messages: order is kept
      return;
    }
    this.send(conn, session, encoder, qos, extras);
  }

  private enqueue(session: SessionState, message: StoredMessage, qos: QoS, extras?: DeliveryExtras): void {
    if (session.queue.length >= this.options.maxQueued || session.queue.bytes + queuedSize({ message, qos }) > this.options.maxQueuedBytes) {
      this.counters.publishDropped++;
      this.log.debug('queue full: message dropped', { clientId: session.clientId, topic: message.topic, qos });
      return;
    }
    const entry = extras ? { message, qos, extras } : { message, qos };
    ownQueue(session).push(entry);
    this.sessions.record(session, { kind: 'enqueue', entry });
  }

  private send(conn: Connection, session: SessionState, encoder: PublishEncoder, qos: QoS, extras?: DeliveryExtras): void {
    const version = conn.version ?? 4;
    const message = encoder.message;
    let now = 0;
    if (message.expiresAt !== undefined) {
      now = Date.now();
      if (message.expiresAt <= now) {
        // MQTT-3.3.2-5: an expired message is not delivered.
        this.counters.publishDropped++;
        this.log.debug('message expired: not delivered', { clientId: session.clientId, topic: message.topic });
        return;
      }
    }
    if (qos === 0) {
      if (conn.bufferedBytes > this.options.maxBufferedBytes) {
        this.counters.publishDropped++;
        return;
      }
      const alias = version === 5 ? this.aliasFor(conn, message.topic) : undefined;
      const bytes = version === 5 ? encodePublishV5(message, 0, undefined, false, extras, now || Date.now(), alias) : encoder.bytes(version, 0, undefined, false);
      if (!this.fits(conn, bytes)) return;
      if (alias && !alias.known) conn.v5?.outboundAliases?.set(message.topic, alias.alias);
      conn.write(bytes);
      this.counters.publishSent++;
      return;
    }
    const packetId = allocatePacketId(session) as number; // the window (<= 65535) guarantees a free id
    const alias = version === 5 ? this.aliasFor(conn, message.topic) : undefined;
    const bytes = version === 5 ? encodePublishV5(message, qos, packetId, false, extras, now || Date.now(), alias) : encoder.bytes(version, qos, packetId, false);
    if (!this.fits(conn, bytes)) return; // dropped as if delivered: no packet id stays in use
    if (alias && !alias.known) conn.v5?.outboundAliases?.set(message.topic, alias.alias);
    const entry = extras ? { packetId, message, qos, state: 'publish' as const, extras } : { packetId, message, qos, state: 'publish' as const };
    ownInflight(session).set(packetId, entry);
    this.sessions.record(session, { kind: 'inflight-add', entry });
    conn.write(bytes);
    this.counters.publishSent++;
  }

  /**
   * The Topic Alias for a PUBLISH to a 5.0 client: the one this connection already set for the topic,
   * or the next free one while fewer than the client's Topic Alias Maximum are in use (MQTT-3.3.2-11);
   * none once they are all taken (the topic name is sent in full). Set only once the PUBLISH is sent.
   */
  private aliasFor(conn: Connection, topic: string): OutboundAlias | undefined {
    const state = conn.v5;
    if (!state || state.topicAliasMaximum === 0 || !this.options.outboundTopicAliases) return undefined;
    const map = (state.outboundAliases ??= new Map<string, number>());
    const known = map.get(topic);
    if (known !== undefined) return { alias: known, known: true };
    return map.size < state.topicAliasMaximum ? { alias: map.size + 1, known: false } : undefined;
  }

  /** MQTT-3.1.2-24: a PUBLISH larger than the 5.0 client's Maximum Packet Size is dropped for that client (counted). */
  private fits(conn: Connection, bytes: Buffer): boolean {
    const limit = conn.v5?.maximumPacketSize;
    if (limit === undefined || bytes.length <= limit) return true;
    this.counters.publishDropped++;
    this.log.debug('message larger than the client Maximum Packet Size: dropped for it', { clientId: conn.label, size: bytes.length, limit });
    return false;
  }

  /** Fills the in-flight window from the queue, in order. */
  private pump(conn: Connection, session: SessionState): void {
    const window = this.windowFor(conn);
    for (let head = session.queue.peek(); head; head = session.queue.peek()) {
      if (head.qos > 0 && session.inflight.size >= window) return;
      ownQueue(session).shift();
      this.sessions.record(session, { kind: 'dequeue' });
      this.send(conn, session, new PublishEncoder(head.message), head.qos, head.extras);
    }
  }

  /** After CONNACK on a resumed session: unacknowledged PUBLISH with DUP 1 and PUBREL, in order (MQTT-4.4.0-1), then the queue. */
  resumeSession(conn: Connection, session: SessionState): void {
    const version = conn.version ?? 4;
    for (const entry of session.inflight.values()) {
      if (entry.state === 'publish') {
        // MQTT-3.3.1-1; a message already sent is completed even once expired (MQTT 5.0 §3.3.2.3.3 applies to undelivered ones).
        const bytes = version === 5 ? encodePublishV5(entry.message, entry.qos, entry.packetId, true, entry.extras) : new PublishEncoder(entry.message).bytes(version, entry.qos, entry.packetId, true);
        conn.write(bytes);
        this.counters.publishSent++;
      } else {
        conn.send({ type: 'pubrel', packetId: entry.packetId });
      }
    }
    this.pump(conn, session);
  }

  /** PUBACK or PUBCOMP: the delivery is complete; its packet id and window slot are free. */
  completeDelivery(conn: Connection, session: SessionState, packetId: number): void {
    if (session.inflight.has(packetId)) ownInflight(session).delete(packetId);
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
      subscriptionsCount: this.subscriptions.size + [...this.shares.values()].reduce((n, g) => n + g.members.size, 0),
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
    this.deadlines.clear();
    for (const t of this.expiryTimers.values()) clearTimeout(t);
    this.expiryTimers.clear();
    for (const w of this.delayedWills.values()) clearTimeout(w.timer);
    this.delayedWills.clear();
    await this.sessions.close();
    await this.retained.close();
  }
}
