import { hostname } from 'node:os';
import { Broker } from './broker.js';
import { ClusterNode } from './cluster/index.js';
import { BrokerConfigError, resolveOptions, type BrokerOptions, type ClientStream } from './options.js';
import type { StatsSnapshot } from './stats.js';
import { publishSys, startSys } from './sys.js';
import { openDataDir } from './persistence/index.js';
import { Security } from './auth/index.js';
import { checkListenerConfig, startListener, type ListenerConfig, type StartedListener } from './listeners/index.js';

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
export * from './listeners/index.js';
export { ClusterError } from './cluster/index.js';
export { SCRAM_SHA_256, ScramClient, ScramError, ScramServer, scramCredential, parseSharedFilter, type ScramCredential, type SharedFilter } from './v5/index.js';

/** A started broker. `close()` ends every connection and timer and resolves when the listener is closed. */
export interface RunningBroker {
  readonly address: { host: string; port: number };
  /** mqtt://host:port (the first listener's URL: mqtts://, ws://, wss:// when so configured) */
  readonly url: string;
  /** Every listener, in configuration order (reference/listeners). */
  readonly listeners: readonly StartedListener[];
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
  // Listeners (reference/listeners): the configured ones (TCP, TLS, WebSocket, secure WebSocket),
  // or one TCP listener on port/host. address and url are the first listener's.
  const configs: ListenerConfig[] = options.listeners ?? [{ protocol: 'mqtt', port: resolved.port, host: resolved.host }];
  if (configs.length === 0) throw new BrokerConfigError('listeners', 'at least one listener is needed');
  for (const c of configs) checkListenerConfig(c);
  // Cluster mode (reference/cluster): sessions and retained messages are shared through Redis.
  const cluster = options.cluster !== undefined ? await ClusterNode.connect({ url: options.cluster, nodeId: options.nodeId ?? `${hostname()}-${process.pid}`, log: resolved.log }) : undefined;
  const broker = cluster
    ? new Broker({ ...resolved, sessionStore: cluster.store, retainedStore: cluster.retained, security })
    : new Broker({ ...resolved, sessionStore, retainedStore, security });
  if (cluster) await cluster.attach(broker);
  const listeners: StartedListener[] = [];
  // Each listener hands its streams straight to the broker's connection registry (no wrapper of ours in between).
  const accept = broker.connections.accept.bind(broker.connections);
  try {
    for (const c of configs) listeners.push(await startListener(c, accept, resolved.log));
  } catch (error) {
    await broker.close(); // first: a listener's close waits for the streams it handed to the broker
    for (const l of listeners) await l.close();
    await cluster?.close();
    throw error;
  }
  const main = listeners[0] as StartedListener;
  const host = main.host;
  const port = main.port;
  const stopSys = startSys(broker, resolved.sysIntervalSeconds, cluster ? () => cluster.clusterSys() : undefined);
  resolved.log.info('broker listening', { host, port });
  let closing: Promise<void> | undefined;
  return {
    address: { host, port },
    url: main.url,
    listeners,
    stats: () => broker.stats(),
    accept: (stream) => broker.accept(stream),
    publishSys: () => publishSys(broker),
    close: () => {
      closing ??= (async () => {
        stopSys();
        await broker.close();
        await cluster?.close();
        await Promise.all(listeners.map((l) => l.close()));
        resolved.log.info('broker closed', { host, port });
      })();
      return closing;
    },
  };
}
