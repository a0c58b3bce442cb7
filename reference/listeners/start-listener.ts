/**
 * Starts one listener (TCP, TLS, WebSocket, secure WebSocket) that hands each client's byte
 * stream to `accept`. Every transport ends in the same `ClientStream`, so the broker never knows
 * which one a client came over. A stream handed to `accept` is the acceptor's to end: closing the
 * listener ends only what it has not handed over (handshakes, HTTP requests), and waits for the rest.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket, type TlsOptions } from 'node:tls';
import { WebSocketServer } from 'ws';
import { setTransportIdentity } from '../auth/index.js';
import type { Logger } from '../logger.js';
import type { ClientStream } from '../options.js';
import { ListenerConfigError, type ListenerConfig, type StartedListener } from './types.js';
import { WebSocketStream } from './websocket-stream.js';

type Accept = (stream: ClientStream) => void;

const label = (c: ListenerConfig): string => `${c.protocol}://${c.host ?? '127.0.0.1'}:${String(c.port ?? 0)}`;

function readPem(listener: string, what: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ListenerConfigError(listener, `cannot read the ${what} file: ${(error as Error).message}`, { cause: error });
  }
}

/** Checks a listener's settings before anything binds; throws ListenerConfigError naming the problem. */
export function checkListenerConfig(c: ListenerConfig): void {
  const name = label(c);
  if (!['mqtt', 'mqtts', 'ws', 'wss'].includes(c.protocol)) throw new ListenerConfigError(name, `unknown protocol ${JSON.stringify(c.protocol)} (mqtt, mqtts, ws or wss)`);
  if (c.port !== undefined && (!Number.isInteger(c.port) || c.port < 0 || c.port > 65535)) throw new ListenerConfigError(name, `port must be 0 to 65535, got ${String(c.port)}`);
  const secure = c.protocol === 'mqtts' || c.protocol === 'wss';
  if (secure && !c.tls) throw new ListenerConfigError(name, 'needs "tls": { "cert", "key" }');
  if (!secure && c.tls) throw new ListenerConfigError(name, `"tls" is only for mqtts and wss`);
  if (c.tls && (typeof c.tls.cert !== 'string' || typeof c.tls.key !== 'string')) throw new ListenerConfigError(name, '"tls" needs "cert" and "key" file paths');
  if (c.tls && (c.tls.requireClientCert || c.tls.identityAsUsername) && c.tls.ca === undefined) {
    throw new ListenerConfigError(name, 'client certificates need "ca" (the CA file they must chain to)');
  }
}

function tlsOptions(c: ListenerConfig): TlsOptions {
  const name = label(c);
  const t = c.tls;
  if (!t) throw new ListenerConfigError(name, 'needs "tls"');
  const requireCert = t.requireClientCert === true || t.identityAsUsername === true;
  return {
    cert: readPem(name, 'certificate', t.cert),
    key: readPem(name, 'key', t.key),
    ca: t.ca !== undefined ? readPem(name, 'CA', t.ca) : undefined,
    requestCert: requireCert,
    rejectUnauthorized: requireCert,
  };
}

/** The client certificate's CN, recorded as the user name when the listener says so. */
function recordIdentity(c: ListenerConfig, socket: TLSSocket, stream: object, log: Logger): boolean {
  if (!c.tls?.identityAsUsername) return true;
  const cn = socket.getPeerCertificate().subject?.CN;
  const name = Array.isArray(cn) ? cn[0] : cn;
  if (typeof name !== 'string' || name === '') {
    log.warn('client certificate without a CN: connection closed', { listener: label(c) });
    return false;
  }
  setTransportIdentity(stream, name);
  return true;
}

/** MQTT-6.0.0-3/-4: the client offers "mqtt" and the server selects it ("mqttv3.1" too for 3.1 clients). */
function selectSubprotocol(protocols: Set<string>): string | false {
  if (protocols.has('mqtt')) return 'mqtt';
  if (protocols.has('mqttv3.1')) return 'mqttv3.1';
  return false;
}

export async function startListener(config: ListenerConfig, accept: Accept, log: Logger): Promise<StartedListener> {
  checkListenerConfig(config);
  const host = config.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  let server: NetServer;
  let wss: WebSocketServer | undefined;
  // One untrack function per listener, not a closure (and a once-wrapper) per socket: memory per idle connection.
  function untrack(this: Socket): void {
    sockets.delete(this);
  }
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', untrack); // 'close' is emitted once
  };
  switch (config.protocol) {
    case 'mqtt':
      // Not tracked: the socket is the acceptor's from the start (its close ends it), and a Set entry
      // plus a second 'close' listener per socket cost ~65 bytes per idle connection.
      server = createNetServer({ noDelay: true }, accept);
      break;
    case 'mqtts':
      // Handed over once the handshake is done (a socket still in it is not here either): the acceptor's from then on.
      server = createTlsServer(tlsOptions(config), (socket) => {
        socket.setNoDelay(true);
        if (recordIdentity(config, socket, socket, log)) accept(socket);
        else socket.destroy();
      });
      server.on('tlsClientError', (error: Error) => log.info('TLS handshake failed', { listener: label(config), error: error.message }));
      break;
    case 'ws':
    case 'wss': {
      const http = config.protocol === 'wss' ? createHttpsServer(tlsOptions(config)) : createHttpServer();
      http.on('connection', track);
      http.on('request', (_req, res) => {
        res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' });
        res.end('MQTT over WebSocket: connect with a WebSocket client offering the "mqtt" subprotocol\n');
      });
      if (config.protocol === 'wss') http.on('tlsClientError', (error: Error) => log.info('TLS handshake failed', { listener: label(config), error: error.message }));
      wss = new WebSocketServer({
        server: http,
        handleProtocols: selectSubprotocol,
        verifyClient: (info: { req: IncomingMessage }) => {
          const offered = (info.req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
          return offered.includes('mqtt') || offered.includes('mqttv3.1');
        },
        maxPayload: 256 * 1024 * 1024 + 5,
        perMessageDeflate: false,
      });
      wss.on('connection', (ws, req) => {
        const socket = req.socket;
        const stream = new WebSocketStream(ws, { remoteAddress: socket.remoteAddress, remotePort: socket.remotePort });
        if (config.protocol === 'wss' && !recordIdentity(config, socket as TLSSocket, stream, log)) {
          ws.terminate();
          return;
        }
        accept(stream);
      });
      wss.on('error', (error) => log.error('WebSocket listener error', { listener: label(config), error: error.message }));
      server = http;
      break;
    }
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => log.error('listener error', { listener: label(config), error: error.message }));
  const bound = server.address();
  if (bound === null || typeof bound === 'string') throw new ListenerConfigError(label(config), 'has no TCP address');
  const port = bound.port;
  log.info('listening', { protocol: config.protocol, host, port });
  let closing: Promise<void> | undefined;
  return {
    protocol: config.protocol,
    host,
    port,
    url: `${config.protocol}://${host.includes(':') ? `[${host}]` : host}:${String(port)}`,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        wss?.close();
        server.close(() => resolve());
        // The broker ends its clients; anything left (a TLS handshake, an HTTP request) goes too.
        for (const s of sockets) s.destroy();
      });
      return closing;
    },
  };
}
