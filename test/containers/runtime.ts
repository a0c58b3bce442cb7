/**
 * What the container tests need: a reachable container runtime (podman's Docker-compatible API,
 * which `scripts/containers.sh` serves inside a private network namespace) and the project's
 * images. Without them the tests skip and say which command sets them up; started from
 * `scripts/containers.sh` (MQTT_CONFORMANCE_CONTAINERS=required) they fail instead, so a broken
 * setup in CI can never pass as "skipped".
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { detectContainerRuntime, OWNER_LABEL, RUNTIME_DETECTION_TIMEOUT_MS } from '../../harness/targets/container.js';
import { MOSQUITTO } from '../third-party/brokers.js';

/** The command that gives this machine a runtime and the images, then runs the container tests. */
export const SETUP_COMMAND = 'sudo scripts/containers.sh test test/containers';

/** Set by scripts/containers.sh: the container tests must run. */
export const REQUIRED = process.env['MQTT_CONFORMANCE_CONTAINERS'] === 'required';

/** The Debian Mosquitto image, tagged with its version (which must be the host's, for one expected-results file). */
export function mosquittoImage(): string {
  const fromScript = process.env['MQTT_CONFORMANCE_MOSQUITTO_IMAGE'];
  if (fromScript !== undefined && fromScript !== '') return fromScript;
  let version = 'unknown';
  try {
    version = MOSQUITTO.installedVersion();
  } catch {
    // No host Mosquitto: the image name still says which one is missing.
  }
  return `localhost/mqtt-conformance/mosquitto:${version}`;
}

export const REFERENCE_IMAGE = process.env['MQTT_CONFORMANCE_REFERENCE_IMAGE'] || 'localhost/mqtt-conformance/reference-broker:latest';
export const SUITE_IMAGE = process.env['MQTT_CONFORMANCE_SUITE_IMAGE'] || 'localhost/mqtt-conformance/suite:latest';

type RuntimeClient = Awaited<ReturnType<typeof import('testcontainers')['getContainerRuntimeClient']>>;

async function client(): Promise<RuntimeClient> {
  const tc = await import('testcontainers');
  return tc.getContainerRuntimeClient();
}

/** Why the container tests cannot run here (runtime or images missing), or undefined when they can. */
export async function containerTestsUnavailable(images: readonly string[]): Promise<string | undefined> {
  const reason = await detectContainerRuntime(RUNTIME_DETECTION_TIMEOUT_MS);
  if (reason !== undefined) return `no container runtime (${reason}); set one up and run them with: ${SETUP_COMMAND}`;
  const dockerode = (await client()).container.dockerode;
  const missing: string[] = [];
  for (const image of images) {
    try {
      await dockerode.getImage(image).inspect();
    } catch {
      missing.push(image);
    }
  }
  return missing.length === 0 ? undefined : `images not built: ${missing.join(', ')}; build them with: sudo scripts/containers.sh images`;
}

/** Containers the container target started (labelled by it) that still exist, e.g. "abc123 (owner 42-…)". */
export async function ownedContainers(ownerPrefix = ''): Promise<string[]> {
  const dockerode = (await client()).container.dockerode;
  const list = await dockerode.listContainers({ all: true, filters: { label: [OWNER_LABEL] } });
  return list.filter((c) => (c.Labels[OWNER_LABEL] ?? '').startsWith(ownerPrefix)).map((c) => `${c.Id.slice(0, 12)} ${c.Image} (owner ${c.Labels[OWNER_LABEL] ?? '?'}, ${c.State})`);
}

/**
 * conmon processes (podman's per-container monitor) whose container no longer runs: what a wait
 * strategy that executes commands in the container leaves behind for minutes.
 */
export async function strayConmons(): Promise<string[]> {
  const dockerode = (await client()).container.dockerode;
  const running = new Set((await dockerode.listContainers()).map((c) => c.Id));
  const stray: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (!(argv[0] ?? '').endsWith('conmon')) continue;
    const at = Math.max(argv.indexOf('-c'), argv.indexOf('--cid'));
    const id = at < 0 ? undefined : argv[at + 1];
    if (id !== undefined && !running.has(id)) stray.push(`pid ${pid} (container ${id.slice(0, 12)})`);
  }
  return stray;
}

/**
 * True when this process runs in the private network namespace scripts/containers.sh made (it
 * exports the namespace's inode): only there may a test create podman networks (compose).
 */
export function inPrivateNetworkNamespace(): boolean {
  const expected = process.env['MQTT_CONFORMANCE_NETNS'];
  if (expected === undefined || expected === '') return false;
  try {
    return readlinkSync('/proc/self/ns/net') === expected;
  } catch {
    return false;
  }
}
