/**
 * The one script that runs the reference broker in a process of its own for a machine: the
 * `reference:process` target (profiles/reference.json) and the benchmark (bench/brokers/reference.ts,
 * also each node of `reference:cluster:N`). People run `mqtt-conformance broker` (cli/broker.ts).
 *   node [--expose-gc] --import tsx reference/target/launcher.ts [--port 0] [--host 127.0.0.1] [--sys-interval S] [--connect-timeout S]
 *     [--password-file F] [--scram-users-file F] [--max-packet-size N] [--tls-cert F --tls-key F] [--listeners-file F]
 *     [--no-websocket] [--heap-growth] [--cluster redis://HOST:PORT --node-id NAME]
 * Prints `mqtt-conformance reference broker listening on <host>:<port>` once bound (the port
 * actually bound, so `--port 0` is race-free); stops on SIGTERM; answers SIGUSR2 with a full GC
 * (with --expose-gc) and a line, for the benchmark's memory readings (harness/targets/launchers/args.ts).
 * V8's young generation is kept at its start-up size as the `broker` command does
 * (reference/process-tuning.ts) unless `--heap-growth`. `--no-websocket`: the TCP listener only
 * (the benchmark measures the broker as `startBroker({ port, host })` configures it).
 * `--cluster`/`--node-id`: join a cluster on that Redis, as `broker --cluster URL --node-id NAME`.
 * `--password-file`: `user:$scrypt$...` lines (`mqtt-conformance passwd`); anonymous clients stay
 * allowed. `--scram-users-file`: JSON `{ "user": "password" }`, the MQTT 5.0 SCRAM-SHA-256 users.
 * Besides the TCP listener on --port/--host it opens, on free ports of the same host, a WebSocket
 * listener and, with `--tls-cert`/`--tls-key` (PEM files), TLS and secure WebSocket listeners.
 * `--listeners-file`: where to write every bound listener (JSON `[{protocol, host, port}]`) before
 * the ready line.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { BrokerOptions } from '../index.js';
import { runBrokerProcess } from '../broker-process.js';
import { answerGcRequests, launcherArgs } from '../../harness/targets/launchers/args.js';

// Before the ready line: a benchmark may ask for a GC as soon as it sees it.
answerGcRequests();

const usage =
  'launcher.ts [--port N] [--host H] [--sys-interval S] [--connect-timeout S] [--password-file F] [--scram-users-file F] [--max-packet-size N] [--tls-cert F --tls-key F] [--listeners-file F] [--no-websocket] [--heap-growth] [--cluster URL --node-id NAME]';
const own = ownArgs(process.argv.slice(2));
const args = launcherArgs(own.rest, usage, { credentialFiles: true });
const options: BrokerOptions = { port: args.port, host: args.host };
const tls = own.tlsCert === undefined || own.tlsKey === undefined ? undefined : { cert: own.tlsCert, key: own.tlsKey };
if (own.websocket || tls !== undefined) {
  options.listeners = [
    { protocol: 'mqtt', port: args.port, host: args.host },
    ...(tls === undefined ? [] : [{ protocol: 'mqtts' as const, port: 0, host: args.host, tls }]),
    ...(own.websocket ? [{ protocol: 'ws' as const, port: 0, host: args.host }] : []),
    ...(tls === undefined || !own.websocket ? [] : [{ protocol: 'wss' as const, port: 0, host: args.host, tls }]),
  ];
}
if (own.cluster !== undefined) options.cluster = own.cluster;
if (own.nodeId !== undefined) options.nodeId = own.nodeId;
if (own.maxPacketSize !== undefined) options.maxPacketSize = own.maxPacketSize;
if (args.sysInterval !== undefined) options.sysIntervalSeconds = args.sysInterval;
if (args.connectTimeout !== undefined) options.connectTimeoutMs = args.connectTimeout * 1000;
if (args.passwordFile !== undefined) options.auth = { allowAnonymous: true, passwordFile: args.passwordFile };
if (args.scramUsersFile !== undefined) options.scramUsers = readScramUsers(args.scramUsersFile);
await runBrokerProcess(options, {
  heapGrowth: own.heapGrowth,
  onListening: (broker) => {
    if (own.listenersFile !== undefined) {
      writeFileSync(own.listenersFile, `${JSON.stringify(broker.listeners.map((l) => ({ protocol: l.protocol, host: l.host, port: l.port })))}\n`, { mode: 0o600 });
    }
    process.stdout.write(`mqtt-conformance reference broker listening on ${broker.address.host}:${broker.address.port}\n`);
  },
}).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);

interface OwnArgs {
  maxPacketSize?: number;
  tlsCert?: string;
  tlsKey?: string;
  listenersFile?: string;
  /** False with --no-websocket. */
  websocket: boolean;
  heapGrowth: boolean;
  cluster?: string;
  nodeId?: string;
  /** The arguments left for launcherArgs. */
  rest: string[];
}

/** Takes this launcher's own options out of argv; exits with code 2 naming a bad one. */
function ownArgs(argv: string[]): OwnArgs {
  const out: OwnArgs = { rest: [], websocket: true, heapGrowth: false };
  const valued = new Set(['--max-packet-size', '--tls-cert', '--tls-key', '--listeners-file', '--cluster', '--node-id']);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--no-websocket') out.websocket = false;
    else if (arg === '--heap-growth') out.heapGrowth = true;
    if (arg === '--no-websocket' || arg === '--heap-growth') continue;
    if (!valued.has(arg)) {
      out.rest.push(arg);
      continue;
    }
    const value = argv[++i];
    if (value === undefined || value === '') fail(`${arg} needs a value`);
    if (arg === '--max-packet-size') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 2 || n > 268_435_460) fail(`--max-packet-size: expected an integer from 2 to 268435460, got ${value}`);
      out.maxPacketSize = n;
    } else if (arg === '--tls-cert') out.tlsCert = value;
    else if (arg === '--tls-key') out.tlsKey = value;
    else if (arg === '--cluster') out.cluster = value;
    else if (arg === '--node-id') out.nodeId = value;
    else out.listenersFile = value;
  }
  if ((out.tlsCert === undefined) !== (out.tlsKey === undefined)) fail('--tls-cert and --tls-key go together');
  if (out.nodeId !== undefined && out.cluster === undefined) fail('--node-id needs --cluster');
  return out;
}

/** The `--scram-users-file` JSON object (user -> password); exits with code 2 naming the problem. */
function readScramUsers(path: string): Record<string, string> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return fail(`--scram-users-file ${path}: ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail(`--scram-users-file ${path}: expected a JSON object of user name -> password`);
  const users: Record<string, string> = {};
  for (const [user, password] of Object.entries(json)) {
    if (user === '' || typeof password !== 'string') return fail(`--scram-users-file ${path}: user ${JSON.stringify(user)} needs a non-empty name and a string password`);
    users[user] = password;
  }
  return users;
}

function fail(problem: string): never {
  process.stderr.write(`${problem}\nusage: ${usage}\n`);
  process.exit(2);
}
