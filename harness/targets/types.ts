import type { ProtocolVersion, QoS } from '../codec/types.js';

/** Where the suite's clients connect. Serialisable (it crosses to cucumber worker processes as JSON). */
export interface Endpoint {
  /** e.g. mqtt://127.0.0.1:40123 */
  url: string;
  protocol: 'mqtt' | 'mqtts' | 'ws' | 'wss';
  host: string;
  port: number;
  /** WebSocket path, default '/mqtt'. */
  path?: string;
  /** PEM text, for mqtts/wss. */
  tls?: { ca?: string; cert?: string; key?: string; rejectUnauthorized: boolean; servername?: string };
}

/** Credentials a profile declares for authentication scenarios. */
export interface Credentials {
  username: string;
  password: string;
}

/**
 * What a broker can do. A scenario tagged `@needs:<capability>` is not applicable when the
 * capability is absent. Comes from the target's profile, completed by probing.
 */
export interface Capabilities {
  versions: ProtocolVersion[];
  maxQoS: QoS;
  retain: boolean;
  wildcards: boolean;
  sys: boolean;
  tls: boolean;
  websocket: boolean;
  sharedSubscriptions: boolean;
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
}

/** A configured target: nothing runs until `start()`. */
export interface Target {
  readonly kind: TargetDescription['kind'];
  start(): Promise<StartedTarget>;
}

export type TargetErrorCode =
  | 'TARGET_CONFIG'
  | 'TARGET_UNREACHABLE'
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
