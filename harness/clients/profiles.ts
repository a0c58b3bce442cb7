/**
 * Well-known clients under test: the adapter command of each (with `{host}` and `{port}`), the
 * protocol versions it speaks, what it declares it cannot be told to do (so those scenarios are
 * not applicable, listed as declared exclusions), and how to read the installed version.
 * `mqtt-conformance run --client NAME` uses these; any other `--client 'COMMAND {host} {port}'`
 * is an adapter of the user's (harness/clients/adapters/README.md).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../targets/package-root.js';

/** The adapters are not TypeScript: they ship as they are, beside the sources, in the package too. */
export const ADAPTERS_DIR = join(PACKAGE_ROOT, 'harness', 'clients', 'adapters');

export interface ClientProfile {
  /** Name as reports show it. */
  name: string;
  command: string;
  versions: (4 | 5)[];
  /** Capability (see the client steps' CLIENT_CAPABILITIES) -> why the client cannot do it. */
  lacks: Record<string, string>;
  /** Undefined when the client can run here; otherwise why not. */
  unavailable(): string | undefined;
  /** The installed library version. */
  installedVersion(): string;
}

const PYTHON = '/usr/bin/python3';

/** Why the npm package `name` cannot be loaded from `fromFile`'s folder (`how` says how to install it), or undefined when it can. */
export function npmPackageMissing(name: string, fromFile: string, how: string): string | undefined {
  try {
    createRequire(fromFile).resolve(name);
    return undefined;
  } catch {
    return `the npm package "${name}" is not installed (${how})`;
  }
}

export const MQTTJS: ClientProfile = {
  name: 'mqttjs',
  command: `${process.execPath} ${join(ADAPTERS_DIR, 'mqttjs.mjs')} {host} {port}`,
  versions: [4, 5],
  lacks: {},
  unavailable: () => npmPackageMissing('mqtt', join(ADAPTERS_DIR, 'mqttjs.mjs'), 'npm install mqtt'),
  installedVersion: () => {
    const require = createRequire(join(ADAPTERS_DIR, 'mqttjs.mjs'));
    return (JSON.parse(readFileSync(require.resolve('mqtt/package.json'), 'utf8')) as { version: string }).version;
  },
};

export const PAHO_PYTHON: ClientProfile = {
  name: 'paho-python',
  command: `${PYTHON} ${join(ADAPTERS_DIR, 'paho_adapter.py')} {host} {port}`,
  versions: [4, 5],
  lacks: {
    'enhanced-auth': 'Paho Python 1.6 sends an Authentication Method in CONNECT but has no way to answer an AUTH packet (it does not handle AUTH)',
  },
  unavailable: () => {
    if (!existsSync(PYTHON)) return `${PYTHON} is not installed`;
    const r = spawnSync(PYTHON, ['-c', 'import paho.mqtt'], { encoding: 'utf8', timeout: 10_000 });
    return r.status === 0 ? undefined : 'the Python module paho.mqtt is not installed (Debian package "python3-paho-mqtt")';
  },
  installedVersion: () => spawnSync(PYTHON, ['-c', 'import paho.mqtt; print(paho.mqtt.__version__)'], { encoding: 'utf8', timeout: 10_000 }).stdout.trim(),
};

const ONE_PROGRAM = 'mosquitto_pub and mosquitto_sub each do one thing per connection';

export const MOSQUITTO_CLIENTS: ClientProfile = {
  name: 'mosquitto-clients',
  command: `${process.execPath} ${join(ADAPTERS_DIR, 'mosquitto.mjs')} {host} {port}`,
  versions: [4, 5],
  lacks: {
    idle: `${ONE_PROGRAM}: they connect to publish or to subscribe, never to stay idle`,
    'publish-and-subscribe': `${ONE_PROGRAM}: mosquitto_pub cannot subscribe, mosquitto_sub cannot publish`,
    'several-topics': 'mosquitto_pub -l publishes every line on the one topic and QoS given with -t and -q',
    'enhanced-auth': 'mosquitto_pub and mosquitto_sub have no option for an AUTH exchange (libmosquitto leaves it to the program)',
  },
  unavailable: () => (existsSync('/usr/bin/mosquitto_pub') && existsSync('/usr/bin/mosquitto_sub') ? undefined : 'mosquitto_pub / mosquitto_sub are not installed (Debian package "mosquitto-clients")'),
  installedVersion: () => {
    const r = spawnSync('/usr/bin/mosquitto_pub', ['--help'], { encoding: 'utf8', timeout: 10_000 });
    return /mosquitto_pub version (\S+)/.exec(`${r.stdout}${r.stderr}`)?.[1] ?? 'unknown';
  },
};

export const CLIENT_PROFILES: Readonly<Record<string, ClientProfile>> = {
  mqttjs: MQTTJS,
  'paho-python': PAHO_PYTHON,
  'mosquitto-clients': MOSQUITTO_CLIENTS,
};
