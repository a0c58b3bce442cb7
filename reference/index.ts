import { createServer, type Server } from 'node:net';
import { Broker } from './broker.js';
import { resolveOptions, type BrokerOptions, type ClientStream } from './options.js';
import type { StatsSnapshot } from './stats.js';
import { publishSys, startSys } from './sys.js';
import { openDataDir } from './persistence/index.js';
import { Security } from './auth/index.js';

export { BrokerConfigError, resolveOptions, type BrokerOptions, type ClientStream } from './options.js';
export { createLogger, isLogLevel, LOG_LEVELS, stderrSink, type LogLevel, type LogRecord, type LogSink, type Logger } from './logger.js';
export type { Counters, StatsSnapshot } from './stats.js';
export { BROKER_VERSION, sysTopics } from './sys.js';
export type { ProtocolViolation, ViolationCode } from './violation.js';
export * from './topic/index.js';
export * from './session/index.js';
export * from './retain/index.js';
export * from './persistence/index.js';
export * from './auth/index.js';
export * from './acl/index.js';

/** A started broker. `close()` ends every connection and timer and resolves when the listener is closed. */
export interface RunningBroker {
  readonly address: { host: string; port: number };
  /** mqtt://host:port */
  readonly url: string;
  stats(): StatsSnapshot;
  /** Serves a client over any duplex stream (an in-memory pair, a WebSocket stream...). */
  accept(stream: ClientStream): void;
  /** Publishes `$SYS` now (it is also published every `sysIntervalSeconds`). */
  publishSys(): void;
  close(): Promise<void>;
}

/** Starts the reference broker on a TCP listener; resolves once it is listening. */
export async function startBroker(options: BrokerOptions = {}): Promise<RunningBroker> {
  const resolved = resolveOptions(options);
  // --data-dir: SQLite stores (reference/persistence), unless a store is given explicitly.
  const durable = options.dataDir !== undefined && (!options.sessionStore || !options.retainedStore) ? openDataDir(options.dataDir, options.dataDirSync) : undefined;
  const sessionStore = options.sessionStore ?? durable?.sessionStore;
  const retainedStore = options.retainedStore ?? durable?.retainedStore;
  if (durable && options.sessionStore) await durable.sessionStore.close();
  if (durable && options.retainedStore) await durable.retainedStore.close();
  const security = Security.fromOptions(options.auth);
  const broker = new Broker({ ...resolved, sessionStore, retainedStore, security });
  const server: Server = createServer({ noDelay: true }, (socket) => broker.accept(socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => resolved.log.error('listener error', { error: error.message }));
  const bound = server.address();
  if (bound === null || typeof bound === 'string') throw new Error('listener has no TCP address');
  const host = resolved.host;
  const port = bound.port;
  const stopSys = startSys(broker, resolved.sysIntervalSeconds);
  resolved.log.info('broker listening', { host, port });
  let closing: Promise<void> | undefined;
  return {
    address: { host, port },
    url: `mqtt://${host.includes(':') ? `[${host}]` : host}:${String(port)}`,
    stats: () => broker.stats(),
    accept: (stream) => broker.accept(stream),
    publishSys: () => publishSys(broker),
    close: () => {
      closing ??= (async () => {
        stopSys();
        const listenerClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        await broker.close();
        await listenerClosed;
        resolved.log.info('broker closed', { host, port });
      })();
      return closing;
    },
  };
}
