/**
 * The third-party brokers whose whole-suite results are committed under `test/expected/`
 * (Mosquitto, Aedes, RabbitMQ, ejabberd), how to tell whether one is installed and which version it is (before running it), and how to run the
 * suite against one: `mqtt-conformance run --broker <target>` in a child process (the targets
 * module starts the broker on a free port with a generated config and stops it afterwards).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readReportJson, type ReportJson } from '../../reports/index.js';
import { parseExpectedResults, type ExpectedResults } from './expected-results.js';
import { npmPackageMissing } from '../../harness/clients/index.js';

export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const EXPECTED_DIR = join(PACKAGE_ROOT, 'test', 'expected');
export const MOSQUITTO_BINARY = '/usr/sbin/mosquitto';

export interface ThirdPartyBroker {
  /** Name as the run reports it (`target.name`) and as the expected file begins. */
  name: string;
  /** The `--broker` value. */
  target: string;
  /** Undefined when the broker can run here; otherwise why not. */
  unavailable(): string | undefined;
  /** The installed version, read without starting the broker. */
  installedVersion(): string;
  /**
   * Cucumber workers for its whole-suite run (default 2). More for a broker whose run is mostly
   * idle waits (expectation bounds running out on violations), which the workers overlap.
   */
  parallel?: number;
}

export const MOSQUITTO: ThirdPartyBroker = {
  name: 'mosquitto',
  target: 'process:mosquitto',
  unavailable: () => (existsSync(MOSQUITTO_BINARY) ? undefined : `${MOSQUITTO_BINARY} is not installed (Debian package "mosquitto"; .ci/run installs it)`),
  installedVersion: () => {
    const out = spawnSync(MOSQUITTO_BINARY, ['-h'], { encoding: 'utf8', timeout: 5000 });
    const match = /mosquitto version (\S+)/.exec(`${out.stdout ?? ''}${out.stderr ?? ''}`);
    if (match?.[1] === undefined) throw new Error(`cannot read the version from "${MOSQUITTO_BINARY} -h": ${out.error?.message ?? out.stdout}`);
    return match[1];
  },
};

export const AEDES: ThirdPartyBroker = {
  name: 'aedes',
  target: 'process:aedes',
  unavailable: () => npmPackageMissing('aedes', join(PACKAGE_ROOT, 'package.json'), 'npm install'),
  installedVersion: () => {
    // aedes exports no ./package.json: read it beside its resolved entry point.
    const entry = createRequire(join(PACKAGE_ROOT, 'package.json')).resolve('aedes');
    const pkg = JSON.parse(readFileSync(join(dirname(entry), 'package.json'), 'utf8')) as { version?: unknown };
    if (typeof pkg.version !== 'string') throw new Error(`no version in ${join(dirname(entry), 'package.json')}`);
    return pkg.version;
  },
};

/** Debian's rabbitmq-server: the script the `rabbitmq` profile runs links into the versioned release directory. */
export const RABBITMQ_SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';

export const RABBITMQ: ThirdPartyBroker = {
  name: 'rabbitmq',
  target: 'process:rabbitmq',
  // ~45 scenarios wait out the 4 s bound for a close that never comes: 4 workers, ~65 s instead of ~115 s.
  parallel: 4,
  unavailable: () => (existsSync(RABBITMQ_SERVER) ? undefined : `${RABBITMQ_SERVER} is not installed (Debian package "rabbitmq-server"; .ci/run installs it)`),
  installedVersion: () => {
    // /usr/lib/rabbitmq/bin/rabbitmq-server -> ../lib/rabbitmq_server-3.10.8/sbin/rabbitmq-server
    const match = /rabbitmq_server-([^/]+)\//.exec(realpathSync(RABBITMQ_SERVER));
    if (match?.[1] === undefined) throw new Error(`cannot read the version from the path of ${RABBITMQ_SERVER} (${realpathSync(RABBITMQ_SERVER)})`);
    return match[1];
  },
};

/** Debian's ejabberd: the `ejabberd` profile runs `erl` with the applications under this directory (ERL_LIBS). */
export const EJABBERD_LIBS = '/usr/lib/x86_64-linux-gnu';
export const ERL_BINARY = '/usr/bin/erl';

function ejabberdVersions(): string[] {
  if (!existsSync(EJABBERD_LIBS)) return [];
  return readdirSync(EJABBERD_LIBS)
    .map((entry) => /^ejabberd-(\d+(?:\.\d+)*)$/.exec(entry)?.[1])
    .filter((v): v is string => v !== undefined);
}

export const EJABBERD: ThirdPartyBroker = {
  name: 'ejabberd',
  target: 'process:ejabberd',
  // ~45 s with 4 workers instead of ~70 s with 2.
  parallel: 4,
  unavailable: () => {
    if (!existsSync(ERL_BINARY)) return `${ERL_BINARY} is not installed (Debian package "ejabberd" brings it; .ci/run installs it)`;
    return ejabberdVersions().length > 0 ? undefined : `no ${EJABBERD_LIBS}/ejabberd-<version> (Debian package "ejabberd"; .ci/run installs it)`;
  },
  installedVersion: () => {
    const versions = ejabberdVersions();
    if (versions.length !== 1) throw new Error(`expected one ${EJABBERD_LIBS}/ejabberd-<version> directory, found ${versions.length}: ${versions.join(', ')}`);
    return versions[0] as string;
  },
};

export const THIRD_PARTY_BROKERS: readonly ThirdPartyBroker[] = [MOSQUITTO, AEDES, RABBITMQ, EJABBERD];

/** `test/expected/<name>-<version>.json`. */
export function expectedFile(name: string, version: string): string {
  return join(EXPECTED_DIR, `${name}-${version}.json`);
}

export function loadExpectedFile(path: string): ExpectedResults {
  return parseExpectedResults(JSON.parse(readFileSync(path, 'utf8')) as unknown, relative(PACKAGE_ROOT, path));
}

export interface SuiteRun {
  /** Exit code of `mqtt-conformance run`: 0 nothing failed, 1 a scenario failed, 2 usage, 3 unreachable. */
  code: number;
  /** Its stdout and stderr, interleaved. */
  output: string;
  /** report.json, when the run wrote one. */
  report?: ReportJson;
}

/**
 * Bound of every expectation in third-party runs: above the 2000 ms default because `npm test`
 * runs other heavy tests beside these on a small machine, and a late packet must not read as drift.
 */
export const THIRD_PARTY_TIMEOUT_MS = 4000;

export interface SuiteRunOptions {
  parallel?: number;
  /** Bound of every expectation (default THIRD_PARTY_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Echo the run's output while it runs. */
  echo?: boolean;
  /** More arguments of `mqtt-conformance run` (e.g. `--profile FILE`). */
  args?: readonly string[];
  /** Write the reports here and keep them (default: a temporary directory, removed after). */
  reportDir?: string;
}

/** Runs the whole suite against `target` in a child process, in a temporary report directory (removed after). */
export async function runWholeSuite(target: string, options: SuiteRunOptions = {}): Promise<SuiteRun> {
  const dir = options.reportDir ?? (await mkdtemp(join(tmpdir(), 'mqttc-third-party-')));
  try {
    const args = [
      '--import',
      'tsx',
      join(PACKAGE_ROOT, 'cli', 'main.ts'),
      'run',
      '--broker',
      target,
      ...(options.args ?? []),
      '--parallel',
      String(options.parallel ?? 2),
      '--timeout',
      String(options.timeoutMs ?? THIRD_PARTY_TIMEOUT_MS),
      '--report-dir',
      dir,
    ];
    const chunks: string[] = [];
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, args, { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
      const collect = (stream: NodeJS.WriteStream) => (chunk: Buffer) => {
        chunks.push(chunk.toString());
        if (options.echo) stream.write(chunk);
      };
      child.stdout.on('data', collect(process.stdout));
      child.stderr.on('data', collect(process.stderr));
      child.once('error', reject);
      child.once('close', (c, signal) => resolve(c ?? (signal ? 128 : -1)));
    });
    const reportPath = join(dir, 'report.json');
    const run: SuiteRun = { code, output: chunks.join('') };
    if (existsSync(reportPath)) run.report = await readReportJson(reportPath);
    return run;
  } finally {
    if (options.reportDir === undefined) await rm(dir, { recursive: true, force: true });
  }
}
