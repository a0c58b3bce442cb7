/** A broker under test, started by the benchmark (or reached at a URL). */
export interface BenchBroker {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** The broker's own process id when it runs on this machine as our child (CPU and RSS come from /proc). */
  readonly pid: number | undefined;
  /** CPU seconds the broker process has used so far, or undefined when it is not a local child. */
  cpuSeconds(): number | undefined;
  /**
   * Asks a Node broker started by our launchers for a full garbage collection (SIGUSR2, answered on
   * stdout) so that an RSS reading is not garbage left from start-up; resolves at once for others.
   */
  collectGarbage(): Promise<void>;
  /** Resident set size in bytes, or undefined when it is not a local child. */
  rssBytes(): number | undefined;
  /** Throws BenchError BENCH_BROKER_DIED when the process has exited (with its last stderr lines). */
  assertAlive(): void;
  stop(): Promise<void>;
}

/** A broker the benchmark can start. */
export interface BrokerLauncher {
  readonly name: string;
  /** Why this broker cannot run on this machine (printed, and the broker skipped), or undefined. */
  unavailable(): Promise<string | undefined>;
  /** The configuration it runs with, printed in the report. */
  describeConfig(): string;
  /** Start it; `tuning` 'latency' asks for the broker's low-latency setting where it has one (Mosquitto's TCP_NODELAY). */
  start(tuning?: BrokerTuning): Promise<BenchBroker>;
}

/** 'throughput': the broker's defaults; 'latency': its low-latency settings (the latency scenario). */
export type BrokerTuning = 'throughput' | 'latency';
