import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import createDebug from 'debug';
import { trackChild, trackDir, untrackDir } from './children.js';
import { findFreePort } from './net.js';
import { waitForPort } from './url.js';
import { OutputLog } from './output-log.js';
import { LAUNCHER_ARGUMENT, fillPlaceholders, launcherCommand, placeholdersIn, tsxLoaderUrl, type PlaceholderValues } from './placeholders.js';
import type { BrokerProfile, ProcessSpec } from './profile-schema.js';
import { readProcCpu, readProcRss } from './proc-metrics.js';
import { PACKAGE_ROOT } from './profiles.js';
import { createStartedTarget, settleCapabilities } from './started.js';
import { TargetError, type Endpoint, type StartedTarget, type Target, type TargetProcess } from './types.js';

const log = createDebug('mqtt-conformance:target');

const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_START_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 5_000;
const PORT_RETRIES = 3;

/** The files and argv a process profile produces for given placeholder values (pure; exported for tests). */
export interface GeneratedLaunch {
  command: string[];
  files: { name: string; text: string }[];
  env: Record<string, string>;
}

/** Applies placeholders to a process spec: the generated config files, argv and environment. */
export function generateLaunch(spec: ProcessSpec, values: PlaceholderValues): GeneratedLaunch {
  const files = Object.entries(spec.files ?? {}).map(([name, body]) => {
    const normalized = normalize(name);
    if (isAbsolute(name) || normalized.startsWith('..')) {
      throw new TargetError('TARGET_CONFIG', `process.files.${name}: a file name must stay inside the target directory`, name);
    }
    const text = Array.isArray(body) ? `${body.join('\n')}\n` : body;
    return { name: normalized, text: fillPlaceholders(text, values, `process.files.${name}`) };
  });
  const command = spec.command.flatMap((arg, i) => {
    const launcher = LAUNCHER_ARGUMENT.exec(arg);
    return launcher?.[1] !== undefined ? launcherCommand(launcher[1], `process.command[${i}]`) : [fillPlaceholders(arg, values, `process.command[${i}]`)];
  });
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(spec.env ?? {})) env[key] = fillPlaceholders(value, values, `process.env.${key}`);
  return { command, files, env };
}

function usedPlaceholders(spec: ProcessSpec): Set<string> {
  const texts = [...spec.command, ...Object.values(spec.env ?? {}), ...Object.values(spec.files ?? {}).flat()];
  return new Set(texts.flatMap(placeholdersIn));
}

function endpointFor(spec: ProcessSpec, host: string, port: number): Endpoint {
  const protocol = spec.endpoint?.protocol ?? 'mqtt';
  const endpoint: Endpoint = { url: '', protocol, host, port };
  if (protocol === 'ws' || protocol === 'wss') endpoint.path = spec.endpoint?.path ?? '/mqtt';
  if (protocol === 'mqtts' || protocol === 'wss') endpoint.tls = { rejectUnauthorized: false };
  endpoint.url = `${protocol}://${host.includes(':') ? `[${host}]` : host}:${port}${endpoint.path ?? ''}`;
  return endpoint;
}

/** Reads /proc for `pid` until the process has exited (then, and off Linux, undefined). */
function processMetrics(pid: number, exited: () => boolean, output: OutputLog, send: (signal: NodeJS.Signals) => void, ended: Promise<void>): TargetProcess {
  const read = <T>(reader: () => T): T | undefined => {
    if (exited()) return undefined;
    try {
      return reader();
    } catch {
      return undefined;
    }
  };
  return {
    pid,
    cpuSeconds: () => read(() => readProcCpu(pid).self),
    rssBytes: () => read(() => readProcRss(pid)),
    ask: (signal, answer, timeoutMs) => {
      if (exited()) return Promise.resolve(false);
      return new Promise<boolean>((resolve) => {
        const finish = (answered: boolean): void => {
          clearTimeout(timer);
          off();
          resolve(answered);
        };
        const timer = setTimeout(() => finish(false), timeoutMs);
        const off = output.onLine((line) => {
          if (answer.test(line)) finish(true);
        });
        void ended.then(() => finish(false));
        send(signal);
      });
    },
  };
}

/** How a process target runs besides its profile. */
export interface ProcessTargetOptions {
  /** The interface it binds (`{host}`) and is dialled on; default 127.0.0.1. */
  host?: string;
}

class PortConflict extends Error {}

/**
 * A broker binary on this machine, started from a profile's `process` section: a temporary
 * directory with the generated config, a free port, output captured (shown when it fails to
 * start or dies), stopped with SIGTERM (SIGKILL after 5 s) and its directory removed at the end.
 */
export class ProcessTarget implements Target {
  readonly kind = 'process';
  private readonly spec: ProcessSpec;
  private readonly host: string;

  constructor(
    private readonly profile: BrokerProfile,
    options: ProcessTargetOptions = {},
  ) {
    this.host = options.host ?? DEFAULT_HOST;
    if (profile.process === undefined) {
      throw new TargetError('TARGET_CONFIG', `broker profile "${profile.name}" has no "process" section, so it cannot run as a local process`, profile.name);
    }
    this.spec = profile.process;
  }

  async start(): Promise<StartedTarget> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.startOnce();
      } catch (error) {
        if (error instanceof PortConflict && attempt < PORT_RETRIES) {
          log('%s: port taken before the broker bound it, retrying', this.profile.name);
          continue;
        }
        if (error instanceof PortConflict) throw new TargetError('TARGET_START_FAILED', error.message, error.message);
        throw error;
      }
    }
  }

  private async startOnce(): Promise<StartedTarget> {
    const spec = this.spec;
    const name = this.profile.name;
    const used = usedPlaceholders(spec);
    const dir = await mkdtemp(join(tmpdir(), `mqttc-${name}-`));
    trackDir(dir);
    // Readable by all: a broker started as root may drop privileges (mosquitto becomes user
    // "mosquitto") before it reads its password file. Nothing secret is kept here.
    await chmod(dir, 0o755);
    const printed = spec.port === 'printed';
    const host = this.host;
    const port = printed ? 0 : await findFreePort(host);
    const configName = spec.config ?? Object.keys(spec.files ?? {})[0];
    const values: PlaceholderValues = {
      port: String(port),
      host,
      dir,
      node: process.execPath,
      root: PACKAGE_ROOT,
    };
    if (configName !== undefined) values.config = join(dir, normalize(configName));
    if (used.has('auxPort')) values.auxPort = String(await findFreePort(host));
    if (used.has('tsx')) values.tsx = tsxLoaderUrl();

    let launch: GeneratedLaunch;
    try {
      launch = generateLaunch(spec, values);
      for (const file of launch.files) {
        await mkdir(dirname(join(dir, file.name)), { recursive: true });
        await writeFile(join(dir, file.name), file.text, 'utf8');
      }
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      untrackDir(dir);
      throw error;
    }
    const [file, ...args] = launch.command;
    if (file === undefined) throw new TargetError('TARGET_CONFIG', `process.command of "${name}" is empty`, name);
    log('%s: starting %s %o in %s', name, file, args, dir);

    const output = new OutputLog();
    const child = spawn(file, args, { cwd: dir, env: { ...process.env, ...launch.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    trackChild(child);
    child.stdout?.on('data', (chunk: Buffer) => output.write(chunk, 'stdout'));
    child.stderr?.on('data', (chunk: Buffer) => output.write(chunk, 'stderr'));
    let exit: string | undefined;
    let stopping = false;
    const exited = new Promise<void>((resolve) => {
      child.once('error', (error) => {
        exit ??= `could not run ${file}: ${error.message}`;
        resolve();
      });
      child.once('exit', (code, signal) => {
        output.end();
        exit ??= signal === null ? `exited with code ${code ?? '?'}` : `killed by ${signal}`;
        resolve();
      });
    });

    const kill = async (): Promise<void> => {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        child.kill('SIGTERM');
        const forced = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(forced);
      }
      await rm(dir, { recursive: true, force: true });
      untrackDir(dir);
    };

    const failStart = async (reason: string): Promise<never> => {
      await kill();
      const text = output.text();
      if (!printed && /address already in use|EADDRINUSE/i.test(text)) throw new PortConflict(`${name} could not bind port ${port}: ${reason}\n${text}`);
      throw new TargetError('TARGET_START_FAILED', `broker process "${name}" did not start: ${reason} (the output of ${file} follows)`, `--- ${file} output ---\n${text}`);
    };

    const timeoutMs = spec.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    let boundPort = port;
    let startVersion: string | undefined;
    if (spec.ready !== undefined) {
      const pattern = new RegExp(spec.ready);
      const ready = await new Promise<{ ok: true; port?: number; version?: string } | { ok: false; reason: string }>((resolve) => {
        const timer = setTimeout(() => resolve({ ok: false, reason: `no line matching /${spec.ready ?? ''}/ within ${timeoutMs} ms` }), timeoutMs);
        const off = output.onLine((line) => {
          const match = pattern.exec(line);
          if (match === null) return;
          off();
          clearTimeout(timer);
          const printedPort = match.groups?.['port'];
          const printedVersion = match.groups?.['version'];
          resolve({
            ok: true,
            ...(printedPort === undefined ? {} : { port: Number(printedPort) }),
            ...(printedVersion === undefined ? {} : { version: printedVersion }),
          });
        });
        void exited.then(() => {
          off();
          clearTimeout(timer);
          resolve({ ok: false, reason: exit ?? 'exited' });
        });
      });
      if (!ready.ok) return failStart(ready.reason);
      startVersion = ready.version;
      if (printed) {
        if (ready.port === undefined || !(ready.port > 0 && ready.port < 65536)) return failStart('the readiness line gave no valid port');
        boundPort = ready.port;
      }
    }
    const notAccepting = await waitForPort(host, boundPort, { timeoutMs: Math.max(1, deadline - Date.now()), abort: () => exit });
    if (notAccepting !== undefined) return failStart(notAccepting);

    const endpoint = endpointFor(spec, host, boundPort);
    log('%s: accepting on %s (pid %d)', name, endpoint.url, child.pid);
    try {
      const { capabilities, version } = await settleCapabilities(endpoint, this.profile, undefined, startVersion);
      if (exit !== undefined) return failStart(`${exit} while being probed`);
      const description = { name, url: endpoint.url, kind: 'process' as const };
      return createStartedTarget({
        endpoint,
        capabilities,
        description: version === undefined ? description : { ...description, version },
        release: kill,
        ...(child.pid === undefined ? {} : { process: processMetrics(child.pid, () => exit !== undefined, output, (signal) => child.kill(signal), exited) }),
        failure: () =>
          exit !== undefined && !stopping
            ? new TargetError('TARGET_DIED', `broker process "${name}" ${exit} (its output follows)`, `--- ${file} output ---\n${output.text()}`)
            : undefined,
      });
    } catch (error) {
      // A broker that died while being probed failed to start; show why, with its output. (Its
      // listener may close a moment before the process ends, so give the exit a short bound.)
      await Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, 500).unref())]);
      if (exit !== undefined) return failStart(`${exit} while being probed`);
      await kill();
      throw error;
    }
  }
}
