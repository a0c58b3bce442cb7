import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { ClientConnectError } from './errors.js';

/**
 * Where to connect; the targets hand it on as their `Endpoint` (harness/targets/types.ts).
 * Serialisable: it crosses to cucumber worker processes as JSON.
 */
export interface ClientEndpoint {
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

/** Opens a byte stream to the endpoint; resolves once it is open. The seam for other transports. */
export type Connector = (endpoint: ClientEndpoint, timeoutMs: number) => Promise<Duplex>;

function socketConnector(open: (done: () => void) => net.Socket): (endpoint: ClientEndpoint, timeoutMs: number) => Promise<Duplex> {
  return (endpoint, timeoutMs) =>
    new Promise<Duplex>((resolve, reject) => {
      let settled = false;
      const socket = open(() => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.off('error', onError);
        socket.setNoDelay(true);
        resolve(socket);
      });
      const onError = (err: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(new ClientConnectError(endpoint.url, err.message, err));
      };
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        socket.destroy();
        reject(new ClientConnectError(endpoint.url, `no connection within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', onError);
    });
}

function tcpConnector(endpoint: ClientEndpoint, timeoutMs: number): Promise<Duplex> {
  return socketConnector((done) => net.connect({ host: endpoint.host, port: endpoint.port }, done))(endpoint, timeoutMs);
}

function tlsConnector(endpoint: ClientEndpoint, timeoutMs: number): Promise<Duplex> {
  const t = endpoint.tls;
  return socketConnector((done) =>
    tls.connect(
      {
        host: endpoint.host,
        port: endpoint.port,
        servername: t?.servername ?? (net.isIP(endpoint.host) ? undefined : endpoint.host),
        ca: t?.ca,
        cert: t?.cert,
        key: t?.key,
        rejectUnauthorized: t?.rejectUnauthorized ?? true,
      },
      done,
    ),
  )(endpoint, timeoutMs);
}

let webSocketModule: Promise<typeof import('ws')> | undefined;

/**
 * The `ws` package, loaded at the first WebSocket connection of the process: loading it costs
 * 35-100 ms of CPU, and most cucumber workers of a run never open a WebSocket (6 of 554 scenarios).
 */
export function loadWebSocket(): Promise<typeof import('ws')> {
  webSocketModule ??= import('ws');
  return webSocketModule;
}

async function wsConnector(endpoint: ClientEndpoint, timeoutMs: number): Promise<Duplex> {
  const { WebSocket, createWebSocketStream } = await loadWebSocket();
  return new Promise<Duplex>((resolve, reject) => {
    const scheme = endpoint.protocol === 'wss' ? 'wss' : 'ws';
    const url = `${scheme}://${endpoint.host}:${endpoint.port}${endpoint.path ?? '/mqtt'}`;
    const t = endpoint.tls;
    const ws = new WebSocket(url, ['mqtt'], {
      handshakeTimeout: timeoutMs,
      ca: t?.ca,
      cert: t?.cert,
      key: t?.key,
      rejectUnauthorized: t?.rejectUnauthorized ?? true,
    });
    ws.binaryType = 'nodebuffer';
    const onError = (err: Error): void => reject(new ClientConnectError(endpoint.url, err.message, err));
    ws.once('error', onError);
    ws.once('open', () => {
      ws.off('error', onError);
      const stream = createWebSocketStream(ws);
      // ws keeps the duplex half open after the server closes (no 'close' until our side ends
      // too); a TCP socket closes fully on FIN, and the client relies on that 'close'.
      stream.once('end', () => stream.destroy());
      resolve(stream);
    });
  });
}

/** The connector for an endpoint's protocol. */
export function connectorFor(endpoint: ClientEndpoint): Connector {
  switch (endpoint.protocol) {
    case 'mqtt':
      return tcpConnector;
    case 'mqtts':
      return tlsConnector;
    case 'ws':
    case 'wss':
      return wsConnector;
  }
}
