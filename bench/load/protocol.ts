/**
 * The messages between the benchmark coordinator and its load-generator worker processes (IPC,
 * JSON). A worker runs the clients it is given: `prepare` opens their connections (and
 * subscriptions), `go` starts the measured phase and is answered by a `result` once every client
 * is done, `finish` ends the phase early (the coordinator's time bound), `close` ends the connections.
 */
import type { QoS } from '../../harness/codec/index.js';

/** Publishes as fast as the socket takes them (QoS 0) or with `window` messages in flight (QoS 1/2),
 *  for `durationMs`, then one end marker at the same QoS. */
export interface PublisherSpec {
  role: 'publisher';
  clientId: string;
  topic: string;
  qos: QoS;
  payloadBytes: number;
  durationMs: number;
  window: number;
  /**
   * Keeps the broker's backlog bounded: the publisher may be at most `lead` messages ahead of its
   * `share` of the deliveries counted so far by all subscribers (credit relayed by the coordinator).
   * Without it a publisher fills the socket buffers with seconds of messages the broker then drains
   * after the measured time.
   */
  pacing?: { share: number; lead: number };
}

/** Publishes at a fixed rate, each payload carrying its send time (monotonic clock), then an end marker. */
export interface RatePublisherSpec {
  role: 'rate-publisher';
  clientId: string;
  topic: string;
  qos: QoS;
  payloadBytes: number;
  durationMs: number;
  ratePerSecond: number;
}

/** Publishes `count` retained messages to `${topicPrefix}/${i div 1000}/${i mod 1000}` for i in [from, from+count). */
export interface RetainedLoaderSpec {
  role: 'retained-loader';
  clientId: string;
  topicPrefix: string;
  from: number;
  count: number;
  payloadBytes: number;
  window: number;
}

/** Counts (and acknowledges) what arrives; done after `untilMarkers` end markers or `untilCount` messages. */
export interface SubscriberSpec {
  role: 'subscriber';
  clientId: string;
  filter: string;
  qos: QoS;
  /** Subscribe while preparing (live traffic) or at `go` (the retained scenario times the subscription). */
  subscribeAt: 'prepare' | 'go';
  untilMarkers?: number;
  untilCount?: number;
  /** Record end-to-end latency from the send time in each payload. */
  latency?: boolean;
}

/** Opens `count` idle connections (keep-alive 0) with at most `concurrency` pending at a time. */
export interface IdleSpec {
  role: 'idle';
  clientIdPrefix: string;
  count: number;
  concurrency: number;
}

export type ClientSpec = PublisherSpec | RatePublisherSpec | RetainedLoaderSpec | SubscriberSpec | IdleSpec;

export interface PublisherResult {
  role: 'publisher' | 'rate-publisher' | 'retained-loader';
  clientId: string;
  /** Data messages written (end marker excluded). */
  sent: number;
  /** Data messages acknowledged (QoS 1/2; 0 at QoS 0). */
  acked: number;
  markerDone: boolean;
  error?: string;
}

export interface SubscriberResult {
  role: 'subscriber';
  clientId: string;
  received: number;
  /** Deliveries with DUP set. */
  dups: number;
  retained: number;
  markers: number;
  /** Monotonic ms: SUBSCRIBE written (subscribeAt go), first and last data message. */
  subscribedAt: number | undefined;
  firstAt: number | undefined;
  lastAt: number | undefined;
  /** End-to-end latencies in ms, when asked for. */
  latencies?: number[];
  error?: string;
}

export interface IdleResult {
  role: 'idle';
  clientId: string;
  connected: number;
  failed: number;
  /** error code -> count (ECONNRESET, EMFILE, CONNACK-rc-N, ...). */
  errors: Record<string, number>;
  doneAt: number | undefined;
  error?: string;
}

export type ClientResult = PublisherResult | SubscriberResult | IdleResult;

export interface WorkerResult {
  worker: number;
  /** Monotonic ms when this worker received `go`, and when its last client finished. */
  goAt: number;
  doneAt: number;
  /** CPU this worker process used between go and done (user + system), microseconds. */
  cpuMicros: number;
  /** True when `finish` ended the phase before every client was done. */
  cutShort: boolean;
  clients: ClientResult[];
}

export type Command =
  | { cmd: 'prepare'; seq: number; host: string; port: number; clients: ClientSpec[] }
  | { cmd: 'go'; seq: number }
  | { cmd: 'finish'; seq: number }
  /** Deliveries counted by every subscriber of the phase so far (publishers' pacing). */
  | { cmd: 'credit'; seq: number; delivered: number }
  | { cmd: 'close'; seq: number };

export type Reply =
  | { type: 'ready'; worker: number }
  | { type: 'prepared'; seq: number }
  | { type: 'result'; seq: number; result: WorkerResult }
  /** This worker's subscribers' deliveries so far in the running phase (sent every few ms). */
  | { type: 'progress'; seq: number; worker: number; delivered: number }
  | { type: 'closed'; seq: number }
  | { type: 'error'; seq: number; message: string; code: string };
