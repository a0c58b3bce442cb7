import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { trackedTempDir } from '../../harness/targets/children.js';
import { dialableHost } from '../../harness/targets/net.js';
import { TargetError, type Capabilities, type Endpoint } from '../../harness/targets/types.js';

/** Maximum packet size the reference targets configure and declare (1 MiB: above every packet the suite sends on purpose). */
export const REFERENCE_MAX_PACKET_SIZE = 1024 * 1024;

/** WebSocket path of the reference broker's ws/wss listeners (they accept any path; the suite dials this one). */
export const REFERENCE_WS_PATH = '/mqtt';

type ListenerProtocol = Endpoint['protocol'];

/**
 * A self-signed server certificate for `localhost` / 127.0.0.1 / ::1, made for one start of the
 * reference broker so its TLS and secure WebSocket listeners run by default. Files live in a
 * private temporary directory; `remove()` deletes it (idempotent).
 */
export interface ReferenceCertificate {
  readonly dir: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** The certificate (PEM): the CA the suite's clients trust for this broker. */
  readonly certPem: string;
  remove(): Promise<void>;
}

const run = promisify(execFile);

/**
 * Makes the certificate with `openssl` (Node has no API to issue an X.509 certificate).
 * Throws TargetError `TARGET_START_FAILED` naming openssl when it is missing or fails.
 */
export async function createReferenceCertificate(openssl = 'openssl'): Promise<ReferenceCertificate> {
  const { dir, remove } = await trackedTempDir('mqttc-reference-tls-');
  const certFile = join(dir, 'server.crt');
  const keyFile = join(dir, 'server.key');
  try {
    await run(
      openssl,
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1', '-addext', 'extendedKeyUsage=serverAuth'],
      { cwd: dir, timeout: 30_000 },
    );
    return { dir, certFile, keyFile, certPem: await readFile(certFile, 'utf8'), remove };
  } catch (error) {
    await remove();
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    const message =
      e.code === 'ENOENT'
        ? `${openssl} was not found: the reference broker needs openssl to make the certificate of its TLS and secure WebSocket listeners`
        : `${openssl} could not make the reference broker's TLS certificate: ${e.message}`;
    throw new TargetError('TARGET_START_FAILED', message, e.stderr ?? e.stack);
  }
}

/** The certificate, or undefined (with a note on stderr) when it cannot be made: TLS is then declared absent. */
export async function referenceCertificateOrNone(warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`), openssl = 'openssl'): Promise<ReferenceCertificate | undefined> {
  try {
    return await createReferenceCertificate(openssl);
  } catch (error) {
    warn(`warning: ${(error as Error).message}; the TLS scenarios will be not applicable`);
    return undefined;
  }
}

/** A bound listener, as the broker reports it. */
export interface BoundListener {
  protocol: ListenerProtocol;
  host: string;
  port: number;
}

/** The endpoint the suite dials for one listener (TLS ones trust `certPem` and check it). */
export function listenerEndpoint(listener: BoundListener, certPem: string | undefined): Endpoint {
  const host = dialableHost(listener.host);
  const { protocol, port } = listener;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const ws = protocol === 'ws' || protocol === 'wss';
  const endpoint: Endpoint = { url: `${protocol}://${hostPart}:${String(port)}${ws ? REFERENCE_WS_PATH : ''}`, protocol, host, port };
  if (ws) endpoint.path = REFERENCE_WS_PATH;
  if (protocol === 'mqtts' || protocol === 'wss') {
    endpoint.tls = { rejectUnauthorized: certPem !== undefined, ...(certPem === undefined ? {} : { ca: certPem }) };
  }
  return endpoint;
}

/**
 * What a start with these listeners declares: `tls` / `websocket` as the listeners show,
 * `endpoints` (the first listener of each transport), and the maximum packet size.
 */
export function listenerCapabilities(listeners: readonly BoundListener[], certPem: string | undefined, maxPacketSize: number): Pick<Capabilities, 'tls' | 'websocket' | 'endpoints' | 'maxPacketSize'> {
  const endpoints: NonNullable<Capabilities['endpoints']> = {};
  for (const l of listeners) endpoints[l.protocol] ??= listenerEndpoint(l, certPem);
  const has = (p: ListenerProtocol): boolean => endpoints[p] !== undefined;
  return { tls: has('mqtts') || has('wss'), websocket: has('ws') || has('wss'), endpoints, maxPacketSize };
}
