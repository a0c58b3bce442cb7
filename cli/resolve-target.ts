import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { ContainerTarget, genericContainerProfile, parseImageReference } from '../harness/targets/container.js';
import { ProcessTarget } from '../harness/targets/process.js';
import type { BrokerProfile } from '../harness/targets/profile-schema.js';
import { findContainerProfile, loadBundledProfile, loadProfileFile } from '../harness/targets/profiles.js';
import { ReferenceProcessTarget, ReferenceTarget } from '../reference/target/reference-target.js';
import { TargetError, type Credentials, type StartedTarget, type Target, type TargetDescription } from '../harness/targets/types.js';
import { UrlTarget, credentialsFromUrl, parseEndpointUrl, redactUrl } from '../harness/targets/url.js';
import { ReferenceClusterTarget } from '../reference/target/reference-cluster.js';
import { ClusterTarget } from '../harness/targets/cluster.js';
import { CommandLineError, splitCommandLine as splitWords } from '../harness/targets/command-line.js';

/** Options of `--broker`: the profile file and TLS material, as given on the command line. */
export interface ResolveTargetOptions {
  /** A broker profile file (JSON) for this target: start-up, capabilities, credentials. */
  profile?: string;
  /** PEM file of the CA for mqtts:// and wss://. */
  ca?: string;
  /** PEM file of a client certificate (needs `key`). */
  cert?: string;
  /** PEM file of the client certificate's key. */
  key?: string;
  /** Accept any server certificate. */
  insecure?: boolean;
  /** `--username`: the user the suite authenticates as (with `password`); also `mqtt://user:pass@host`. */
  username?: string;
  /** `--password` (needs `username`). */
  password?: string;
}

/** The forms `--broker` accepts, for usage text and errors. */
export const TARGET_FORMS = [
  'reference                 the reference broker in this process (default)',
  'reference:process         the reference broker as a child process',
  'reference:cluster:N       N reference broker nodes sharing a redis-server of their own (a cluster target)',
  'mqtt://HOST:PORT          a running broker (also mqtts://, ws://HOST:PORT/PATH, wss://)',
  'process:NAME              a local broker binary from profiles/NAME.json (e.g. process:mosquitto, process:aedes)',
  'process --profile FILE    a local broker binary described by a profile file',
  "process:'CMD ... {port}'  any local broker command line; {port} is replaced by a free port",
  'container:IMAGE[:TAG]     a broker image through testcontainers (eclipse-mosquitto, emqx/emqx, hivemq/hivemq-ce, vernemq/vernemq, emqx/nanomq, rabbitmq)',
] as const;

/** The options that shape a `--broker` target (ResolveTargetOptions), as usage lines of `run` and `certify`. */
export const TARGET_OPTIONS: readonly (readonly [flag: string, meaning: string])[] = [
  ['--profile FILE', 'broker profile (JSON): how to start it, its capabilities, credentials'],
  ['--ca FILE', 'CA certificate (PEM) for mqtts:// and wss://'],
  ['--cert FILE', 'client certificate (PEM), with --key'],
  ['--key FILE', 'client certificate key (PEM)'],
  ['--insecure', 'accept any server certificate'],
  ['--username USER', 'authenticate as USER (also mqtt://USER:PASSWORD@HOST:PORT)'],
  ['--password PASS', "USER's password"],
];

/** {@link TARGET_OPTIONS} as usage text: each line indented by `indent` spaces, the flag padded to `width`. */
export function targetOptionsUsage(indent: number, width: number): string {
  return TARGET_OPTIONS.map(([flag, meaning]) => `${' '.repeat(indent)}${flag.padEnd(width - 1)} ${meaning}`).join('\n');
}

function profileFrom(options: ResolveTargetOptions): BrokerProfile | undefined {
  return options.profile === undefined ? undefined : loadProfileFile(options.profile);
}

/**
 * The credentials of the command line: `--username`/`--password`, or the user and password of an
 * mqtt:// URL (both at once must agree). Undefined when none were given.
 */
export function commandLineCredentials(spec: string, options: ResolveTargetOptions): Credentials | undefined {
  if (options.password !== undefined && options.username === undefined) throw new TargetError('TARGET_CONFIG', '--password needs --username', 'password');
  const flags = options.username === undefined ? undefined : { username: options.username, password: options.password ?? '' };
  const fromUrl = /^(mqtts?|wss?):\/\//i.test(spec.trim()) ? credentialsFromUrl(spec.trim()) : undefined;
  if (flags !== undefined && fromUrl !== undefined && (flags.username !== fromUrl.username || flags.password !== fromUrl.password)) {
    throw new TargetError('TARGET_CONFIG', `the credentials of ${redactUrl(spec)} differ from --username/--password: give them once`, 'username');
  }
  return flags ?? fromUrl;
}

/** The profile (or a bare one named `name`) carrying the command line's credentials, if any. */
function withCredentials<P extends BrokerProfile | undefined>(profile: P, credentials: Credentials | undefined, name: string): P | BrokerProfile {
  if (credentials === undefined) return profile;
  return { ...(profile ?? { name }), credentials };
}

function rejectTls(spec: string, options: ResolveTargetOptions): void {
  if (options.ca !== undefined || options.cert !== undefined || options.key !== undefined || options.insecure === true) {
    throw new TargetError('TARGET_CONFIG', `--ca, --cert, --key and --insecure apply to mqtts:// and wss:// targets, not ${spec}`, spec);
  }
}

/** The words of `process:'CMD … {port}'` (harness/targets/command-line.ts); an unclosed quote is a configuration error. */
export function splitCommandLine(line: string): string[] {
  try {
    return splitWords(line);
  } catch (e) {
    if (e instanceof CommandLineError) throw new TargetError('TARGET_CONFIG', e.message, line);
    throw e;
  }
}

/** A profile for `process:'CMD … {port}'`: the command, capabilities all probed. */
export function commandLineProfile(line: string): BrokerProfile {
  const command = splitCommandLine(line);
  const binary = command[0];
  if (binary === undefined) throw new TargetError('TARGET_CONFIG', 'process: the command line is empty', line);
  const name = basename(binary).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'process';
  return { name, process: { command } };
}

function processTarget(spec: string, rest: string | undefined, options: ResolveTargetOptions, credentials: Credentials | undefined): Target {
  rejectTls(spec, options);
  const fromFile = profileFrom(options);
  if (rest === undefined || rest === '') {
    if (fromFile === undefined) {
      throw new TargetError('TARGET_CONFIG', '--broker process needs a profile: process:NAME (a file of profiles/) or --profile FILE', spec);
    }
    return new ProcessTarget(withCredentials(fromFile, credentials, 'process'));
  }
  if (rest.includes('{port}') || /\s/.test(rest)) {
    const profile = commandLineProfile(rest);
    if (fromFile !== undefined) {
      // The command line says how to start it; the file may still declare capabilities and credentials.
      const merged: BrokerProfile = { ...fromFile, process: profile.process ?? { command: [] } };
      return new ProcessTarget(withCredentials(merged, credentials, 'process'));
    }
    if (!rest.includes('{port}')) {
      throw new TargetError('TARGET_CONFIG', `process: the command line must contain {port} where the broker's port goes: ${rest}`, rest);
    }
    return new ProcessTarget(withCredentials(profile, credentials, 'process'));
  }
  return new ProcessTarget(withCredentials(fromFile ?? loadBundledProfile(rest), credentials, 'process'));
}

function containerTarget(spec: string, rest: string, options: ResolveTargetOptions, credentials: Credentials | undefined): Target {
  rejectTls(spec, options);
  const { image, tag } = parseImageReference(rest);
  const fromFile = profileFrom(options);
  if (fromFile !== undefined) {
    const withImage: BrokerProfile =
      fromFile.container === undefined ? { ...fromFile, container: { image, tag: tag ?? 'latest', port: 1883 } } : { ...fromFile, container: { ...fromFile.container, image } };
    return new ContainerTarget(withCredentials(withImage, credentials, 'container'), tag);
  }
  const bundled = findContainerProfile(image);
  if (bundled?.container !== undefined) {
    // Keep the image as the user spelled it (a registry prefix or mirror), with the bundled profile's settings.
    return new ContainerTarget(withCredentials({ ...bundled, container: { ...bundled.container, image } }, credentials, 'container'), tag);
  }
  return new ContainerTarget(withCredentials(genericContainerProfile(image, tag ?? 'latest'), credentials, 'container'), tag);
}

/**
 * Turns a `--broker` value into a configured (not yet started) target. Throws
 * `TargetError('TARGET_CONFIG')` for a value it does not understand, a bad profile, or TLS
 * options that do not apply; reachability is checked by `start()`, not here.
 */
export function resolveTarget(spec: string, options: ResolveTargetOptions = {}): Target {
  const trimmed = spec.trim();
  const credentials = commandLineCredentials(trimmed, options);
  if (credentials !== undefined && (trimmed === 'reference' || trimmed === 'reference:process')) {
    throw new TargetError('TARGET_CONFIG', `${trimmed} makes its own user and password at start: --username/--password apply to other targets`, 'username');
  }
  return resolveConfigured(spec, trimmed, options, credentials);
}

function resolveConfigured(spec: string, trimmed: string, options: ResolveTargetOptions, credentials: Credentials | undefined): Target {
  if (trimmed === 'reference') {
    rejectTls(spec, options);
    return new ReferenceTarget(profileFrom(options) ?? loadBundledProfile('reference'));
  }
  if (trimmed === 'reference:process') {
    rejectTls(spec, options);
    return new ReferenceProcessTarget(profileFrom(options) ?? loadBundledProfile('reference'));
  }
  const cluster = /^reference:cluster:(\d+)$/.exec(trimmed);
  if (cluster) {
    rejectTls(spec, options);
    return new ReferenceClusterTarget(Number(cluster[1]), profileFrom(options) ?? loadBundledProfile('reference'));
  }
  if (/^(mqtts?|wss?):\/\//i.test(trimmed)) {
    const endpoint = parseEndpointUrl(trimmed, options);
    return new UrlTarget(endpoint, withCredentials(profileFrom(options), credentials, endpoint.url));
  }
  if (trimmed === 'process' || trimmed.startsWith('process:')) {
    return processTarget(spec, trimmed === 'process' ? undefined : trimmed.slice('process:'.length), options, credentials);
  }
  if (trimmed.startsWith('container:')) {
    return containerTarget(spec, trimmed.slice('container:'.length), options, credentials);
  }
  throw new TargetError('TARGET_CONFIG', `unknown broker target ${JSON.stringify(spec)}; use one of:\n  ${TARGET_FORMS.join('\n  ')}`, spec);
}

/**
 * `--broker URL --node URL...`: the endpoints of one clustered broker, node 1 first (a cluster
 * target, harness/targets/cluster.ts). Each is a URL target with the same profile and TLS options.
 */
export function resolveClusterTarget(spec: string, nodes: readonly string[], options: ResolveTargetOptions = {}): Target {
  if (nodes.length === 0) return resolveTarget(spec, options);
  const all = [spec, ...nodes];
  for (const url of all) {
    if (!/^(mqtts?|wss?):\/\//i.test(url.trim())) throw new TargetError('TARGET_CONFIG', `--node goes with URL targets (mqtt://HOST:PORT ...): ${JSON.stringify(url)} is not one`, url);
  }
  return new ClusterTarget(all.map((url) => resolveTarget(url, options)));
}

/** A short, file-system-safe name for a `--broker` value (report folder and matrix column). */
export function targetSlug(spec: string): string {
  const trimmed = spec.trim();
  const slug = trimmed
    .replace(/^([a-z]+:\/\/)[^@/]*@/i, '$1')
    .replace(/^process:/, '')
    .replace(/^container:/, '')
    .replace(/^[a-z]+:\/\//i, (scheme) => scheme.replace('://', '-'))
    .replace(/\{port\}/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, 60) || 'target';
}

/** A command line with passwords hidden (`--password X`, `--password=X`, `mqtt://user:X@host`), for reports and logs. */
export function redactArgv(argv: readonly string[]): string[] {
  return argv.map((arg, i) => {
    if (argv[i - 1] === '--password') return '***';
    if (arg.startsWith('--password=')) return '--password=***';
    return redactUrl(arg);
  });
}

// ---- What a target gets of a run: its worker count, its name before it starts --------------------

const LOOPBACK = /^(127\.|localhost$|::1$|\[::1\]$)/;

/**
 * Workers for a target when `--parallel` is not given. Scenarios mostly wait (on timers, or on
 * bounds a broker lets run out), so more workers than CPUs pay off; each worker costs about 0.7 s
 * of CPU to start (cucumber's runtime and the steps). A broker on this machine (the embedded
 * reference broker, a local process, a loopback URL; a container reached on a loopback port counts
 * as local): 8, so more of those waits overlap. (The reference broker shares the CPUs with the
 * workers; it had 6 while each worker cost twice as much to start and the timer-bound scenarios
 * all started at once, see spreadTimerBound.) A remote broker (a shared server, a rate limit, a
 * slower path): 4.
 */
export function workersFor(kind: TargetDescription['kind'], host: string, cpus: number = availableParallelism()): number {
  const local = kind === 'reference' || kind === 'process' || LOOPBACK.test(host);
  return Math.max(2, local ? Math.min(8, 4 * cpus) : Math.min(4, 3 * cpus));
}

export function defaultWorkers(started: StartedTarget): number {
  return workersFor(started.describe().kind, started.endpoint.host);
}

/** The target name a `--broker` value will report, without starting it (for the recorded durations of `--dry-run`). */
export function targetNameOf(spec: string): { name: string; kind: TargetDescription['kind']; host: string } {
  const s = spec.trim();
  if (s === 'reference' || s === 'reference:process') return { name: 'reference', kind: 'reference', host: '127.0.0.1' };
  const named = /^(process|container):([A-Za-z0-9._-]+)$/.exec(s);
  if (named?.[2] !== undefined) return { name: named[2].replace(/^eclipse-/, ''), kind: named[1] as 'process' | 'container', host: '127.0.0.1' };
  const url = /^[a-z]+:\/\/\[?([^\]/:]+)/i.exec(s);
  return { name: s, kind: url ? 'url' : 'process', host: url?.[1] ?? '127.0.0.1' };
}
