import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTargetSanity } from '../harness/targets/index.js';

/**
 * Target sanity (issue 15): a target that answers no CONNECT with a CONNACK gets no verdict. The
 * run exits 3 within 5 s, says what came back, and writes no report.
 */
const dir = mkdtempSync(join(tmpdir(), 'mqttc-sanity-'));

let http: ChildProcess;
let httpPort = 0;
let silent: Server;
const held = new Set<Socket>();
let silentPort = 0;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  httpPort = await freePort();
  http = spawn('python3', ['-m', 'http.server', String(httpPort), '--bind', '127.0.0.1'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  // Ready when it says so (python prints "Serving HTTP on ..." to stdout or stderr by version).
  await new Promise<void>((resolve, reject) => {
    const onData = (c: Buffer): void => {
      if (c.toString().includes('Serving HTTP')) resolve();
    };
    http.stdout?.on('data', onData);
    http.stderr?.on('data', onData);
    http.once('exit', (code) => reject(new Error(`python3 -m http.server exited with ${code}`)));
  });
  silent = createServer((s) => {
    held.add(s);
    s.on('close', () => held.delete(s));
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  silentPort = (silent.address() as { port: number }).port;
}, 30_000);

afterAll(async () => {
  if (http.pid !== undefined) process.kill(http.pid, 'SIGTERM');
  for (const s of held) s.destroy();
  await new Promise((r) => silent.close(r));
  rmSync(dir, { recursive: true, force: true });
});

/**
 * `mqtt-conformance run` in this process, timed from the call to its exit code: the bound is the
 * run's, not Node.js's start-up (seconds on a loaded machine). stderr is captured.
 */
async function run(port: number, reportDir: string): Promise<{ code: number; stderr: string; ms: number }> {
  const { main } = await import('./run.js');
  let stderr = '';
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array): boolean => {
    stderr += chunk.toString();
    return true;
  });
  const t0 = performance.now();
  try {
    const code = await main(['--broker', `mqtt://127.0.0.1:${port}`, '--report-dir', reportDir]);
    return { code, stderr, ms: performance.now() - t0 };
  } finally {
    process.stderr.write = write;
  }
}

describe('target sanity', () => {
  it('names HTTP from the first bytes', async () => {
    await expect(checkTargetSanity({ url: `mqtt://127.0.0.1:${httpPort}`, protocol: 'mqtt', host: '127.0.0.1', port: httpPort })).rejects.toMatchObject({
      code: 'TARGET_NOT_MQTT',
      message: expect.stringMatching(/not a CONNACK: [0-9a-f ]+.*\(looks like HTTP/),
    });
  });

  it('says nothing came back from a silent listener, within the bound', async () => {
    const t0 = performance.now();
    await expect(checkTargetSanity({ url: `mqtt://127.0.0.1:${silentPort}`, protocol: 'mqtt', host: '127.0.0.1', port: silentPort }, { timeoutMs: 800 })).rejects.toThrow(/nothing came back within 800 ms/);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it.each([
    ['python3 -m http.server', () => httpPort, /looks like HTTP/],
    ['a silent TCP listener', () => silentPort, /nothing came back within/],
  ] as const)('run against %s: exit 3 within 5 s, no report', async (_name, port, message) => {
    const reportDir = join(dir, `out-${port()}`);
    const { code, stderr, ms } = await run(port(), reportDir);
    expect(code).toBe(3);
    expect(stderr).toMatch(/is not an MQTT server/);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/compliant/);
    expect(ms).toBeLessThan(5000);
    expect(() => readdirSync(reportDir)).not.toThrow();
    expect(readdirSync(reportDir).filter((f) => f !== '.gitkeep')).toEqual([]);
  }, 30_000);
});
