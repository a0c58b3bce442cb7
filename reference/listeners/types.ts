/** One listener of the broker: a transport, where it binds, and its TLS material. */
export type ListenerProtocol = 'mqtt' | 'mqtts' | 'ws' | 'wss';

export interface ListenerTlsOptions {
  /** PEM file of the server certificate (chain). */
  cert: string;
  /** PEM file of its private key. */
  key: string;
  /** PEM file of the CA(s) client certificates must chain to (needed with requireClientCert). */
  ca?: string;
  /** Refuse a TLS handshake without a client certificate signed by `ca`. */
  requireClientCert?: boolean;
  /** Use the client certificate's subject CN as the user name (implies requireClientCert): no password asked. */
  identityAsUsername?: boolean;
}

export interface ListenerConfig {
  protocol: ListenerProtocol;
  /** Default 0 (a free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** TLS material, required for mqtts and wss. */
  tls?: ListenerTlsOptions;
}

export interface StartedListener {
  readonly protocol: ListenerProtocol;
  readonly host: string;
  readonly port: number;
  /** e.g. mqtts://127.0.0.1:8883, ws://127.0.0.1:8080 */
  readonly url: string;
  close(): Promise<void>;
}

export class ListenerConfigError extends Error {
  readonly code = 'LISTENER_CONFIG';
  constructor(
    readonly listener: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`listener ${listener}: ${message}`, options);
    this.name = 'ListenerConfigError';
  }
}
