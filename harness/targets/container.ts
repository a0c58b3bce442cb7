import { spawn } from 'node:child_process';
import http from 'node:http';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import createDebug from 'debug';
import { trackChild } from './children.js';
import { randomUUID } from 'node:crypto';
import type { ContainerRuntimeClient, StartedTestContainer, WaitStrategy } from 'testcontainers';
import { waitForConnack } from './connack-wait.js';
import { OutputLog } from './output-log.js';
import type { BrokerProfile, ContainerSpec } from './profile-schema.js';
import { createStartedTarget, settleCapabilities } from './started.js';
import { TargetError, type Endpoint, type StartedTarget, type Target } from './types.js';

const log = createDebug('mqtt-conformance:target');

/** How long finding a container runtime may take before the run gives up (the issue asks < 5 s overall). */
export const RUNTIME_DETECTION_TIMEOUT_MS = 3500;

/** `container:IMAGE[:TAG]` split into image and tag; a registry port (host:5000/x) is not a tag. */
export function parseImageReference(reference: string): { image: string; tag?: string } {
  if (reference.trim() === '' || /\s/.test(reference)) {
    throw new TargetError('TARGET_CONFIG', `not a container image: ${JSON.stringify(reference)} (expected container:IMAGE[:TAG])`, reference);
  }
  const at = reference.indexOf('@');
  if (at >= 0) return { image: reference.slice(0, at), tag: reference.slice(at) };
  const slash = reference.lastIndexOf('/');
  const colon = reference.lastIndexOf(':');
  if (colon > slash) return { image: reference.slice(0, colon), tag: reference.slice(colon + 1) };
  return { image: reference };
}

/** The spec for an image no profile knows: the MQTT port 1883, ready when it listens. */
export function genericContainerProfile(image: string, tag: string): BrokerProfile {
  return { name: image.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase() || 'container', container: { image, tag, port: 1883 } };
}

function imageName(spec: ContainerSpec, tag: string): string {
  return tag.startsWith('@') ? `${spec.image}${tag}` : `${spec.image}:${tag}`;
}

async function within<T>(promise: Promise<T>, timeoutMs: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(onTimeout()), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** How long loading testcontainers in the detection child may take (a loaded machine is slow to start node). */
const RUNTIME_CHECK_LOAD_MS = 20_000;

/**
 * Asks testcontainers, in a child process, whether a container runtime is reachable; resolves
 * `undefined` if so, else the reason. A child, because testcontainers' detection cannot be
 * cancelled: a DOCKER_HOST that accepts connections but never answers would keep this process
 * alive long after the bound. The bound `timeoutMs` runs from the moment the child has loaded
 * testcontainers (so that a busy machine starting node is not mistaken for a missing runtime);
 * the child is killed at the bound.
 */
export async function detectContainerRuntime(timeoutMs: number): Promise<string | undefined> {
  // With DOCKER_HOST named, its first answer decides within the bound; a runtime that answers may
  // then take longer over testcontainers' several queries (podman on a busy machine does).
  const pinged = await pingDockerHost(process.env['DOCKER_HOST'], timeoutMs);
  if (pinged === 'no-answer') return `none answered within ${timeoutMs} ms`;
  if (pinged !== 'answered' && pinged !== 'not-checked') return pinged;
  return runtimeCheckChild(pinged === 'answered' ? Math.max(timeoutMs, ANSWERING_RUNTIME_MS) : timeoutMs);
}

/** How long testcontainers may take to settle on a runtime that answered the ping. */
const ANSWERING_RUNTIME_MS = 20_000;

/**
 * `GET /_ping` on a unix:// or tcp:// DOCKER_HOST: 'answered' (any HTTP answer), 'no-answer'
 * within `timeoutMs`, the connection error, or 'not-checked' (no DOCKER_HOST, another scheme).
 */
async function pingDockerHost(dockerHost: string | undefined, timeoutMs: number): Promise<string> {
  if (dockerHost === undefined || dockerHost === '') return 'not-checked';
  let target: http.RequestOptions;
  if (dockerHost.startsWith('unix://')) target = { socketPath: dockerHost.slice('unix://'.length) };
  else if (dockerHost.startsWith('tcp://')) {
    const url = new URL(`http://${dockerHost.slice('tcp://'.length)}`);
    target = { host: url.hostname, port: Number(url.port || 2375) };
  } else return 'not-checked';
  return new Promise((resolve) => {
    const request = http.get({ ...target, path: '/_ping', timeout: timeoutMs }, (response) => {
      response.resume();
      resolve('answered');
    });
    request.once('timeout', () => {
      request.destroy();
      resolve('no-answer');
    });
    request.once('error', (error) => resolve(`DOCKER_HOST=${dockerHost}: ${error.message}`));
  });
}

function runtimeCheckChild(timeoutMs: number): Promise<string | undefined> {
  const module = testcontainersUrl();
  const script = [
    `const tc = await import(${JSON.stringify(module)});`,
    'process.stderr.write("loaded\\n");',
    'try { await tc.getContainerRuntimeClient(); process.stdout.write("ok"); process.exit(0); }',
    'catch (error) { process.stdout.write(String(error && error.message ? error.message : error)); process.exit(1); }',
  ].join('\n');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    trackChild(child);
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const giveUp = (reason: string) => (): void => {
      child.kill('SIGKILL');
      resolve(reason);
    };
    let timer = setTimeout(giveUp(`cannot load testcontainers within ${RUNTIME_CHECK_LOAD_MS} ms`), RUNTIME_CHECK_LOAD_MS);
    child.stderr?.once('data', () => {
      clearTimeout(timer);
      timer = setTimeout(giveUp(`none answered within ${timeoutMs} ms`), timeoutMs);
    });
    child.stderr?.resume();
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve(`cannot run the runtime check: ${error.message}`);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0 ? undefined : out.trim() || `runtime check exited with code ${code ?? '?'}`);
    });
  });
}

/**
 * Where testcontainers is installed. It is an optional peer dependency of the package (heavy,
 * and only `container:` targets need it), so its absence is a configuration error (exit 2)
 * naming the package to install.
 */
export function testcontainersUrl(): string {
  try {
    return pathToFileURL(createRequire(import.meta.url).resolve('testcontainers')).href;
  } catch {
    throw new TargetError('TARGET_CONFIG', 'container: targets need the testcontainers package, which is not installed: npm install testcontainers', 'testcontainers');
  }
}

/**
 * A broker image run through testcontainers. Without a reachable Docker (or Podman) engine,
 * `start()` fails within `RUNTIME_DETECTION_TIMEOUT_MS` with `TARGET_NO_CONTAINER_RUNTIME`,
 * before anything is pulled or started.
 */
export class ContainerTarget implements Target {
  readonly kind = 'container';
  private readonly spec: ContainerSpec;
  private readonly tag: string;

  constructor(
    private readonly profile: BrokerProfile,
    tag?: string,
    private readonly runtimeTimeoutMs = RUNTIME_DETECTION_TIMEOUT_MS,
  ) {
    if (profile.container === undefined) {
      throw new TargetError('TARGET_CONFIG', `broker profile "${profile.name}" has no "container" section, so it cannot run as a container`, profile.name);
    }
    this.spec = profile.container;
    this.tag = tag ?? profile.container.tag;
  }

  /** The image reference this target runs, e.g. "emqx/emqx:5.8.6". */
  get image(): string {
    return imageName(this.spec, this.tag);
  }

  async start(): Promise<StartedTarget> {
    const image = this.image;
    const noRuntime = (reason: string): TargetError =>
      new TargetError(
        'TARGET_NO_CONTAINER_RUNTIME',
        `cannot run container ${image}: no container runtime is reachable (${reason}). Start Docker or Podman (or set DOCKER_HOST), or run the broker yourself and use --broker mqtt://host:port.`,
        reason,
      );
    testcontainersUrl();
    const problem = await detectContainerRuntime(this.runtimeTimeoutMs);
    if (problem !== undefined) throw noRuntime(problem);
    let tc: typeof import('testcontainers');
    let client: ContainerRuntimeClient;
    try {
      tc = await import('testcontainers');
      // The child just reached this runtime, so a slow answer here is load, not absence: a longer bound.
      const boundMs = Math.max(this.runtimeTimeoutMs, 15_000);
      client = await within(tc.getContainerRuntimeClient(), boundMs, () => noRuntime(`none answered within ${boundMs} ms`));
    } catch (error) {
      if (error instanceof TargetError) throw error;
      throw noRuntime((error as Error).message);
    }

    const spec = this.spec;
    const output = new OutputLog();
    let logEnded = false;
    // Ours alone: what an interrupted start removes (the runtime names no container before start() returns).
    const owner = `${process.pid}-${randomUUID()}`;
    let container = new tc.GenericContainer(image)
      .withExposedPorts(spec.port)
      .withLabels({ [OWNER_LABEL]: owner })
      .withStartupTimeout(spec.startTimeoutMs ?? 180_000)
      .withLogConsumer((stream) => {
        stream.on('data', (chunk: Buffer | string) => output.write(chunk));
        stream.once('end', () => (logEnded = true));
      });
    if (spec.env !== undefined) container = container.withEnvironment(spec.env);
    if (spec.command !== undefined) container = container.withCommand(spec.command);
    if (spec.files !== undefined) {
      container = container.withCopyContentToContainer(
        Object.entries(spec.files).map(([target, body]) => ({ content: Array.isArray(body) ? `${body.join('\n')}\n` : body, target })),
      );
    }
    // A log line, read from the log stream, when the profile names one; the CONNACK wait below in
    // any case. Never testcontainers' default (it runs commands inside the container, and podman
    // keeps a conmon per command alive for minutes) and never a fixed sleep.
    container = container.withWaitStrategy(spec.ready !== undefined ? tc.Wait.forLogMessage(new RegExp(spec.ready)) : new ReturnAtOnce());
    log('%s: starting container %s', this.profile.name, image);
    const startedAt = Date.now();
    const untrack = trackContainers(client, owner);
    let started: StartedTestContainer;
    try {
      started = await container.start();
    } catch (error) {
      await removeOwned(client, owner);
      untrack();
      throw new TargetError('TARGET_START_FAILED', `container ${image} did not start: ${(error as Error).message} (its output follows)`, `--- container output ---\n${output.text()}`);
    }
    let stopping = false;
    const stop = async (): Promise<void> => {
      stopping = true;
      try {
        await started.stop({ timeout: 5_000 });
      } finally {
        untrack();
      }
    };
    const host = started.getHost();
    const port = started.getMappedPort(spec.port);
    const protocol = spec.endpoint?.protocol ?? 'mqtt';
    const endpoint: Endpoint = { url: '', protocol, host, port };
    if (protocol === 'ws' || protocol === 'wss') endpoint.path = spec.endpoint?.path ?? '/mqtt';
    if (protocol === 'mqtts' || protocol === 'wss') endpoint.tls = { rejectUnauthorized: false };
    endpoint.url = `${protocol}://${host}:${port}${endpoint.path ?? ''}`;
    try {
      if (protocol === 'mqtt') {
        const timeoutMs = Math.max(1_000, (spec.startTimeoutMs ?? 180_000) - (Date.now() - startedAt));
        const unanswered = await waitForConnack(host, port, { timeoutMs, abort: () => (logEnded ? 'the container stopped' : undefined) });
        if (unanswered !== undefined) {
          throw new TargetError('TARGET_START_FAILED', `container ${image} started but does not answer MQTT: ${unanswered} (its output follows)`, `--- container output ---\n${output.text()}`);
        }
      }
      const { capabilities, version } = await settleCapabilities(endpoint, this.profile, this.tag.startsWith('@') ? undefined : this.tag);
      const description = { name: this.profile.name, url: endpoint.url, kind: 'container' as const };
      return createStartedTarget({
        endpoint,
        capabilities,
        description: version === undefined ? description : { ...description, version },
        release: stop,
        output: () => output.text(),
        failure: () =>
          logEnded && !stopping ? new TargetError('TARGET_DIED', `container ${image} stopped during the run (its output follows)`, `--- container output ---\n${output.text()}`) : undefined,
      });
    } catch (error) {
      await stop();
      throw error;
    }
  }
}

/** Label on every container this module starts: `<pid>-<uuid>` of the start that owns it. */
export const OWNER_LABEL = 'org.mqtt-conformance.owner';

/** For a strategy-less start: testcontainers returns once the container runs; the CONNACK wait follows. */
class ReturnAtOnce implements WaitStrategy {
  private timeoutMs = 60_000;
  private timeoutSet = false;
  async waitUntilReady(): Promise<void> {}
  withStartupTimeout(startupTimeoutMs: number): this {
    this.timeoutMs = startupTimeoutMs;
    this.timeoutSet = true;
    return this;
  }
  isStartupTimeoutSet(): boolean {
    return this.timeoutSet;
  }
  getStartupTimeout(): number {
    return this.timeoutMs;
  }
}

/** Force-removes every container labelled with `owner`; errors are logged, not thrown (this is cleanup). */
async function removeOwned(client: ContainerRuntimeClient, owner: string): Promise<void> {
  try {
    const found = await client.container.dockerode.listContainers({ all: true, filters: { label: [`${OWNER_LABEL}=${owner}`] } });
    await Promise.all(found.map((info) => client.container.dockerode.getContainer(info.Id).remove({ force: true, v: true })));
  } catch (error) {
    log('removing the containers of %s failed: %s', owner, (error as Error).message);
  }
}

/** Owners whose containers a signal must remove, with their runtime client. */
const owned = new Map<string, ContainerRuntimeClient>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** Our signal handlers, installed while some container is owned. */
const handlers = new Map<NodeJS.Signals, () => void>();

function uninstallHandlers(): void {
  for (const [signal, handler] of handlers) process.off(signal, handler);
  handlers.clear();
}

/**
 * Removes the containers of `owner` when this process is interrupted (Ctrl-C, kill) before the
 * target's own stop does: while it starts, before the run installs its handler, or when a test
 * runner is stopped. After removal the signal is raised again when nobody else handles it, so the
 * process still ends. Returns the function that forgets `owner` once stopped.
 */
function trackContainers(client: ContainerRuntimeClient, owner: string): () => void {
  owned.set(owner, client);
  if (handlers.size === 0) {
    for (const signal of SIGNALS) {
      const onSignal = (): void => {
        const removals = [...owned].map(([id, c]) => removeOwned(c, id));
        owned.clear();
        uninstallHandlers();
        void Promise.all(removals).finally(() => {
          if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
        });
      };
      handlers.set(signal, onSignal);
      process.on(signal, onSignal);
    }
  }
  return () => {
    owned.delete(owner);
    if (owned.size === 0) uninstallHandlers();
  };
}
