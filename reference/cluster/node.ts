import { randomBytes } from 'node:crypto';
import type { ChainableCommander } from 'ioredis';
import type { ConnectPacket, Packet, Properties, QoS, Will } from '../../harness/codec/index.js';
import type { Broker, PublishExtras } from '../broker.js';
import type { CloseReason, Connection } from '../connection.js';
import type { Logger } from '../logger.js';
import { MemoryRetainedStore } from '../retain/index.js';
import { ownInboundQos2, ownInflight, ownQueue, ownSubscriptions, type InflightMessage, type SessionChange, type SessionState } from '../session/index.js';
import { topicMatches } from '../topic/index.js';
import { expiresAt, forwardedProperties, NEVER_EXPIRES, parseSharedFilter } from '../v5/index.js';
import { ClusterError } from './errors.js';
import type { ClusterHooks } from './hooks.js';
import * as K from './keys.js';
import { connectRedis, type RedisClient } from './redis.js';
import { ClusterSessionStore, type SessionJournal } from './session-store.js';
import { compareIds, decodeInflight, decodeMessage, decodeSubscription, decodeWill, encodeInflight, encodeMessage, encodeSubscription, encodeWill } from './wire.js';

export interface ClusterOptions {
  /** redis://HOST:PORT */
  readonly url: string;
  /** This node's name, unique in the cluster. */
  readonly nodeId: string;
  /** Heartbeat period (default 500 ms); a node silent for `nodeTimeoutMs` (default 2000) is dead and its clients may be taken over. */
  readonly heartbeatMs?: number;
  readonly nodeTimeoutMs?: number;
  /** Messages kept in the shared log (default 1,000,000, trimmed approximately): how far back an offline session can catch up. */
  readonly maxLogLength?: number;
  readonly log: Logger;
}

const minQos = (a: QoS, b: QoS): QoS => (a < b ? a : b);

/**
 * One broker node of a cluster sharing one Redis (see README.md): routing through a shared log
 * (a Redis stream every node reads), the retained store (a hash, replicated in each node's
 * memory), persistent sessions (journalled to Redis, loaded by the node the client connects to),
 * client id ownership with take-over across nodes, shared subscriptions (one member claims each
 * message), delayed wills and session expiry (swept by any node). Changes an acknowledgement
 * depends on are committed to Redis before the acknowledgement leaves (the socket stays corked).
 */
export class ClusterNode implements ClusterHooks, SessionJournal {
  readonly store: ClusterSessionStore;
  readonly retained = new MemoryRetainedStore();
  private broker: Broker | undefined;
  /** Redis answers: connections are accepted. */
  private available = false;
  private closing = false;
  /** The id of the last log entry this node has routed. */
  private position = '0-0';
  private pending: ChainableCommander | undefined;
  private gated = new Set<Connection>();
  private lastFlush: Promise<void> = Promise.resolve();
  /** Log processing and session loading, one at a time: a loaded session misses no message and gets none twice. */
  private lane: Promise<void> = Promise.resolve();
  private waiters: { id: string; resolve: () => void }[] = [];
  private readonly releases = new Map<string, () => void>();
  private readonly barriered = new WeakSet<Packet>();
  private readonly admitted = new WeakMap<Connection, string>();
  /** Per session: the log position its replay starts after (for a monotonic cursor); per in-flight entry: its send order. */
  private readonly cursors = new WeakMap<SessionState, string>();
  private readonly orders = new WeakMap<InflightMessage, number>();
  private order = 0;
  private timers: NodeJS.Timeout[] = [];
  private readonly heartbeatMs: number;
  private readonly nodeTimeoutMs: number;
  private readonly maxLog: string;
  private readonly log: Logger;
  readonly nodeId: string;

  private constructor(
    private readonly redis: RedisClient,
    private readonly reader: RedisClient,
    private readonly control: RedisClient,
    private readonly options: ClusterOptions,
  ) {
    this.nodeId = options.nodeId;
    this.log = options.log;
    this.heartbeatMs = options.heartbeatMs ?? 500;
    this.nodeTimeoutMs = options.nodeTimeoutMs ?? 2000;
    this.maxLog = String(options.maxLogLength ?? 1_000_000);
    this.store = new ClusterSessionStore(this);
  }

  /** Connects to Redis (three connections: commands, the log reader, the control channel). */
  static async connect(options: ClusterOptions): Promise<ClusterNode> {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(options.nodeId)) throw new ClusterError('CLUSTER_NODE_ID', `--node-id ${JSON.stringify(options.nodeId)}: 1 to 64 of A-Z a-z 0-9 _ . -`);
    const common = { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: (times: number) => Math.min(times * 100, 1000), lazyConnect: true };
    const redis = await connectRedis(options.url, { ...common, connectionName: `mqc-${options.nodeId}` });
    const reader = redis.duplicate({ ...common, maxRetriesPerRequest: null });
    const control = redis.duplicate({ ...common, enableOfflineQueue: true });
    const node = new ClusterNode(redis, reader, control, options);
    try {
      await Promise.all([redis.connect(), reader.connect(), control.connect()]);
    } catch (error) {
      redis.disconnect();
      reader.disconnect();
      control.disconnect();
      throw new ClusterError('CLUSTER_UNREACHABLE', `cluster: cannot reach Redis at ${options.url}: ${(error as Error).message}`);
    }
    return node;
  }

  /** Joins the cluster with `broker` (built with `store` and `retained`): loads the retained messages, starts reading the log. */
  async attach(broker: Broker): Promise<void> {
    this.broker = broker;
    broker.attachCluster(this);
    await this.loadRetained();
    const last = await this.redis.xrevrange(K.LOG, '+', '-', 'COUNT', 1);
    this.position = last[0]?.[0] ?? '0-0';
    await this.beat();
    await this.redis.sadd(K.NODES, this.nodeId);
    this.control.on('message', (_channel: string, text: string) => this.onControl(text));
    await this.control.subscribe(K.controlChannel(this.nodeId));
    this.available = true;
    this.redis.on('close', () => this.lost());
    this.redis.on('ready', () => void this.regained());
    this.timers.push(setInterval(() => void this.beat().catch(() => undefined), this.heartbeatMs));
    this.timers.push(setInterval(() => void this.sweep().catch(() => undefined), 1000));
    for (const t of this.timers) t.unref();
    void this.consume();
    this.log.info('cluster: node joined', { nodeId: this.nodeId, redis: this.options.url, logPosition: this.position });
  }

  private get b(): Broker {
    if (!this.broker) throw new Error('internal error: cluster node used before attach()');
    return this.broker;
  }

  // ---- the transaction of this tick, and the gate that holds acknowledgements until it commits

  /** The MULTI collecting this tick's writes; committed on the next tick. */
  private tx(): ChainableCommander {
    if (this.pending === undefined) {
      this.pending = this.redis.multi();
      process.nextTick(() => void this.flushNow());
    }
    return this.pending;
  }

  /** Holds `conn`'s output (an extra cork) until this tick's writes are committed. */
  private gate(conn: Connection | undefined): void {
    if (conn === undefined || this.gated.has(conn)) return;
    conn.stream.cork();
    this.gated.add(conn);
  }

  /** Commits the pending writes; the held connections then send, or close if the commit failed. */
  flushNow(): Promise<void> {
    const tx = this.pending;
    if (tx === undefined) return this.lastFlush;
    this.pending = undefined;
    const gated = this.gated;
    this.gated = new Set();
    const done = tx.exec().then((results) => {
      const failed = results?.find(([error]) => error !== null);
      if (results === null || failed) throw failed?.[0] ?? new Error('transaction aborted');
    });
    this.lastFlush = done.then(
      () => {
        for (const conn of gated) conn.stream.uncork();
      },
      (error: unknown) => {
        this.log.error('cluster: a write to Redis failed: closing the connections waiting for it', { error: String(error), connections: gated.size });
        for (const conn of gated) conn.stream.destroy();
      },
    );
    return this.lastFlush;
  }

  // ---- SessionJournal: persistent sessions in Redis

  created(session: SessionState): void {
    this.flags(session);
    const start = `(${this.position}`;
    this.cursors.set(session, this.position);
    this.tx().hset(K.sessionKey(session.clientId), 'c', start);
  }

  flags(session: SessionState): void {
    const tx = this.tx();
    const key = K.sessionKey(session.clientId);
    tx.hset(key, 'v', String(session.protocolVersion));
    if (session.expiryInterval !== undefined) tx.hset(key, 'e', String(session.expiryInterval));
    else tx.hdel(key, 'e');
    tx.hdel(key, 'x');
  }

  deleted(clientId: string): void {
    this.tx().del(K.sessionKey(clientId), K.subscriptionsKey(clientId), K.inflightKey(clientId), K.inboundKey(clientId)).zrem(K.EXPIRY, clientId);
  }

  change(session: SessionState, change: SessionChange): void {
    const id = session.clientId;
    const conn = this.b.connectionOf(id);
    switch (change.kind) {
      case 'subscribe':
        this.tx().hset(K.subscriptionsKey(id), change.filter, encodeSubscription(change.grant, this.position));
        this.gate(conn);
        return;
      case 'unsubscribe':
        this.tx().hdel(K.subscriptionsKey(id), change.filter);
        this.gate(conn);
        return;
      case 'enqueue':
      case 'dequeue':
        return; // the queue is the log after the session's cursor
      case 'inflight-add': {
        const entry = change.entry;
        const order = this.nextOrder();
        this.orders.set(entry, order);
        const tx = this.tx().hset(K.inflightKey(id), String(entry.packetId), encodeInflight(entry, order));
        const origin = entry.message.origin;
        const cursor = this.cursors.get(session);
        if (origin !== undefined && (cursor === undefined || compareIds(origin, cursor) > 0)) {
          this.cursors.set(session, origin);
          tx.hset(K.sessionKey(id), 'c', `(${origin}`);
        }
        // QoS 2: the packet id is stored before the PUBLISH leaves, so another node re-sends it with the same id (no duplicate).
        if (entry.qos === 2) this.gate(conn);
        return;
      }
      case 'inflight-pubrel': {
        const entry = session.inflight.get(change.packetId);
        if (entry) this.tx().hset(K.inflightKey(id), String(entry.packetId), encodeInflight(entry, this.orders.get(entry) ?? this.nextOrder()));
        this.gate(conn);
        return;
      }
      case 'inflight-remove':
        this.tx().hdel(K.inflightKey(id), String(change.packetId));
        return;
      case 'inbound-qos2-add':
        this.tx().sadd(K.inboundKey(id), String(change.packetId));
        this.gate(conn);
        return;
      case 'inbound-qos2-remove':
        this.tx().srem(K.inboundKey(id), String(change.packetId));
        this.gate(conn);
        return;
    }
  }

  private nextOrder(): number {
    return Date.now() * 1024 + (this.order++ % 1024);
  }

  // ---- ClusterHooks

  publishFrom(conn: Connection, topic: string, payload: Buffer, qos: QoS, retain: boolean, properties: Properties | undefined): void {
    this.append({ topic, payload, qos, retain, properties: forwardedProperties(properties), expiresAt: expiresAt(properties) }, conn.clientId);
    // The PUBACK / PUBREC leaves once the message is in the log: a node killed after it loses nothing.
    if (qos > 0 || retain) this.gate(conn);
  }

  publish(topic: string, payload: Buffer, qos: QoS, retain: boolean, extras: PublishExtras | undefined): void {
    this.append({ topic, payload, qos, retain, properties: extras?.properties, expiresAt: extras?.expiresAt }, extras?.publisher);
  }

  private append(message: { topic: string; payload: Buffer; qos: QoS; retain: boolean; properties: Properties | undefined; expiresAt: number | undefined }, publisher: string | undefined): void {
    const m = { topic: message.topic, payload: message.payload, qos: message.qos, retain: message.retain, ...(message.properties ? { properties: message.properties } : {}), ...(message.expiresAt !== undefined ? { expiresAt: message.expiresAt } : {}) };
    const tx = this.tx().xadd(K.LOG, 'MAXLEN', '~', this.maxLog, '*', 'm', encodeMessage(m, publisher));
    if (message.retain) {
      if (message.payload.length === 0) tx.hdel(K.RETAINED, message.topic);
      else tx.hset(K.RETAINED, message.topic, encodeMessage(m));
    }
  }

  holds(conn: Connection, packet: Packet): boolean {
    // SUBSCRIBE waits until this node has routed every message the cluster accepted before it: the
    // retained messages (and deliveries) it sees include everything already acknowledged anywhere.
    if (packet.type !== 'subscribe' || this.barriered.has(packet)) return false;
    this.barriered.add(packet);
    conn.hold(packet);
    this.barrier().then(
      () => conn.release(),
      () => conn.release(),
    );
    return true;
  }

  private async barrier(): Promise<void> {
    const last = await this.redis.xrevrange(K.LOG, '+', '-', 'COUNT', 1);
    const id = last[0]?.[0];
    await this.routedUpTo(id);
  }

  admit(conn: Connection, clientId: string, packet: ConnectPacket, again: (packet: ConnectPacket) => void): boolean {
    if (this.admitted.get(conn) === clientId) {
      this.admitted.delete(conn);
      return true;
    }
    // Our own copy: the decoder's buffers may be reused while the connection waits.
    const copy: ConnectPacket = {
      ...packet,
      password: packet.password ? Buffer.from(packet.password) : undefined,
      will: packet.will ? { ...packet.will, payload: Buffer.from(packet.will.payload) } : undefined,
    };
    conn.suspend();
    this.prepare(conn, clientId, copy).then(
      () => {
        if (conn.isClosed()) {
          this.abandon(clientId);
          return;
        }
        this.admitted.set(conn, clientId);
        again(copy);
        conn.release();
      },
      (error: unknown) => {
        this.log.warn('cluster: CONNECT refused, the cluster store is unavailable', { clientId, error: String(error) });
        if (conn.isClosed()) return;
        // 3.1.1: 0x03 Server unavailable; 5.0: 0x88 Server unavailable.
        this.b.counters.connectionsRefused++;
        conn.send({ type: 'connack', sessionPresent: false, reasonCode: packet.protocolVersion === 5 ? 0x88 : 0x03 }, packet.protocolVersion);
        conn.close('connect-refused');
      },
    );
    return false;
  }

  /** Ownership of `clientId` (taking it over from another node), then its session loaded from Redis. */
  private async prepare(conn: Connection, clientId: string, packet: ConnectPacket): Promise<void> {
    if (!this.available) throw new ClusterError('CLUSTER_UNAVAILABLE', 'Redis is unavailable');
    // The same client connected here: closed as a take-over first, so its session is stored before it is loaded again.
    if (this.b.connectionOf(clientId)) this.b.takeOver(clientId);
    await this.flushNow();
    await this.acquire(clientId);
    await this.routedUpTo(await this.cursorInRedis(clientId));
    await this.inLane(() => this.install(clientId, packet));
    if ((await this.redis.get(K.ownerKey(clientId))) !== this.nodeId) throw new ClusterError('CLUSTER_UNAVAILABLE', `client id ${clientId} was taken by another node meanwhile`);
    void conn;
  }

  /**
   * Where `clientId`'s stored session resumes in the log, bounded by the log's end (Redis may have
   * come back without its data). The node that wrote it may have routed further than this one.
   */
  private async cursorInRedis(clientId: string): Promise<string | undefined> {
    const [c, last] = await Promise.all([this.redis.hget(K.sessionKey(clientId), 'c'), this.redis.xrevrange(K.LOG, '+', '-', 'COUNT', 1)]);
    const tail = last[0]?.[0];
    if (c === null || tail === undefined) return undefined;
    const at = c.startsWith('(') ? c.slice(1) : c;
    return compareIds(at, tail) < 0 ? at : tail;
  }

  /**
   * Resolves once this node has routed the log up to `id`. A session resumed here whose cursor
   * another node wrote ahead of this one's position would otherwise get the messages in between
   * twice: replay starts at the cursor, live routing at this node's position.
   */
  private routedUpTo(id: string | undefined): Promise<void> {
    if (id === undefined || compareIds(this.position, id) >= 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.waiters.push({ id, resolve }));
  }

  private async acquire(clientId: string): Promise<void> {
    const deadline = Date.now() + this.nodeTimeoutMs * 3 + 2000;
    for (;;) {
      const holder = (await this.redis.eval(K.ACQUIRE, 1, K.ownerKey(clientId), this.nodeId, K.ALIVE_PREFIX)) as string;
      if (holder === '') return;
      if (Date.now() > deadline) throw new ClusterError('CLUSTER_UNAVAILABLE', `node ${holder} did not release client id ${clientId}`);
      // MQTT-3.1.4-2 across nodes: the holder closes its connection (publishing the will) and stores the session.
      await this.requestRelease(holder, clientId);
    }
  }

  private requestRelease(holder: string, clientId: string): Promise<void> {
    const id = randomBytes(8).toString('hex');
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.releases.delete(id);
        resolve();
      }, Math.min(1000, this.nodeTimeoutMs));
      this.releases.set(id, () => {
        clearTimeout(timer);
        this.releases.delete(id);
        resolve();
      });
      void this.redis.publish(K.controlChannel(holder), JSON.stringify({ t: 'release', c: clientId, from: this.nodeId, id })).catch(() => undefined);
    });
  }

  private onControl(text: string): void {
    let msg: { t?: string; c?: string; from?: string; id?: string };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return;
    }
    if (msg.t === 'released' && msg.id !== undefined) this.releases.get(msg.id)?.();
    if (msg.t === 'release' && msg.c !== undefined && msg.from !== undefined) {
      const { c, from, id } = msg;
      void this.releaseLocal(c).then(() => this.redis.publish(K.controlChannel(from), JSON.stringify({ t: 'released', id })).catch(() => undefined));
    }
  }

  /** Another node takes `clientId` over: close its connection here (with its will) and store its session. */
  private async releaseLocal(clientId: string): Promise<void> {
    if (this.b.connectionOf(clientId)) this.b.takeOver(clientId);
    else this.abandon(clientId);
    await this.flushNow();
  }

  /** A session loaded here whose connection never started: back to Redis as it was. */
  private abandon(clientId: string): void {
    const session = this.store.get(clientId);
    if (session && !this.b.connectionOf(clientId)) {
      this.b.releaseSession(session);
      this.store.evict(clientId);
    }
    this.tx().eval(K.RELEASE, 1, K.ownerKey(clientId), this.nodeId);
  }

  private inLane<T>(task: () => Promise<T>): Promise<T> {
    const run = this.lane.then(task);
    this.lane = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /**
   * Loads `clientId`'s session (run in the lane, so the log position is still): a persistent one
   * with its subscriptions, in-flight deliveries, inbound QoS 2 ids and, as its queue, the log
   * entries after its cursor that match its subscriptions. A delayed will is dropped when the
   * session resumes (MQTT-3.1.3-9) and published when it does not (the old session ended).
   */
  private async install(clientId: string, packet: ConnectPacket): Promise<void> {
    const stale = this.store.get(clientId);
    if (stale && !this.b.connectionOf(clientId)) {
      this.b.releaseSession(stale);
      this.store.evict(clientId);
    }
    const results = await this.redis
      .pipeline()
      .hgetall(K.sessionKey(clientId))
      .hgetall(K.subscriptionsKey(clientId))
      .hgetall(K.inflightKey(clientId))
      .smembers(K.inboundKey(clientId))
      .eval(K.TAKE_WILL, 2, K.WILL_DUE, K.WILLS, clientId)
      .zrem(K.EXPIRY, clientId)
      .exec();
    if (!results) throw new ClusterError('CLUSTER_UNAVAILABLE', 'session load aborted');
    for (const [error] of results) if (error) throw error;
    const value = (i: number): unknown => (results[i] as [Error | null, unknown])[1];
    const flags = value(0) as Record<string, string>;
    const subs = value(1) as Record<string, string>;
    const inflight = value(2) as Record<string, string>;
    const inbound = value(3) as string[];
    const willJson = value(4) as string | null;
    const pendingWill = willJson ? decodeWill(willJson) : undefined;
    const expiresAtMs = flags.x !== undefined ? Number(flags.x) : undefined;
    const resumable = !packet.clean && flags.v !== undefined && (expiresAtMs === undefined || expiresAtMs > Date.now());
    if (!resumable) {
      if (flags.v !== undefined || Object.keys(subs).length > 0) this.deleted(clientId);
      if (pendingWill) this.b.publishWill(clientId, pendingWill);
      await this.flushNow();
      return;
    }
    if (pendingWill) this.log.debug('cluster: delayed will dropped, the session resumed', { clientId });
    const session = this.store.load(clientId, Number(flags.v) as 3 | 4 | 5);
    if (flags.e !== undefined) session.expiryInterval = Number(flags.e);
    const since = new Map<string, string>();
    for (const [filter, json] of Object.entries(subs)) {
      const s = decodeSubscription(json);
      ownSubscriptions(session).set(filter, s.grant);
      since.set(filter, s.since);
    }
    const origins = new Set<string>();
    const entries = Object.entries(inflight).map(([pid, json]) => decodeInflight(Number(pid), json));
    entries.sort((a, b) => a.order - b.order);
    for (const { entry, order } of entries) {
      ownInflight(session).set(entry.packetId, entry);
      this.orders.set(entry, order);
      if (entry.message.origin !== undefined) origins.add(entry.message.origin);
    }
    for (const pid of inbound) ownInboundQos2(session).add(Number(pid));
    const start = flags.c ?? `(${this.position}`;
    this.cursors.set(session, start.startsWith('(') ? start.slice(1) : start);
    await this.replay(session, start, since, origins);
    this.b.adoptSession(session);
  }

  /** Queues the log entries from `start` to this node's position that match the session's subscriptions. */
  private async replay(session: SessionState, start: string, since: ReadonlyMap<string, string>, origins: ReadonlySet<string>): Promise<void> {
    if (this.position === '0-0') return;
    const clientId = session.clientId;
    const max = this.b.options.maxQueued;
    let from = start;
    for (;;) {
      const batch = await this.redis.xrange(K.LOG, from, this.position, 'COUNT', 1000);
      const shared: { id: string; message: ReturnType<typeof decodeMessage>['message']; key: string; qos: QoS; ids: number[] | undefined }[] = [];
      const picks: { id: string; run: () => void }[] = [];
      for (const [id, fields] of batch) {
        if (origins.has(id)) continue;
        const json = fields[1];
        if (json === undefined) continue;
        const { message, publisher } = decodeMessage(json, id);
        let best: QoS | undefined;
        let ids: number[] | undefined;
        let rap = false;
        for (const [filter, grant] of session.subscriptions) {
          const after = since.get(filter);
          if (after !== undefined && compareIds(id, after) <= 0) continue;
          const share = parseSharedFilter(filter);
          const inner = share !== undefined && share !== 'invalid' ? share.filter : filter;
          if (!topicMatches(inner, message.topic)) continue;
          if (share !== undefined && share !== 'invalid') {
            shared.push({ id, message, key: filter, qos: minQos(message.qos, grant.qos), ids: grant.subscriptionId !== undefined ? [grant.subscriptionId] : undefined });
            continue;
          }
          if (grant.noLocal === true && publisher === clientId) continue;
          if (best === undefined || grant.qos > best) best = grant.qos;
          if (grant.subscriptionId !== undefined) (ids ??= []).push(grant.subscriptionId);
          if (grant.retainAsPublished === true) rap = true;
        }
        if (best !== undefined) {
          const qos = minQos(message.qos, best);
          const m = { ...message, retain: rap && message.retain };
          picks.push({ id, run: () => this.queueReplayed(session, m, qos, ids ? { subscriptionIds: ids } : undefined, max) });
        }
      }
      if (shared.length > 0) {
        const p = this.redis.pipeline();
        for (const s of shared) p.eval(K.CLAIM, 1, K.claimKey(s.id, s.key), clientId);
        const won = (await p.exec()) ?? [];
        shared.forEach((s, i) => {
          if (won[i]?.[1] === clientId) picks.push({ id: s.id, run: () => this.queueReplayed(session, { ...s.message, retain: false }, s.qos, { share: s.key, ...(s.ids ? { subscriptionIds: s.ids } : {}) }, max) });
        });
        picks.sort((a, b) => compareIds(a.id, b.id));
      }
      for (const p of picks) p.run();
      const last = batch[batch.length - 1];
      if (batch.length < 1000 || last === undefined) return;
      from = `(${last[0]}`;
    }
  }

  private queueReplayed(session: SessionState, message: InflightMessage['message'], qos: QoS, extras: InflightMessage['extras'], max: number): void {
    // QoS 0 messages are not kept for an absent client unless configured (as on one node).
    if (qos === 0 && !this.b.options.queueQos0) return;
    if (session.queue.length >= max) {
      this.b.counters.publishDropped++;
      return;
    }
    ownQueue(session).push(extras ? { message, qos, extras } : { message, qos });
  }

  connectionEnded(conn: Connection, reason: CloseReason): void {
    const broker = this.b;
    const clientId = conn.clientId as string;
    const session = conn.session;
    let ending: SessionState | undefined;
    let kept: SessionState | undefined;
    const tx = this.tx();
    if (session && this.store.get(clientId) === session) {
      const expiry = conn.v5 ? conn.v5.sessionExpiry : session.clean ? 0 : NEVER_EXPIRES;
      if (expiry === 0) ending = session;
      else {
        kept = session;
        const key = K.sessionKey(clientId);
        tx.hset(key, 'c', this.cursorOf(session));
        if (expiry !== NEVER_EXPIRES) {
          const at = Date.now() + expiry * 1000;
          tx.hset(key, 'x', String(at)).zadd(K.EXPIRY, at, clientId);
        }
      }
    }
    const will = conn.takeWill();
    broker.log.info('client disconnected', { clientId, reason, node: this.nodeId });
    if (will && reason !== 'disconnect' && reason !== 'broker-shutdown') {
      const delay = conn.v5 ? (will.properties?.willDelayInterval ?? 0) : 0;
      if (delay > 0 && !ending) this.delayWill(clientId, will, delay);
      else broker.publishWill(clientId, will);
    }
    if (ending) broker.discardSession(ending);
    if (kept) {
      broker.releaseSession(kept);
      this.store.evict(clientId);
    }
    tx.eval(K.RELEASE, 1, K.ownerKey(clientId), this.nodeId);
  }

  private delayWill(clientId: string, will: Will, delaySeconds: number): void {
    this.tx().hset(K.WILLS, clientId, encodeWill(will)).zadd(K.WILL_DUE, Date.now() + delaySeconds * 1000, clientId);
  }

  /** Where a resumed session's replay starts: its first queued message, or after everything routed here. */
  private cursorOf(session: SessionState): string {
    for (const entry of session.queue) if (entry.message.origin !== undefined) return entry.message.origin;
    return `(${this.position}`;
  }

  // ---- the log reader

  private async consume(): Promise<void> {
    while (!this.closing) {
      let reply: [Buffer, [Buffer, Buffer[]][]][] | null;
      try {
        reply = (await this.reader.xreadBuffer('COUNT', 1000, 'BLOCK', 0, 'STREAMS', K.LOG, this.position));
      } catch {
        if (this.closing) return;
        await new Promise((r) => setTimeout(r, 200)); // Redis away: the reader reconnects on its own
        continue;
      }
      const entries = reply?.[0]?.[1];
      if (!entries || entries.length === 0) continue;
      await this.inLane(() => this.route(entries));
    }
  }

  /** Routes log entries to this node's sessions, in log order; shared subscriptions claim each message cluster-wide first. */
  private async route(entries: [Buffer, Buffer[]][]): Promise<void> {
    const broker = this.b;
    const decoded = entries.map(([idBuf, fields]) => {
      const id = idBuf.toString();
      const json = fields[1]?.toString() ?? '{}';
      return { id, ...decodeMessage(json, id) };
    });
    let choices: Map<string, string>[] | undefined;
    const claims: { i: number; key: string; candidate: string }[] = [];
    decoded.forEach((d, i) => {
      for (const c of broker.shareCandidates(d.message.topic)) claims.push({ i, ...c });
    });
    if (claims.length > 0) {
      const p = this.redis.pipeline();
      for (const c of claims) p.eval(K.CLAIM, 1, K.claimKey(decoded[c.i]?.id ?? '', c.key), c.candidate);
      const won = (await p.exec().catch(() => null)) ?? [];
      choices = decoded.map(() => new Map());
      claims.forEach((c, j) => {
        const winner = won[j]?.[1];
        if (typeof winner === 'string') choices?.[c.i]?.set(c.key, winner);
      });
    }
    decoded.forEach((d, i) => {
      const m = d.message;
      broker.routeLocal(m.topic, m.payload, m.qos, m.retain, {
        properties: m.properties,
        expiresAt: m.expiresAt,
        publisher: d.publisher,
        origin: d.id,
        ...(choices ? { shareChoice: choices[i] } : {}),
      });
      this.position = d.id;
    });
    if (this.waiters.length > 0) {
      const still: typeof this.waiters = [];
      for (const w of this.waiters) {
        if (compareIds(this.position, w.id) >= 0) w.resolve();
        else still.push(w);
      }
      this.waiters = still;
    }
  }

  // ---- heartbeat, sweeper, Redis loss

  private async beat(): Promise<void> {
    if (!this.available && this.broker) return;
    const s = this.broker?.stats();
    const tx = this.tx().set(K.aliveKey(this.nodeId), '1', 'PX', this.nodeTimeoutMs);
    if (s) tx.set(K.statsKey(this.nodeId), JSON.stringify({ connected: s.clientsConnected, received: s.publishReceived, sent: s.publishSent }), 'PX', this.nodeTimeoutMs * 5);
    // Checkpoint: an online persistent session with nothing queued has seen everything up to here.
    for (const session of this.store.values()) {
      if (session.clean || session.queue.length > 0 || !this.broker?.connectionOf(session.clientId)) continue;
      this.cursors.set(session, this.position);
      tx.hset(K.sessionKey(session.clientId), 'c', `(${this.position}`);
    }
    await this.flushNow();
  }

  /** Offline sessions whose expiry passed, and delayed wills now due (each taken by one node). */
  private async sweep(): Promise<void> {
    if (!this.available) return;
    const now = Date.now();
    const expired = await this.redis.zrangebyscore(K.EXPIRY, 0, now, 'LIMIT', 0, 100);
    for (const clientId of expired) {
      const ended = await this.redis.eval(K.EXPIRE, 6, K.ownerKey(clientId), K.EXPIRY, K.sessionKey(clientId), K.subscriptionsKey(clientId), K.inflightKey(clientId), K.inboundKey(clientId), clientId, String(now));
      if (ended !== 1) continue;
      this.log.info('session expired', { clientId, node: this.nodeId });
      await this.publishDelayedWill(clientId); // MQTT-3.1.2-8: the will goes when the session ends, even before its delay
    }
    const due = await this.redis.zrangebyscore(K.WILL_DUE, 0, now, 'LIMIT', 0, 100);
    for (const clientId of due) await this.publishDelayedWill(clientId);
  }

  private async publishDelayedWill(clientId: string): Promise<void> {
    const json = (await this.redis.eval(K.TAKE_WILL, 2, K.WILL_DUE, K.WILLS, clientId)) as string | null;
    if (json) this.b.publishWill(clientId, decodeWill(json));
  }

  private async loadRetained(): Promise<void> {
    const all = await this.redis.hgetall(K.RETAINED);
    for (const m of [...this.retained.values()]) this.retained.delete(m.topic);
    for (const json of Object.values(all)) {
      const { message } = decodeMessage(json);
      this.retained.set(message);
    }
  }

  /** Redis is gone: no split brain. Every client is disconnected and new ones refused until it returns. */
  private lost(): void {
    if (!this.available || this.closing) return;
    this.available = false;
    this.log.error('cluster: lost Redis: refusing connections until it returns (clients disconnected, 5.0: DISCONNECT 0x89 Server busy)', { nodeId: this.nodeId, redis: this.options.url });
    this.pending = undefined;
    for (const conn of this.b.openConnections()) {
      if (conn.state === 'active') conn.disconnect(0x89, 'internal-error', 'cluster storage unavailable');
      else conn.close('connect-refused');
    }
  }

  private async regained(): Promise<void> {
    if (this.available || this.closing) return;
    try {
      await this.loadRetained();
      const last = await this.redis.xrevrange(K.LOG, '+', '-', 'COUNT', 1);
      const tail = last[0]?.[0] ?? '0-0';
      if (compareIds(tail, this.position) < 0) this.position = tail; // Redis came back without its data
      this.available = true;
      await this.beat();
      this.log.warn('cluster: Redis is back: accepting connections again', { nodeId: this.nodeId });
    } catch (error) {
      this.log.error('cluster: Redis answered but could not be read', { error: String(error) });
    }
  }

  /** `$SYS/cluster/...`: this node and the totals of every live node. */
  async clusterSys(): Promise<[string, string][]> {
    const nodes = await this.redis.smembers(K.NODES);
    const stats = nodes.length ? await this.redis.mget(...nodes.map(K.statsKey)) : [];
    let live = 0;
    let connected = 0;
    let received = 0;
    let sent = 0;
    for (const s of stats) {
      if (s === null) continue;
      live++;
      const v = JSON.parse(s) as { connected: number; received: number; sent: number };
      connected += v.connected;
      received += v.received;
      sent += v.sent;
    }
    return [
      ['$SYS/cluster/node', this.nodeId],
      ['$SYS/cluster/nodes', String(live)],
      ['$SYS/cluster/clients/connected', String(connected)],
      ['$SYS/cluster/messages/publish/received', String(received)],
      ['$SYS/cluster/messages/publish/sent', String(sent)],
    ];
  }

  /** Leaves the cluster: pending writes committed, heartbeat removed, Redis connections closed. */
  async close(): Promise<void> {
    if (this.closing) return;
    for (const t of this.timers) clearInterval(t);
    await this.flushNow().catch(() => undefined);
    this.closing = true;
    await this.redis.del(K.aliveKey(this.nodeId), K.statsKey(this.nodeId)).catch(() => undefined);
    this.reader.disconnect();
    this.control.disconnect();
    await this.redis.quit().catch(() => undefined);
    this.log.info('cluster: node left', { nodeId: this.nodeId });
  }
}
