import type { ProtocolVersion, QoS } from '../codec/types.js';
import type { ClientEndpoint } from '../client/test-client.js';

/** Where the suite's clients connect: the test client's endpoint (one declaration for both). */
export type Endpoint = ClientEndpoint;

/** Credentials a profile declares for authentication scenarios. */
export interface Credentials {
  username: string;
  password: string;
}

/**
 * A capability the user declared out of judgement, in a profile (`exclude`, or a mandatory
 * capability declared absent such as `retain: false`) or with `--exclude`. Its scenarios are not
 * applicable, and every report lists it ("compliant with 1 declared exclusion").
 */
export interface DeclaredExclusion {
  /** A `@needs:` capability name, e.g. `retain`, `qos2`, `wildcards`. */
  capability: string;
  source: 'profile' | 'command line';
  /** Why, in the user's words (or what the profile declared). */
  reason: string;
}

/**
 * What an MQTT 5 server declared about itself in its CONNACK (section 3.2.2.3). Absent fields were
 * not declared: the protocol default applies (QoS 2, retain, wildcards, shared subscriptions and
 * subscription identifiers available). Only these make a 5.0 scenario not applicable by the
 * server's own word; behaviour a probe observes never does.
 */
export interface ServerDeclarations {
  maximumQoS?: 0 | 1;
  retainAvailable?: boolean;
  wildcardSubscriptionAvailable?: boolean;
  subscriptionIdentifiersAvailable?: boolean;
  sharedSubscriptionAvailable?: boolean;
  maximumPacketSize?: number;
  receiveMaximum?: number;
  topicAliasMaximum?: number;
}

/**
 * What a broker can do. A scenario tagged `@needs:<capability>` is not applicable only when the
 * capability is declared absent: by the user (profile or command line, see `exclusions`), by an
 * MQTT 5 server in its CONNACK (`serverDeclarations`, 5.0 scenarios only), or, for optional
 * features (TLS, WebSocket, `$SYS`, credentials), by the profile or the endpoint. Behaviour that
 * MQTT 3.1/3.1.1 requires (QoS 1 and 2, retain, wildcards) is always judged unless excluded.
 */
export interface Capabilities {
  versions: ProtocolVersion[];
  /** Highest QoS the user leaves in judgement (2 unless a declared exclusion lowers it). */
  maxQoS: QoS;
  /** False only with a declared exclusion. */
  retain: boolean;
  /** False only with a declared exclusion. */
  wildcards: boolean;
  sys: boolean;
  tls: boolean;
  websocket: boolean;
  /** MQTT 5 shared subscriptions; false only with a declared exclusion. */
  sharedSubscriptions: boolean;
  /** Declared exclusions: listed on every report. */
  exclusions?: DeclaredExclusion[];
  /** What the server's MQTT 5 CONNACK declared (when it speaks 5.0 and was asked). */
  serverDeclarations?: ServerDeclarations;
  /** Present when the broker is configured to require/check credentials. */
  auth?: { valid: Credentials; invalidPassword?: Credentials; anonymousAllowed: boolean };
  /**
   * MQTT 5.0 enhanced authentication: the Authentication Methods the broker accepts in CONNECT
   * (e.g. `["SCRAM-SHA-256"]`), for the user of `auth.valid`. Absent or empty: none are known.
   * `@needs:enhanced-auth` scenarios need `SCRAM-SHA-256` here and `auth`.
   */
  authMethods?: string[];
  /**
   * Further endpoints of the same broker by transport (e.g. a target dialled over mqtt:// that also
   * listens on mqtts://, ws:// and wss://). `@needs:tls` / `@needs:websocket` scenarios run on one of
   * these when `endpoint` itself is not of that transport (see `scenarioEndpoint`).
   */
  endpoints?: Partial<Record<Endpoint['protocol'], Endpoint>>;
  /**
   * A cluster: the endpoints of every node of this one broker, node 1 first (`endpoint` is node 1).
   * `@needs:cluster` scenarios need two or more; a single-endpoint target has none.
   */
  nodes?: Endpoint[];
  /** The broker's maximum packet size in bytes, when known. */
  maxPacketSize?: number;
  /** Seconds between $SYS updates, when known (scenarios waiting on $SYS use it as their bound). */
  sysInterval?: number;
  /** Seconds within which the broker closes a network connection that sends no CONNECT, when known. */
  connectTimeout?: number;
}

export interface TargetDescription {
  /** e.g. 'reference', 'mosquitto', 'aedes', or the URL for an unknown broker. */
  name: string;
  /** e.g. '2.0.11', from the profile or `$SYS/broker/version`. */
  version?: string;
  url: string;
  kind: 'reference' | 'url' | 'process' | 'container';
}

/** A target that has been started (or, for a URL, found reachable). Stop it exactly once. */
export interface StartedTarget extends AsyncDisposable {
  readonly endpoint: Endpoint;
  readonly capabilities: Capabilities;
  describe(): TargetDescription;
  stop(): Promise<void>;
  /**
   * Added by the targets module: for targets that run a process or container, the error
   * (code `TARGET_DIED`, with the captured output as `detail`) when it ended on its own since
   * `start()`; `undefined` while it runs or for targets that cannot tell (a URL).
   */
  failure?(): TargetError | undefined;
  /**
   * For targets that run a container (or process) and capture its log: the log so far, which a
   * run keeps beside its report when a scenario fails.
   */
  output?(): string;
  /**
   * For targets that run a process on this machine (a `process` target, the reference launched as
   * one): its pid and metrics, which the benchmark reads. Absent for a URL, a container or a broker
   * inside this process.
   */
  readonly process?: TargetProcess;
  /**
   * For targets that can start another instance of the same broker, configured the same (the
   * reference broker in this process): starts one, which the caller stops. `run` puts the `@serial`
   * scenarios on it, one at a time, so they run beside the others instead of alone: what a `@serial`
   * scenario observes broker-wide (`$SYS` counts, a `#` subscription) is then its own clients only,
   * exactly as when it ran alone on the shared instance.
   */
  startIsolated?(): Promise<StartedTarget>;
}

/** The broker's own process on this machine (no wrapper: CPU and memory are the broker's). */
export interface TargetProcess {
  readonly pid: number;
  /** CPU seconds (user + system) it has used so far; undefined once it has exited or off Linux. */
  cpuSeconds(): number | undefined;
  /** Its resident set size in bytes; undefined once it has exited or off Linux. */
  rssBytes(): number | undefined;
  /**
   * Sends `signal` and resolves true once a line of its output matches `answer` (false after
   * `timeoutMs`, or at once when it has exited): a request the broker acknowledges, such as a
   * full garbage collection before a memory reading (see launchers/args.ts).
   */
  ask(signal: NodeJS.Signals, answer: RegExp, timeoutMs: number): Promise<boolean>;
}

/** A configured target: nothing runs until `start()`. */
export interface Target {
  readonly kind: TargetDescription['kind'];
  start(): Promise<StartedTarget>;
}

export type TargetErrorCode =
  | 'TARGET_CONFIG'
  | 'TARGET_UNREACHABLE'
  | 'TARGET_NOT_MQTT'
  | 'TARGET_START_FAILED'
  | 'TARGET_NO_CONTAINER_RUNTIME'
  | 'TARGET_DIED';

/**
 * The target could not be configured, reached or kept alive: an inconclusive run, never a broker verdict.
 * `detail`: for TARGET_CONFIG the field or value at fault; for TARGET_START_FAILED and TARGET_DIED
 * the broker's captured output, to print after the message.
 */
export class TargetError extends Error {
  readonly code: TargetErrorCode;
  readonly detail: string | undefined;
  constructor(code: TargetErrorCode, message: string, detail?: string) {
    super(message);
    this.name = 'TargetError';
    this.code = code;
    this.detail = detail;
  }
}
