import type { Capabilities, Credentials, Endpoint } from './types.js';
import { TargetError } from './types.js';
import { EXCLUDABLE_CAPABILITIES, isExcludable } from './started.js';

/**
 * A broker profile: one JSON data file per broker under `profiles/` (or any file given with
 * `--profile FILE`). It says how to start the broker (as a local process and/or a container),
 * the configuration the suite generates for it, and what the broker can do. Whatever it leaves
 * out of `capabilities` is probed at start (see probe.ts) unless `probe` is false.
 *
 * Templates (`command`, `files`, `env`) may use placeholders, replaced at start:
 * `{port}` the port of the endpoint the suite connects to, `{auxPort}` a second free port (e.g. a
 * plain TCP listener beside a WebSocket one), `{host}` 127.0.0.1, `{dir}` the target's temporary
 * directory, `{config}` the path of the config file (`config`, default the first of `files`),
 * `{node}` this Node.js binary, `{tsx}` the tsx loader (for `{node} --import {tsx} file.ts`),
 * `{root}` the mqtt-conformance package root. A whole `command` argument `{launcher:PATH}` runs a
 * launcher module of this package (e.g. `{launcher:reference/target/launcher}`): compiled from
 * `dist/` in the installed package, through tsx from the sources in a clone (placeholders.ts).
 */
export interface BrokerProfile {
  /** Slug: lower-case letters, digits, `-`; names the report column and `process:NAME`. */
  name: string;
  /** Human name, e.g. "Eclipse Mosquitto (Debian package)". */
  title?: string;
  description?: string;
  /** The broker's version when the profile knows it; otherwise `$SYS/broker/version` is probed. */
  version?: string;
  /** Probe what `capabilities` does not say (default true). */
  probe?: boolean;
  process?: ProcessSpec;
  container?: ContainerSpec;
  capabilities?: ProfileCapabilities;
  /**
   * Credentials given on the command line (`mqtt://user:pass@host`, `--username`/`--password`),
   * never read from a profile file. Unless `capabilities.auth` says otherwise, the target's start
   * declares them as `auth.valid` and probes whether anonymous clients are allowed (started.ts: settleCapabilities).
   */
  credentials?: Credentials;
  /**
   * Declared exclusions: capability (`qos1`, `qos2`, `retain`, `wildcards`,
   * `shared-subscriptions`) -> why. Scenarios needing it are not applicable, and every report
   * lists the exclusion ("compliant with 1 declared exclusion"). The only way to take behaviour
   * that MQTT requires out of judgement.
   */
  exclude?: Record<string, string>;
}

export type ProfileCapabilities = Partial<Capabilities>;

/** Where the suite connects, relative to the started broker: protocol and WebSocket path. */
export interface EndpointSpec {
  protocol: Endpoint['protocol'];
  /** WebSocket path (ws/wss only), default '/mqtt'. */
  path?: string;
}

export interface ProcessSpec {
  /** argv, placeholders allowed: e.g. ["/usr/sbin/mosquitto", "-c", "{config}"]. */
  command: string[];
  /** Files written into `{dir}` before start: name -> lines (joined with "\n") or text. */
  files?: Record<string, string[] | string>;
  /** Which of `files` `{config}` names (default: the first). */
  config?: string;
  env?: Record<string, string>;
  /**
   * `free` (default): the suite picks a free port and passes it as `{port}`, then waits until it
   * accepts TCP connections. `printed`: `{port}` is 0 and the broker prints the port it bound;
   * `ready` must then have a named group `port`.
   */
  port?: 'free' | 'printed';
  /**
   * A regular expression matched against each line of stdout/stderr that proves readiness; a
   * named group `version` gives the broker's version (e.g. "aedes (?<version>\\S+) listening").
   */
  ready?: string;
  /** Bound on start-up, default 10000 ms. */
  startTimeoutMs?: number;
  endpoint?: EndpointSpec;
}

export interface ContainerSpec {
  /** e.g. "eclipse-mosquitto", "emqx/emqx", "hivemq/hivemq-ce". */
  image: string;
  /** Default tag when `container:IMAGE` gives none. */
  tag: string;
  /** The MQTT port inside the container. */
  port: number;
  /** Files copied into the container before start: absolute path -> lines or text. */
  files?: Record<string, string[] | string>;
  env?: Record<string, string>;
  command?: string[];
  /** A regular expression on the container log that proves readiness (default: the port listens). */
  ready?: string;
  /** Bound on start-up including the image pull, default 180000 ms. */
  startTimeoutMs?: number;
  endpoint?: EndpointSpec;
}

/** Thrown for a profile that is not valid: `TargetError('TARGET_CONFIG')` naming the field. */
function bad(source: string, field: string, problem: string): TargetError {
  return new TargetError('TARGET_CONFIG', `invalid broker profile ${source}: ${field}: ${problem}`, field);
}

type Json = unknown;

function isRecord(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeType(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

class Checker {
  constructor(private readonly source: string) {}

  fail(field: string, problem: string): never {
    throw bad(this.source, field, problem);
  }

  record(value: Json, field: string, allowed: readonly string[]): Record<string, Json> {
    if (!isRecord(value)) this.fail(field, `expected an object, got ${describeType(value)}`);
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.fail(`${field}.${key}`, `unknown field (allowed: ${allowed.join(', ')})`);
    }
    return value;
  }

  string(value: Json, field: string): string {
    if (typeof value !== 'string') this.fail(field, `expected a string, got ${describeType(value)}`);
    return value;
  }

  optString(value: Json, field: string): string | undefined {
    return value === undefined ? undefined : this.string(value, field);
  }

  boolean(value: Json, field: string): boolean {
    if (typeof value !== 'boolean') this.fail(field, `expected true or false, got ${describeType(value)}`);
    return value;
  }

  integer(value: Json, field: string, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(field, `expected an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
    }
    return value;
  }

  positive(value: Json, field: string): number {
    if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
      this.fail(field, `expected a positive number, got ${JSON.stringify(value)}`);
    }
    return value;
  }

  stringArray(value: Json, field: string, nonEmpty: boolean): string[] {
    if (!Array.isArray(value)) this.fail(field, `expected an array of strings, got ${describeType(value)}`);
    if (nonEmpty && value.length === 0) this.fail(field, 'expected at least one element');
    return value.map((item, i) => this.string(item, `${field}[${i}]`));
  }

  stringMap(value: Json, field: string): Record<string, string> {
    if (!isRecord(value)) this.fail(field, `expected an object of strings, got ${describeType(value)}`);
    const out: Record<string, string> = {};
    for (const [key, item] of Object.entries(value)) out[key] = this.string(item, `${field}.${key}`);
    return out;
  }

  files(value: Json, field: string): Record<string, string[] | string> {
    if (!isRecord(value)) this.fail(field, `expected an object (file name -> lines), got ${describeType(value)}`);
    const out: Record<string, string[] | string> = {};
    for (const [key, item] of Object.entries(value)) {
      if (key.length === 0) this.fail(field, 'a file name is empty');
      out[key] = typeof item === 'string' ? item : this.stringArray(item, `${field}.${key}`, false);
    }
    return out;
  }

  regex(value: Json, field: string): string {
    const text = this.string(value, field);
    try {
      new RegExp(text);
    } catch (error) {
      this.fail(field, `not a valid regular expression: ${(error as Error).message}`);
    }
    return text;
  }

  endpoint(value: Json, field: string): EndpointSpec {
    const r = this.record(value, field, ['protocol', 'path']);
    const protocol = r['protocol'];
    if (protocol !== 'mqtt' && protocol !== 'mqtts' && protocol !== 'ws' && protocol !== 'wss') {
      this.fail(`${field}.protocol`, `expected "mqtt", "mqtts", "ws" or "wss", got ${JSON.stringify(protocol)}`);
    }
    const path = this.optString(r['path'], `${field}.path`);
    if (path !== undefined && !path.startsWith('/')) this.fail(`${field}.path`, 'must start with "/"');
    return path === undefined ? { protocol } : { protocol, path };
  }

  credentials(value: Json, field: string): Credentials {
    const r = this.record(value, field, ['username', 'password']);
    return { username: this.string(r['username'], `${field}.username`), password: this.string(r['password'], `${field}.password`) };
  }
}

const PROFILE_FIELDS = ['$schema', 'name', 'title', 'description', 'version', 'probe', 'process', 'container', 'capabilities', 'exclude', 'notes'] as const;
const PROCESS_FIELDS = ['command', 'files', 'config', 'env', 'port', 'ready', 'startTimeoutMs', 'endpoint'] as const;
const CONTAINER_FIELDS = ['image', 'tag', 'port', 'files', 'env', 'command', 'ready', 'startTimeoutMs', 'endpoint'] as const;
const CAPABILITY_FIELDS = [
  'versions',
  'maxQoS',
  'retain',
  'wildcards',
  'sys',
  'tls',
  'websocket',
  'sharedSubscriptions',
  'auth',
  'authMethods',
  'maxPacketSize',
  'sysInterval',
  'connectTimeout',
] as const;

function parseProcess(c: Checker, value: Json): ProcessSpec {
  const r = c.record(value, 'process', PROCESS_FIELDS);
  const spec: ProcessSpec = { command: c.stringArray(r['command'], 'process.command', true) };
  if (r['files'] !== undefined) spec.files = c.files(r['files'], 'process.files');
  if (r['config'] !== undefined) {
    spec.config = c.string(r['config'], 'process.config');
    if (spec.files === undefined || !(spec.config in spec.files)) c.fail('process.config', `names no file of process.files: ${JSON.stringify(spec.config)}`);
  }
  if (r['env'] !== undefined) spec.env = c.stringMap(r['env'], 'process.env');
  if (r['port'] !== undefined) {
    if (r['port'] !== 'free' && r['port'] !== 'printed') c.fail('process.port', `expected "free" or "printed", got ${JSON.stringify(r['port'])}`);
    spec.port = r['port'];
  }
  if (r['ready'] !== undefined) spec.ready = c.regex(r['ready'], 'process.ready');
  if (spec.port === 'printed' && (spec.ready === undefined || !spec.ready.includes('(?<port>'))) {
    c.fail('process.ready', 'with "port": "printed", a regular expression with a named group (?<port>...) is required');
  }
  if (r['startTimeoutMs'] !== undefined) spec.startTimeoutMs = c.positive(r['startTimeoutMs'], 'process.startTimeoutMs');
  if (r['endpoint'] !== undefined) spec.endpoint = c.endpoint(r['endpoint'], 'process.endpoint');
  const all = [...spec.command, ...Object.values(spec.files ?? {}).flat()].join('\n');
  if (spec.port !== 'printed' && !all.includes('{port}')) {
    c.fail('process.command', 'neither the command nor any file uses the {port} placeholder, so the broker cannot be told where to listen');
  }
  return spec;
}

function parseContainer(c: Checker, value: Json): ContainerSpec {
  const r = c.record(value, 'container', CONTAINER_FIELDS);
  const image = c.string(r['image'], 'container.image');
  if (image.length === 0 || /[\s:@]/.test(image)) c.fail('container.image', `expected an image name without tag, got ${JSON.stringify(image)}`);
  const spec: ContainerSpec = { image, tag: c.string(r['tag'], 'container.tag'), port: c.integer(r['port'], 'container.port', 1, 65535) };
  if (r['files'] !== undefined) {
    spec.files = c.files(r['files'], 'container.files');
    for (const path of Object.keys(spec.files)) if (!path.startsWith('/')) c.fail(`container.files.${path}`, 'a container file path must be absolute');
  }
  if (r['env'] !== undefined) spec.env = c.stringMap(r['env'], 'container.env');
  if (r['command'] !== undefined) spec.command = c.stringArray(r['command'], 'container.command', true);
  if (r['ready'] !== undefined) spec.ready = c.regex(r['ready'], 'container.ready');
  if (r['startTimeoutMs'] !== undefined) spec.startTimeoutMs = c.positive(r['startTimeoutMs'], 'container.startTimeoutMs');
  if (r['endpoint'] !== undefined) spec.endpoint = c.endpoint(r['endpoint'], 'container.endpoint');
  return spec;
}

/**
 * `capabilities.authMethods`: MQTT 5.0 Authentication Method names (UTF-8 strings, case-sensitive,
 * e.g. "SCRAM-SHA-256"), each non-empty, without control characters, listed once. An empty list
 * says the broker offers none.
 */
function parseAuthMethods(c: Checker, value: Json): string[] {
  const methods = c.stringArray(value, 'capabilities.authMethods', false);
  methods.forEach((method, i) => {
    const field = `capabilities.authMethods[${i}]`;
    if (method.length === 0) c.fail(field, 'an Authentication Method name is empty');
    if (/[\u0000-\u001f\u007f]/.test(method)) c.fail(field, `control characters are not allowed in an Authentication Method name: ${JSON.stringify(method)}`);
    if (Buffer.byteLength(method, 'utf8') > 65535) c.fail(field, 'longer than 65535 bytes, the most an MQTT UTF-8 string can hold');
    if (methods.indexOf(method) !== i) c.fail(field, `${JSON.stringify(method)} is listed twice`);
  });
  return methods;
}

function parseCapabilities(c: Checker, value: Json): ProfileCapabilities {
  const r = c.record(value, 'capabilities', CAPABILITY_FIELDS);
  const caps: ProfileCapabilities = {};
  if (r['versions'] !== undefined) {
    const v = r['versions'];
    if (!Array.isArray(v) || v.length === 0) c.fail('capabilities.versions', 'expected a non-empty array of protocol levels (3, 4, 5)');
    caps.versions = v.map((level: unknown, i) => {
      if (level !== 3 && level !== 4 && level !== 5) c.fail(`capabilities.versions[${i}]`, `expected 3 (MQTT 3.1), 4 (3.1.1) or 5, got ${JSON.stringify(level)}`);
      return level;
    });
  }
  if (r['maxQoS'] !== undefined) {
    const q = c.integer(r['maxQoS'], 'capabilities.maxQoS', 0, 2);
    caps.maxQoS = q === 0 ? 0 : q === 1 ? 1 : 2;
  }
  for (const key of ['retain', 'wildcards', 'sys', 'tls', 'websocket', 'sharedSubscriptions'] as const) {
    if (r[key] !== undefined) caps[key] = c.boolean(r[key], `capabilities.${key}`);
  }
  if (r['auth'] !== undefined) {
    const a = c.record(r['auth'], 'capabilities.auth', ['valid', 'invalidPassword', 'anonymousAllowed']);
    const auth: NonNullable<Capabilities['auth']> = {
      valid: c.credentials(a['valid'], 'capabilities.auth.valid'),
      anonymousAllowed: c.boolean(a['anonymousAllowed'], 'capabilities.auth.anonymousAllowed'),
    };
    if (a['invalidPassword'] !== undefined) auth.invalidPassword = c.credentials(a['invalidPassword'], 'capabilities.auth.invalidPassword');
    caps.auth = auth;
  }
  if (r['authMethods'] !== undefined) caps.authMethods = parseAuthMethods(c, r['authMethods']);
  if (r['maxPacketSize'] !== undefined) caps.maxPacketSize = c.integer(r['maxPacketSize'], 'capabilities.maxPacketSize', 2, 268_435_460);
  if (r['sysInterval'] !== undefined) caps.sysInterval = c.positive(r['sysInterval'], 'capabilities.sysInterval');
  if (r['connectTimeout'] !== undefined) caps.connectTimeout = c.positive(r['connectTimeout'], 'capabilities.connectTimeout');
  return caps;
}

/** `exclude`: excludable capability -> a non-empty reason. */
function parseExclude(c: Checker, value: Json): Record<string, string> {
  const map = c.stringMap(value, 'exclude');
  for (const [capability, reason] of Object.entries(map)) {
    if (!isExcludable(capability)) c.fail(`exclude.${capability}`, `not an excludable capability (one of: ${EXCLUDABLE_CAPABILITIES.join(', ')})`);
    if (reason.trim() === '') c.fail(`exclude.${capability}`, 'say why it is excluded: the reason is listed on every report');
  }
  return map;
}

/**
 * Validates a parsed JSON value as a broker profile. `source` (a file name) appears in errors.
 * Throws `TargetError('TARGET_CONFIG')` whose message and `detail` name the bad field.
 */
export function parseProfile(value: unknown, source: string): BrokerProfile {
  const c = new Checker(source);
  const r = c.record(value, 'profile', PROFILE_FIELDS);
  const name = c.string(r['name'], 'name');
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) c.fail('name', `expected lower-case letters, digits and "-", got ${JSON.stringify(name)}`);
  const profile: BrokerProfile = { name };
  const title = c.optString(r['title'], 'title');
  if (title !== undefined) profile.title = title;
  const description = c.optString(r['description'], 'description');
  if (description !== undefined) profile.description = description;
  const version = c.optString(r['version'], 'version');
  if (version !== undefined) profile.version = version;
  if (r['notes'] !== undefined) c.stringArray(r['notes'], 'notes', false);
  if (r['probe'] !== undefined) profile.probe = c.boolean(r['probe'], 'probe');
  if (r['process'] !== undefined) profile.process = parseProcess(c, r['process']);
  if (r['container'] !== undefined) profile.container = parseContainer(c, r['container']);
  if (r['capabilities'] !== undefined) profile.capabilities = parseCapabilities(c, r['capabilities']);
  if (r['exclude'] !== undefined) profile.exclude = parseExclude(c, r['exclude']);
  return profile;
}
