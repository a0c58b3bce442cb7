/**
 * `mqtt-conformance broker [--port 1883] [--host H] [--config file.json] [--log-level L] [--data-dir DIR] [--cluster redis://HOST:PORT --node-id NAME]`
 *
 * Starts the reference broker in the foreground and runs until SIGINT or SIGTERM.
 * Exit codes: 0 stopped by a signal, 2 usage or configuration error (bad option, unreadable or
 * invalid config file, port in use).
 */
import { readFileSync } from 'node:fs';
import {
  AuthConfigError,
  BrokerConfigError,
  ClusterError,
  isLogLevel,
  ListenerConfigError,
  LOG_LEVELS,
  PersistenceError,
  validateAuthOptions,
  validateListenerConfigs,
  type BrokerOptions,
} from '../reference/index.js';
import { runBrokerProcess } from '../reference/broker-process.js';

export const USAGE = `Usage: mqtt-conformance broker [options]

  --port N          TCP port (default 1883; 0 picks a free one)
  --host H          interface to bind (default 0.0.0.0)
  --config FILE     JSON file of broker options (below); command-line options override it
  --log-level L     ${LOG_LEVELS.join(' | ')} (default info); logs are JSON lines on stderr
  --data-dir DIR    keep sessions and retained messages in SQLite in DIR
  --cluster URL     cluster mode: share routing, sessions, retained messages and client ids with the
                    other nodes on this Redis (redis://HOST:PORT; see reference/cluster/README.md)
  --node-id NAME    this node's name in the cluster (default: host name and process id)
  --heap-growth     let V8 grow its young generation as it likes: a little more throughput under
                    heavy load, ~2-3 KB more memory per idle connection at 10,000 (by default it
                    stays at its start-up size; see the README's performance section)
  -h, --help        this text

Config file keys: port, host, logLevel, connectTimeoutMs (10000), sysIntervalSeconds (10, 0 = no $SYS),
maxInflight (1000), maxQueued (100000), queueQos0 (false), maxPacketSize (268435460),
maxBufferedBytes (16 MiB), highWaterMark (1 MiB), dataDir, dataDirSync ("normal" | "full"),
maxQueuedBytes (64 MiB), maxConnections (100000, 0 = none), maxInboundBytesPerSecond (0 = none),
auth { allowAnonymous (true), passwordFile, aclFile },
listeners [{ protocol: "mqtt" | "mqtts" | "ws" | "wss", port, host,
             tls: { cert, key, ca, requireClientCert, identityAsUsername } }] (replace --port/--host).
MQTT 5.0: receiveMaximum (100), topicAliasMaximum (10), maximumQoS (2), retainAvailable (true), outboundTopicAliases (true),
serverKeepAlive, maxKeepAlive, maxSessionExpiryInterval, scramUsers { "user": "password" } (SCRAM-SHA-256 AUTH).
refuseSubscribe ["filter", ...]: subscriptions always refused with SUBACK 0x80 (test set-ups).
Cluster mode: cluster ("redis://HOST:PORT"), nodeId.
`;

export class BrokerUsageError extends Error {
  readonly code = 'CLI_USAGE';
}

type Kind = 'integer' | 'boolean' | 'string' | 'strings' | 'log-level' | 'sync' | 'auth' | 'listeners' | 'users';
const CONFIG_KEYS: Record<string, Kind> = {
  port: 'integer',
  host: 'string',
  logLevel: 'log-level',
  connectTimeoutMs: 'integer',
  sysIntervalSeconds: 'integer',
  maxInflight: 'integer',
  maxQueued: 'integer',
  queueQos0: 'boolean',
  maxPacketSize: 'integer',
  maxBufferedBytes: 'integer',
  highWaterMark: 'integer',
  dataDir: 'string',
  dataDirSync: 'sync',
  auth: 'auth',
  listeners: 'listeners',
  maxQueuedBytes: 'integer',
  maxConnections: 'integer',
  maxInboundBytesPerSecond: 'integer',
  // MQTT 5.0 (reference/v5)
  receiveMaximum: 'integer',
  topicAliasMaximum: 'integer',
  maximumQoS: 'integer',
  retainAvailable: 'boolean',
  outboundTopicAliases: 'boolean',
  serverKeepAlive: 'integer',
  maxKeepAlive: 'integer',
  maxSessionExpiryInterval: 'integer',
  refuseSubscribe: 'strings',
  // Cluster mode (reference/cluster)
  cluster: 'string',
  nodeId: 'string',
  scramUsers: 'users',
};

function checkValue(where: string, key: string, kind: Kind, value: unknown): void {
  if (kind === 'auth' || kind === 'listeners') {
    // Validated by their own modules (reference/auth, reference/listeners).
    try {
      if (kind === 'auth') validateAuthOptions(value);
      else validateListenerConfigs(value);
    } catch (e) {
      throw new BrokerUsageError(`${where}: ${(e as Error).message}`);
    }
    return;
  }
  if (kind === 'users') {
    const ok = typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
    if (!ok) throw new BrokerUsageError(`${where}: "${key}" must be an object of user name -> password strings, got ${JSON.stringify(value)}`);
    return;
  }
  if (kind === 'strings') {
    const ok = Array.isArray(value) && value.every((v) => typeof v === 'string' && v.length > 0);
    if (!ok) throw new BrokerUsageError(`${where}: "${key}" must be an array of non-empty strings, got ${JSON.stringify(value)}`);
    return;
  }
  const ok =
    kind === 'integer'
      ? Number.isInteger(value)
      : kind === 'boolean'
        ? typeof value === 'boolean'
        : kind === 'string'
          ? typeof value === 'string' && value.length > 0
          : kind === 'log-level'
            ? typeof value === 'string' && isLogLevel(value)
            : value === 'normal' || value === 'full';
  if (!ok) {
    const expected = kind === 'log-level' ? LOG_LEVELS.join(' | ') : kind === 'sync' ? '"normal" | "full"' : `a${kind === 'integer' ? 'n' : ''} ${kind}`;
    throw new BrokerUsageError(`${where}: "${key}" must be ${expected}, got ${JSON.stringify(value)}`);
  }
}

/** Reads and validates a JSON config file: every key known, every value of its type. */
export function readConfigFile(path: string): BrokerOptions {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new BrokerUsageError(`cannot read config file ${path}: ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new BrokerUsageError(`config file ${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new BrokerUsageError(`config file ${path} must hold a JSON object`);
  for (const [key, value] of Object.entries(data)) {
    const kind = CONFIG_KEYS[key];
    if (!kind) throw new BrokerUsageError(`config file ${path}: unknown key "${key}" (known: ${Object.keys(CONFIG_KEYS).join(', ')})`);
    checkValue(`config file ${path}`, key, kind, value);
  }
  return data;
}

/** What the command line asks of the process rather than of the broker. */
export interface BrokerProcessOptions {
  /** --heap-growth: leave V8's young generation growth alone (reference/process-tuning.ts). */
  heapGrowth: boolean;
}

/** Parses the command line into broker options (CLI defaults: port 1883, host 0.0.0.0, log level info). */
export function parseBrokerArgs(argv: readonly string[], processOptions: BrokerProcessOptions = { heapGrowth: false }): BrokerOptions | 'help' {
  const cli: BrokerOptions = {};
  let config: BrokerOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '-h' || arg === '--help') return 'help';
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      const v = eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined || v === '') throw new BrokerUsageError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--port': {
        const v = value();
        const port = Number(v);
        if (!/^\d+$/.test(v) || port > 65535) throw new BrokerUsageError(`--port must be 0 to 65535, got ${JSON.stringify(v)}`);
        cli.port = port;
        break;
      }
      case '--host':
        cli.host = value();
        break;
      case '--config':
        config = readConfigFile(value());
        break;
      case '--log-level': {
        const v = value();
        if (!isLogLevel(v)) throw new BrokerUsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(v)}`);
        cli.logLevel = v;
        break;
      }
      case '--data-dir':
        cli.dataDir = value();
        break;
      case '--cluster':
        cli.cluster = value();
        break;
      case '--node-id':
        cli.nodeId = value();
        break;
      case '--heap-growth':
        if (eq > 0) throw new BrokerUsageError('--heap-growth takes no value');
        processOptions.heapGrowth = true;
        break;
      default:
        throw new BrokerUsageError(`unknown option ${JSON.stringify(arg)}`);
    }
  }
  const options: BrokerOptions = { port: 1883, host: '0.0.0.0', logLevel: 'info', ...config, ...cli };
  if (options.nodeId !== undefined && options.cluster === undefined) throw new BrokerUsageError('--node-id needs --cluster redis://HOST:PORT');
  if (options.cluster !== undefined && options.dataDir !== undefined) throw new BrokerUsageError('--cluster and --data-dir exclude each other: a cluster keeps its sessions and retained messages in Redis');
  return options;
}

export interface BrokerMainIo {
  err?: NodeJS.WritableStream;
  out?: NodeJS.WritableStream;
  /** Stops the broker when aborted (tests); SIGINT and SIGTERM always do. */
  signal?: AbortSignal;
  /** False: leave the process's V8 settings alone (tests that run the command inside their own process). Default true. */
  tuneProcess?: boolean;
}

export async function main(argv: string[], io: BrokerMainIo = {}): Promise<number> {
  const err = io.err ?? process.stderr;
  const out = io.out ?? process.stdout;
  let options: BrokerOptions | 'help';
  const processOptions: BrokerProcessOptions = { heapGrowth: false };
  try {
    options = parseBrokerArgs(argv, processOptions);
  } catch (e) {
    if (e instanceof BrokerUsageError) {
      err.write(`mqtt-conformance broker: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (options === 'help') {
    out.write(USAGE);
    return 0;
  }
  try {
    await runBrokerProcess(options, {
      heapGrowth: processOptions.heapGrowth,
      ...(io.tuneProcess === undefined ? {} : { tuneProcess: io.tuneProcess }),
      ...(io.signal === undefined ? {} : { signal: io.signal }),
      onListening: (broker) => out.write(`mqtt-conformance reference broker listening on ${broker.url}\n`),
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (e instanceof BrokerConfigError || e instanceof ClusterError || e instanceof AuthConfigError || e instanceof ListenerConfigError || e instanceof PersistenceError || code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      err.write(`mqtt-conformance broker: cannot start: ${(e as Error).message}\n`);
      return 2;
    }
    throw e;
  }
  return 0;
}
