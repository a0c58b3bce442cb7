/**
 * The security features (auth, TLS, WebSocket) run by the suite's CLI against the reference broker
 * configured with a password file and TCP, TLS, WebSocket and secure WebSocket listeners (with
 * certificates made at test time). Every scenario must pass; none may be left not applicable on
 * the endpoint it is meant for.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, startBroker, type RunningBroker } from '../../reference/index.js';
import { makeTestCertificates } from '../../reference/listeners/test-certs.js';

const ROOT = join(import.meta.dirname, '..', '..');
let dir: string;
let broker: RunningBroker;
let ca: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mqtt-sec-e2e-'));
  const certs = makeTestCertificates(dir);
  ca = certs.ca;
  writeFileSync(join(dir, 'passwd'), `alice:${hashPassword('secret', { N: 1024, r: 8, p: 1 })}\n`);
  writeFileSync(
    join(dir, 'profile.json'),
    JSON.stringify({ name: 'reference-auth', capabilities: { auth: { valid: { username: 'alice', password: 'secret' }, anonymousAllowed: true }, maxPacketSize: 4096, connectTimeout: 2 } }),
  );
  const tls = { cert: certs.serverCert, key: certs.serverKey };
  broker = await startBroker({
    sysIntervalSeconds: 1,
    maxPacketSize: 4096,
    connectTimeoutMs: 2000,
    listeners: [{ protocol: 'mqtt' }, { protocol: 'mqtts', tls }, { protocol: 'ws' }, { protocol: 'wss', tls }],
    auth: { allowAnonymous: true, passwordFile: join(dir, 'passwd') },
  });
}, 60_000);
afterAll(async () => {
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Summary {
  passed: number;
  failed: number;
  notApplicable: number;
}

async function run(url: string, tags: string, extra: string[] = []): Promise<{ code: number; summary: Summary; output: string; messages: string }> {
  const reportDir = mkdtempSync(join(dir, 'report-'));
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'cli', 'main.ts'), 'run', '--broker', url, '--tags', tags, '--parallel', '2', '--report-dir', reportDir, ...extra], { cwd: ROOT });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? -1)));
  const text = readFileSync(join(reportDir, 'summary.md'), 'utf8');
  const messages = readFileSync(join(reportDir, 'messages.ndjson'), 'utf8');
  const count = (label: string): number => Number(new RegExp(`(\\d+) ${label}`).exec(output)?.[1] ?? NaN);
  return { code, messages, output: `${output}\n${text}`, summary: { passed: count('passed'), failed: count('failed'), notApplicable: count('not applicable') } };
}

const port = (protocol: string): number => {
  const l = broker.listeners.find((x) => x.protocol === protocol);
  if (!l) throw new Error(`no ${protocol} listener`);
  return l.port;
};

describe('security features against the reference broker', () => {
  it('auth.feature and limits.feature pass over TCP with the profile credentials and limits', async () => {
    const r = await run(`mqtt://127.0.0.1:${String(port('mqtt'))}`, '@needs:auth or (@optional and not @needs:tls and not @needs:websocket)', ['--profile', join(dir, 'profile.json')]);
    expect(r.messages).toContain('A client trickling a CONNECT byte by byte');
    expect(r.messages).toContain('A packet over the maximum packet size closes the connection before its body arrives');
    expect(r.summary.failed, r.output).toBe(0);
    expect(r.summary.notApplicable, r.output).toBe(0);
    expect(r.summary.passed, r.output).toBeGreaterThanOrEqual(8);
    expect(r.code).toBe(0);
  }, 120_000);

  it('websocket.feature and tls.feature pass over wss://', async () => {
    const r = await run(`wss://localhost:${String(port('wss'))}`, '@needs:websocket or @needs:tls', ['--ca', ca]);
    expect(r.messages).toContain('A text frame closes the connection');
    expect(r.summary.failed, r.output).toBe(0);
    expect(r.summary.notApplicable, r.output).toBe(0);
    expect(r.summary.passed, r.output).toBeGreaterThanOrEqual(5);
    expect(r.code).toBe(0);
  }, 120_000);
});
