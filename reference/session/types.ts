import type { Properties, QoS } from '../../harness/codec/index.js';

/** An application message as the broker stores and forwards it. Immutable once created. */
export interface StoredMessage {
  readonly topic: string;
  readonly payload: Buffer;
  /** QoS it was published with. */
  readonly qos: QoS;
  readonly retain: boolean;
  /** MQTT 5.0 message properties forwarded to subscribers (payload format, content type, response topic, correlation data, user properties). */
  readonly properties?: Properties;
  /** MQTT 5.0 Message Expiry: epoch ms after which the message is no longer delivered (MQTT-3.3.2-5). */
  readonly expiresAt?: number;
  /** Cluster mode: the message's id in the shared log (reference/cluster), where a session resumed on another node finds it again. */
  readonly origin?: string;
}

/** What a subscription grants, with the 5.0 subscription options. */
export interface SubscriptionGrant {
  qos: QoS;
  noLocal?: boolean;
  retainAsPublished?: boolean;
  retainHandling?: 0 | 1 | 2;
  /** MQTT 5.0 Subscription Identifier (MQTT-3.3.4-3). */
  subscriptionId?: number;
}

/** MQTT 5.0 extras of one delivery to one session. */
export interface DeliveryExtras {
  /** Subscription Identifiers of the matching subscriptions (MQTT-3.3.4-3). */
  readonly subscriptionIds?: readonly number[];
  /** The shared subscription (`$share/group/filter`) that chose this session. */
  readonly share?: string;
}

/**
 * An outgoing QoS 1/2 message that has been sent and not yet completed.
 * 'publish': sent, awaiting PUBACK (QoS 1) or PUBREC (QoS 2).
 * 'pubrel': PUBREC received and PUBREL sent, awaiting PUBCOMP.
 */
export interface InflightMessage {
  readonly packetId: number;
  readonly message: StoredMessage;
  /** QoS of this delivery: min(publish QoS, granted QoS). */
  readonly qos: 1 | 2;
  state: 'publish' | 'pubrel';
  readonly extras?: DeliveryExtras;
}

/** A message waiting for a slot in the in-flight window (or for the client to come back). */
export interface QueuedMessage {
  readonly message: StoredMessage;
  readonly qos: QoS;
  readonly extras?: DeliveryExtras;
}

/**
 * A plain, serialisable-in-spirit session state; the broker mutates it and journals each change.
 * Its four collections are typed read-only: an idle session shares empty stand-ins (see
 * `newSessionState`), and every write goes through `ownSubscriptions` / `ownInflight` / `ownQueue` /
 * `ownInboundQos2`, which give the session collections of its own first.
 */
export interface SessionState {
  readonly clientId: string;
  /** False for a persistent session (CleanSession 0). */
  clean: boolean;
  /** Protocol level of the last connection (for encoding queued messages). */
  protocolVersion: 3 | 4 | 5;
  subscriptions: ReadonlyMap<string, SubscriptionGrant>;
  /** Insertion order is send order: resent in this order on reconnect (MQTT-4.4.0-1, 4.6.0-1..4). */
  inflight: ReadonlyMap<number, InflightMessage>;
  queue: ReadonlyMessageQueue;
  /** Inbound QoS 2 packet ids received (PUBREC sent) and not yet released by PUBREL (MQTT-4.3.3-2). */
  inboundQos2: ReadonlySet<number>;
  /** Next packet identifier to try; never 0. */
  nextPacketId: number;
  /** MQTT 5.0 Session Expiry Interval in seconds (0xFFFFFFFF: never); undefined: 3.1.1 rules (clean ends with the connection, else kept). */
  expiryInterval?: number;
  /** Epoch ms at which an offline session with an expiry interval expires (persisted by durable stores). */
  expiresAt?: number;
}

/** A write reached one of the shared empty stand-ins: a bug in the broker, never the client's doing. */
export class SharedEmptyWriteError extends Error {
  readonly code = 'SESSION_SHARED_EMPTY_WRITE';
  constructor(readonly collection: string) {
    super(`internal error: a write to the shared empty ${collection} of a session (use own${collection}())`);
    this.name = 'SharedEmptyWriteError';
  }
}

/*
 * Why shared stand-ins: most sessions of a broker with many devices are idle, with no subscription
 * in progress, nothing in flight and nothing queued. An empty Map or Set still holds its own hash
 * table (~150 bytes), so four empty collections were ~0.6 KB of every idle connection (issue 7:
 * memory per idle connection). The stand-ins throw on a write in case a cast slips one past the
 * read-only types.
 */
class EmptyMap<K, V> extends Map<K, V> {
  constructor(private readonly label: string) {
    super();
  }
  override set(): this {
    throw new SharedEmptyWriteError(this.label);
  }
}
class EmptySet<T> extends Set<T> {
  constructor(private readonly label: string) {
    super();
  }
  override add(): this {
    throw new SharedEmptyWriteError(this.label);
  }
}
const NO_SUBSCRIPTIONS: ReadonlyMap<string, SubscriptionGrant> = new EmptyMap('Subscriptions');
const NO_INFLIGHT: ReadonlyMap<number, InflightMessage> = new EmptyMap('Inflight');
const NO_INBOUND_QOS2: ReadonlySet<number> = new EmptySet('InboundQos2');

/** A new session with no subscription, nothing in flight or queued, and packet ids starting at 1. */
export function newSessionState(clientId: string, clean: boolean, protocolVersion: 3 | 4 | 5): SessionState {
  return {
    clientId,
    clean,
    protocolVersion,
    subscriptions: NO_SUBSCRIPTIONS,
    inflight: NO_INFLIGHT,
    queue: NO_QUEUED,
    inboundQos2: NO_INBOUND_QOS2,
    nextPacketId: 1,
  };
}

/** The session's own subscriptions, to change (created on the first write). */
export function ownSubscriptions(session: SessionState): Map<string, SubscriptionGrant> {
  if (session.subscriptions === NO_SUBSCRIPTIONS) session.subscriptions = new Map();
  return session.subscriptions as Map<string, SubscriptionGrant>;
}

/** The session's own in-flight messages, to change (created on the first write). */
export function ownInflight(session: SessionState): Map<number, InflightMessage> {
  if (session.inflight === NO_INFLIGHT) session.inflight = new Map();
  return session.inflight as Map<number, InflightMessage>;
}

/** The session's own inbound QoS 2 packet ids, to change (created on the first write). */
export function ownInboundQos2(session: SessionState): Set<number> {
  if (session.inboundQos2 === NO_INBOUND_QOS2) session.inboundQos2 = new Set();
  return session.inboundQos2 as Set<number>;
}

/** The session's own queue, to change (created on the first write). */
export function ownQueue(session: SessionState): MessageQueue {
  if (session.queue === NO_QUEUED) session.queue = new MessageQueue();
  return session.queue as MessageQueue;
}

/** Changes a durable store journals, in the order they happen. */
export type SessionChange =
  | { kind: 'subscribe'; filter: string; grant: SubscriptionGrant }
  | { kind: 'unsubscribe'; filter: string }
  | { kind: 'enqueue'; entry: QueuedMessage }
  | { kind: 'dequeue' }
  | { kind: 'inflight-add'; entry: InflightMessage }
  | { kind: 'inflight-pubrel'; packetId: number }
  | { kind: 'inflight-remove'; packetId: number }
  | { kind: 'inbound-qos2-add'; packetId: number }
  | { kind: 'inbound-qos2-remove'; packetId: number };

/**
 * Where sessions live. The broker holds one `SessionState` per client id (online or
 * offline persistent). `record` tells durable stores (SQLite) what changed; the memory store
 * needs nothing more than the live objects.
 */
export interface SessionStore {
  get(clientId: string): SessionState | undefined;
  /** Creates (replacing any) an empty session. */
  create(clientId: string, clean: boolean, protocolVersion: 3 | 4 | 5): SessionState;
  delete(clientId: string): void;
  readonly size: number;
  values(): IterableIterator<SessionState>;
  /** Journals a change already applied to `session`. */
  record(session: SessionState, change: SessionChange): void;
  /** Persists the session's flags after a (re)connect. */
  touch(session: SessionState): void;
  /**
   * Optional (durable stores): runs `fn` so that every change it records commits together, before
   * `fn`'s writes leave the corked socket. The broker wraps the handling of each inbound packet in
   * it, so an acknowledgement is never sent for a change that is not yet stored.
   */
  batch?<T>(fn: () => T): T;
  close(): Promise<void>;
}

/** What a queued message counts against a client's byte limit: its payload and topic. */
export function queuedSize(entry: QueuedMessage): number {
  return entry.message.payload.length + entry.message.topic.length;
}

/** What may be read of a session's queue without owning it (see `ownQueue`). */
export interface ReadonlyMessageQueue extends Iterable<QueuedMessage> {
  readonly length: number;
  /** Payload and topic bytes queued (for the per-client byte limit, reference/options maxQueuedBytes). */
  readonly bytes: number;
  peek(): QueuedMessage | undefined;
}

/** A FIFO with O(1) push and shift. */
export class MessageQueue implements ReadonlyMessageQueue {
  private items: (QueuedMessage | undefined)[] = [];
  private head = 0;
  private byteCount = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  /** Payload and topic bytes queued (for the per-client byte limit, reference/options maxQueuedBytes). */
  get bytes(): number {
    return this.byteCount;
  }

  push(entry: QueuedMessage): void {
    this.items.push(entry);
    this.byteCount += queuedSize(entry);
  }

  peek(): QueuedMessage | undefined {
    return this.items[this.head];
  }

  shift(): QueuedMessage | undefined {
    if (this.head >= this.items.length) return undefined;
    const entry = this.items[this.head];
    this.items[this.head] = undefined;
    this.head++;
    if (entry) this.byteCount -= queuedSize(entry);
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return entry;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
    this.byteCount = 0;
  }

  *[Symbol.iterator](): IterableIterator<QueuedMessage> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i] as QueuedMessage;
  }
}

/** The shared empty queue of idle sessions (see `ownQueue`). */
class EmptyQueue extends MessageQueue {
  override push(): void {
    throw new SharedEmptyWriteError('Queue');
  }
}
const NO_QUEUED: ReadonlyMessageQueue = new EmptyQueue();
