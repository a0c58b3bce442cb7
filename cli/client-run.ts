/**
 * `mqtt-conformance run --client CLIENT`: judges an MQTT client library instead of a broker. Runs
 * the client features (features/client/, cucumber profile `client`): each scenario starts a
 * scripted server on an ephemeral port and the client's adapter against it, then the same reports
 * as a broker run, with coverage counted over the statements that bind a client.
 * CLIENT is a well-known client (mqttjs, paho-python, mosquitto-clients) or an adapter command
 * line with `{host}` and `{port}`. Exit codes as `run`: 0, 1 a scenario failed, 2 usage, 3 the
 * client cannot run here.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { asClientModel, buildComplianceModel, type RunMeta } from '../reports/index.js';
import { CLIENT_PROFILES } from '../harness/clients/index.js';
import { RUNNING_COMPILED } from '../harness/targets/index.js';
import { AdapterError, ClientUnderTest, fillCommand } from '../harness/server/index.js';
import { packageVersion } from '../reference/target/index.js';
import { CLIENT_CAPABILITIES, CLIENT_ENV, type ClientUnderTestConfig } from '../steps/client/support/client-config.js';
import { availableParallelism } from 'node:os';
import { DEFAULT_REPORT_DIR, UsageError, messagesFileIn, printSummary, runCucumberWithProgress, runExitCode, tagExpression, workerEnvironment, writeRunReports } from './run.js';
import { ENV } from '../contract/index.js';

/** Client scenarios wait on a local scripted server and the adapter: twice the CPUs, at most 4. */
export const DEFAULT_PARALLEL = Math.min(4, 2 * availableParallelism());

export const CLIENT_RUN_USAGE = `Usage: mqtt-conformance run --client CLIENT [options]

Runs the client features (features/client/) against one MQTT client library, driven through an
adapter program, with a scripted server in place of a broker, and writes the reports.

  --client CLIENT     one of ${Object.keys(CLIENT_PROFILES).join(', ')}, or an adapter command line
                      with {host} and {port}, e.g. 'python3 my-adapter.py {host} {port}'
                      (protocol: harness/clients/adapters/README.md)
  --client-name NAME  name of a custom client in the reports (default: the command)
  --lacks CAP         the client cannot do CAP (repeatable): ${Object.keys(CLIENT_CAPABILITIES).join(', ')}
  --client-versions V comma-separated protocol versions the client speaks (default 3.1.1,5)
  --tags, --version, --parallel, --report-dir, --timeout   as for a broker run`;

export interface ClientRunOptions {
  client: ClientUnderTestConfig;
  tags?: string;
  version?: '3.1.1' | '5';
  parallel: number;
  reportDir: string;
  timeoutMs?: number;
}

/** Parses `run --client` arguments; throws UsageError. Undefined means --help. */
export function parseClientRunArgs(argv: string[], cwd: string = process.cwd()): ClientRunOptions | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      options: {
        client: { type: 'string' },
        'client-name': { type: 'string' },
        lacks: { type: 'string', multiple: true },
        'client-versions': { type: 'string' },
        tags: { type: 'string' },
        version: { type: 'string' },
        parallel: { type: 'string' },
        'report-dir': { type: 'string' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) return undefined;
  const spec = v.client?.trim() ?? '';
  if (spec === '') throw new UsageError(`--client needs a client: ${Object.keys(CLIENT_PROFILES).join(', ')} or a command with {host} {port}`);
  const profile = CLIENT_PROFILES[spec];
  let client: ClientUnderTestConfig;
  if (profile) {
    const why = profile.unavailable();
    if (why !== undefined) throw new ClientUnavailableError(`${profile.name}: ${why}`);
    client = { name: profile.name, version: profile.installedVersion(), command: profile.command, versions: [...profile.versions], lacks: { ...profile.lacks } };
  } else {
    if (!spec.includes('{port}')) throw new UsageError(`--client ${JSON.stringify(spec)} is neither a known client (${Object.keys(CLIENT_PROFILES).join(', ')}) nor a command with {host} and {port}`);
    try {
      fillCommand(spec, { host: '127.0.0.1', port: 1 });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    client = { name: v['client-name'] ?? spec, command: spec, versions: [4, 5], lacks: {} };
  }
  for (const cap of v.lacks ?? []) {
    if (CLIENT_CAPABILITIES[cap] === undefined) throw new UsageError(`--lacks ${cap}: unknown capability (known: ${Object.keys(CLIENT_CAPABILITIES).join(', ')})`);
    client.lacks[cap] = 'declared on the command line (--lacks)';
  }
  if (v['client-versions'] !== undefined) {
    const versions = v['client-versions'].split(',').map((s) => s.trim().replace(/^v/, ''));
    const bad = versions.find((x) => x !== '3.1.1' && x !== '5' && x !== '5.0');
    if (bad !== undefined || versions.length === 0) throw new UsageError(`--client-versions takes 3.1.1 and/or 5, got ${JSON.stringify(v['client-versions'])}`);
    client.versions = versions.map((x) => (x === '3.1.1' ? 4 : 5));
  }
  const options: ClientRunOptions = { client, parallel: DEFAULT_PARALLEL, reportDir: resolve(cwd, v['report-dir'] ?? DEFAULT_REPORT_DIR) };
  if (v.parallel !== undefined) {
    const n = Number(v.parallel);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--parallel needs a whole number >= 1, got ${JSON.stringify(v.parallel)}`);
    options.parallel = n;
  }
  if (v.timeout !== undefined) {
    const n = Number(v.timeout);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--timeout needs a whole number >= 1, got ${JSON.stringify(v.timeout)}`);
    options.timeoutMs = n;
  }
  if (v.tags !== undefined) options.tags = v.tags;
  if (v.version !== undefined) {
    const version = v.version.replace(/^v/, '');
    if (version !== '3.1.1' && version !== '5') throw new UsageError(`--version must be 3.1.1 or 5 for a client, got ${JSON.stringify(v.version)}`);
    options.version = version;
  }
  return options;
}

/** A well-known client that is not installed here: exit 3, no verdict. */
export class ClientUnavailableError extends Error {
  readonly code = 'CLIENT_UNAVAILABLE';
}

/** Bound on the adapter's greeting in the pre-flight check (an interpreter loading a library on a busy machine). */
const PREFLIGHT_HELLO_MS = 20_000;

/**
 * Starts the adapter once before any scenario and waits for its "hello" line: a command that
 * cannot start, or a program that exits or never greets, is a client that cannot run here
 * (ClientUnavailableError, exit 3), not a scenario verdict.
 */
export async function checkAdapterStarts(client: ClientUnderTestConfig, helloMs = PREFLIGHT_HELLO_MS): Promise<void> {
  let adapter: ClientUnderTest;
  try {
    // The adapter connects only when told to: a port nobody listens on is enough for its greeting.
    adapter = await ClientUnderTest.start({ command: client.command, host: '127.0.0.1', port: 1 });
  } catch (e) {
    throw new ClientUnavailableError(e instanceof AdapterError ? e.message : `cannot start the client adapter: ${(e as Error).message}`);
  }
  try {
    const hello = await adapter.nextEvent((e) => e.event === 'hello', helloMs);
    if (hello === undefined) {
      const how = adapter.exited ? 'exited' : `printed no "hello" line within ${helloMs} ms`;
      const tail = adapter.stderrTail;
      throw new ClientUnavailableError(`the client adapter ${how} (${client.command})${tail ? `; its stderr:\n${tail}` : ''}`);
    }
  } finally {
    await adapter.stop();
  }
}

export async function runClientSuite(options: ClientRunOptions, argv: string[]): Promise<number> {
  const messagesPath = await messagesFileIn(options.reportDir);
  const env = workerEnvironment({
    [CLIENT_ENV]: JSON.stringify(options.client),
    [ENV.timeoutMs]: options.timeoutMs === undefined ? undefined : String(options.timeoutMs),
  });
  const tags = tagExpression(options);
  const provided: Record<string, unknown> = { parallel: options.parallel > 1 ? options.parallel : 0 };
  if (tags !== undefined) provided['tags'] = tags;
  const c = options.client;
  const banner = `mqtt-conformance ${packageVersion()}: client ${c.name}${c.version ? ` ${c.version}` : ''} (${options.parallel} worker${options.parallel === 1 ? '' : 's'}${tags ? `, tags ${tags}` : ''})\n`;
  const { envelopes, success, startedAt, durationMs } = await runCucumberWithProgress(RUNNING_COMPILED ? 'clientCompiled' : 'client', provided, env, banner, messagesPath);
  const target: RunMeta['target'] = { name: c.name, url: c.command, kind: 'process' };
  if (c.version !== undefined) target.version = c.version;
  const meta: RunMeta = { tool: { name: 'mqtt-conformance', version: packageVersion() }, target, startedAt: startedAt.toISOString(), durationMs: Math.round(durationMs), argv: ['mqtt-conformance', 'run', ...argv] };
  if (tags !== undefined) meta.tags = tags;
  const model = asClientModel(buildComplianceModel(envelopes, meta));
  const written = await writeRunReports(model, options.reportDir, messagesPath);
  printSummary(model, written, durationMs / 1000);
  return runExitCode(model, success);
}

export async function main(argv: string[]): Promise<number> {
  let options: ClientRunOptions | undefined;
  try {
    options = parseClientRunArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`mqtt-conformance run: ${e.message}\nRun "mqtt-conformance run --client x --help" for the options.\n`);
      return 2;
    }
    if (e instanceof ClientUnavailableError) {
      process.stderr.write(`mqtt-conformance run: cannot run the client: ${e.message}\n`);
      return 3;
    }
    throw e;
  }
  if (options === undefined) {
    process.stdout.write(`${CLIENT_RUN_USAGE}\n`);
    return 0;
  }
  try {
    await checkAdapterStarts(options.client);
  } catch (e) {
    if (e instanceof ClientUnavailableError) {
      process.stderr.write(`mqtt-conformance run: cannot run the client: ${e.message}\n`);
      return 3;
    }
    throw e;
  }
  return runClientSuite(options, argv);
}
