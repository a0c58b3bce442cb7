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

/** A plain, serialisable-in-spirit session state; the broker mutates it and journals each change. */
export interface SessionState {
  readonly clientId: string;
  /** False for a persistent session (CleanSession 0). */
  clean: boolean;
  /** Protocol level of the last connection (for encoding queued messages). */
  protocolVersion: 3 | 4 | 5;
  readonly subscriptions: Map<string, SubscriptionGrant>;
  /** Insertion order is send order: resent in this order on reconnect (MQTT-4.4.0-1, 4.6.0-1..4). */
  readonly inflight: Map<number, InflightMessage>;
  readonly queue: MessageQueue;
  /** Inbound QoS 2 packet ids received (PUBREC sent) and not yet released by PUBREL (MQTT-4.3.3-2). */
  readonly inboundQos2: Set<number>;
  /** Next packet identifier to try; never 0. */
  nextPacketId: number;
  /** MQTT 5.0 Session Expiry Interval in seconds (0xFFFFFFFF: never); undefined: 3.1.1 rules (clean ends with the connection, else kept). */
  expiryInterval?: number;
  /** Epoch ms at which an offline session with an expiry interval expires (persisted by durable stores). */
  expiresAt?: number;
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

/** A FIFO with O(1) push and shift. */
export class MessageQueue {
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
