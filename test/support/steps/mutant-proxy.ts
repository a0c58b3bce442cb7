import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { PacketDecoder, encode, type Packet, type ProtocolVersion } from '../../../harness/codec/index.js';
import type { StartedTarget } from '../../../harness/targets/index.js';
import { resolveTarget } from '../../../cli/resolve-target.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/**
 * A deliberately broken broker: a TCP proxy in front of a correct one that rewrites packets in
 * one direction. Used to prove the suite catches each kind of breakage. A mutation returns the
 * packets to forward instead (none to swallow the packet).
 */
export interface Mutation {
  toServer?: (packet: Packet, state: ConnectionState) => Packet[];
  toClient?: (packet: Packet, state: ConnectionState) => Packet[];
}

export interface ConnectionState {
  connects: number;
}

export interface MutantProxy {
  port: number;
  close(): Promise<void>;
}

/** How the proxy treats the end of a client's connection. */
export interface ProxyOptions {
  /**
   * A broker slow to notice a client's FIN or close: the proxy passes either on to the broker only
   * this many ms later (0: at once). Until then the broker still counts the client as connected.
   */
  holdClientEndMs?: number;
}

/** Forwards one direction: decodes, mutates, re-encodes; passes bytes through unchanged once they stop decoding. */
function pipe(from: net.Socket, to: net.Socket, decoder: PacketDecoder, mutate: (p: Packet) => Packet[], versionOf: () => ProtocolVersion, holdEndMs = 0): void {
  let raw = false;
  let pending = Buffer.alloc(0); // received bytes not yet delivered as a packet
  from.on('data', (chunk: Buffer) => {
    if (raw) {
      to.write(chunk);
      return;
    }
    pending = Buffer.concat([pending, chunk]);
    let delivered = 0;
    try {
      decoder.feed(chunk, (packet, bytes) => {
        delivered += bytes.length;
        const out = mutate(packet);
        if (out.length === 1 && out[0] === packet) to.write(Buffer.from(bytes));
        else for (const p of out) to.write(encode(p, p.type === 'connect' ? p.protocolVersion : versionOf()));
      });
      pending = pending.subarray(delivered);
    } catch {
      // Malformed on purpose (a raw-bytes scenario): the rest goes through as it is.
      raw = true;
      to.write(pending.subarray(delivered));
    }
  });
  // Half-closes are relayed as they are (both sockets allow half-open): the client sees the end of
  // its connection only once the broker ended it, as without the proxy. (With Node's default the
  // proxy answered a client's FIN at once, so a step waiting for the server's close went on before
  // the broker had seen the FIN, and a message the broker then sent on that connection was lost.)
  const later = (f: () => void): void => {
    if (holdEndMs > 0) setTimeout(f, holdEndMs);
    else f();
  };
  from.on('end', () => later(() => to.end()));
  from.on('close', () => later(() => to.destroy()));
  from.on('error', () => later(() => to.destroy()));
}

export async function startMutantProxy(upstreamPort: number, mutation: Mutation, host = '127.0.0.1', proxyOptions: ProxyOptions = {}): Promise<MutantProxy> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    const upstream = net.connect({ host, port: upstreamPort, allowHalfOpen: true });
    sockets.add(client).add(upstream);
    const state: ConnectionState = { connects: 0 };
    let version: ProtocolVersion = 4;
    const fromClient = new PacketDecoder();
    const fromServer = new PacketDecoder({ version: 4 });
    pipe(
      client,
      upstream,
      fromClient,
      (p) => {
        if (p.type === 'connect') {
          state.connects++;
          if (state.connects === 1) {
            version = p.protocolVersion;
            fromServer.version = version;
          }
        }
        return mutation.toServer ? mutation.toServer(p, state) : [p];
      },
      () => version,
      proxyOptions.holdClientEndMs,
    );
    pipe(upstream, client, fromServer, (p) => (mutation.toClient ? mutation.toClient(p, state) : [p]), () => version);
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/** What a run of the suite through a mutant wrote: the exit code and its report.json. */
export interface MutantRun<R> {
  code: number | null;
  report: R;
}

/**
 * Runs the suite (scenarios matching `tags`) against `reference` seen through a proxy applying
 * `mutation`, in a child `mqtt-conformance run`, and returns its exit code and report.json.
 * The capabilities are declared, not probed: a probe through the mutant would take its breakage
 * for a missing capability (RETAIN never set looks like "retain not available") and make
 * scenarios not applicable. The proxy relays the TCP endpoint only, so the reference's further
 * listeners (TLS, WebSocket) are left out of the declaration. `workDir` is the caller's to remove.
 */
export async function runSuiteThroughMutant<R>(
  reference: { endpoint: { host: string; port: number }; capabilities: object },
  mutation: Mutation,
  options: { tags: string; timeoutMs: number; workDir: string; proxy?: ProxyOptions },
): Promise<MutantRun<R>> {
  const proxy = await startMutantProxy(reference.endpoint.port, mutation, reference.endpoint.host, options.proxy);
  const { workDir: dir } = options;
  const profile = join(dir, 'profile.json');
  // What the reference's own probe found (its CONNACK declarations) is no profile field: left out.
  const { endpoints: _listeners, tls: _tls, websocket: _websocket, serverDeclarations: _declared, exclusions: _excluded, ...capabilities } = reference.capabilities as Record<string, unknown>;
  writeFileSync(profile, JSON.stringify({ name: 'mutant', probe: false, capabilities }));
  try {
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          '--import', 'tsx', join(ROOT, 'cli', 'main.ts'), 'run',
          '--broker', `mqtt://${reference.endpoint.host}:${proxy.port}`,
          '--profile', profile, '--tags', options.tags, '--parallel', '1',
          '--timeout', String(options.timeoutMs), '--report-dir', dir,
        ],
        { cwd: ROOT, stdio: 'ignore' },
      );
      child.on('exit', resolve);
    });
    return { code, report: JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as R };
  } finally {
    await proxy.close();
  }
}

/** The reference broker the mutant runs of one test file go through, and their working folders. */
export interface MutantRuns {
  /** The reference broker, started before the file's tests. */
  readonly reference: StartedTarget;
  /** A fresh folder for one run (its profile and reports), removed after the file's tests. */
  workDir(): string;
}

/** Starts the reference broker before the file's tests and stops it (and removes the run folders) after them. */
export function useMutantRuns(workDirPrefix: string): MutantRuns {
  let reference: StartedTarget | undefined;
  const dirs: string[] = [];
  beforeAll(async () => {
    reference = await resolveTarget('reference').start();
  });
  afterAll(async () => {
    await reference?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  return {
    get reference(): StartedTarget {
      if (reference === undefined) throw new Error('reference broker not started (use the mutant runs inside a test)');
      return reference;
    },
    workDir(): string {
      const dir = mkdtempSync(join(tmpdir(), workDirPrefix));
      dirs.push(dir);
      return dir;
    },
  };
}
