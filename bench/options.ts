/** Every knob of a benchmark run, with the defaults a full `npm run bench` uses (a few minutes). */
export interface BenchOptions {
  rounds: number;
  /** Publishing time of one throughput round, ms. */
  durationMs: number;
  /** Unmeasured run before the first round of each throughput scenario and broker, ms (0: none). */
  warmupMs: number;
  /** Load-generator worker processes. */
  workers: number;
  publishers: number;
  subscribers: number;
  connections: number;
  retained: number;
  /** Latency scenario: messages per second and duration. */
  rate: number;
  latencyDurationMs: number;
  /** QoS 1/2 messages in flight per publisher. */
  window: number;
  payloadBytes: number;
  /** Most deliveries the publishers may be ahead of the subscribers (pacing; bounds the broker's backlog). */
  maxBacklog: number;
  /** How long after publishing stops the end markers may take to arrive, ms. */
  drainTimeoutMs: number;
  /** Idle connections pending at once (CONNECT sent, CONNACK not yet received), all workers together. */
  connectConcurrency: number;
  host: string;
}

export const DEFAULT_OPTIONS: BenchOptions = {
  rounds: 3,
  durationMs: 2000,
  warmupMs: 500,
  workers: 2,
  publishers: 8,
  subscribers: 100,
  connections: 10_000,
  retained: 100_000,
  rate: 1000,
  latencyDurationMs: 3000,
  window: 100,
  payloadBytes: 32,
  maxBacklog: 50_000,
  drainTimeoutMs: 20_000,
  connectConcurrency: 100,
  host: '127.0.0.1',
};
