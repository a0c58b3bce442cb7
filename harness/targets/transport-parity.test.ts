import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './profiles.js';
import { launcherCommand } from './placeholders.js';
import { makeCertificates } from '../../test/support/targets/certificates.js';

interface Report {
  target: { url: string };
  scenarios: { name: string; verdict: string }[];
}

async function runSuite(broker: string, tags: string, extra: string[] = []): Promise<Report> {
  const dir = mkdtempSync(join(tmpdir(), 'parity-'));
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, [...launcherCommand('cli/main', 'test'), 'run', '--broker', broker, '--parallel', '1', '--tags', tags, '--report-dir', dir, ...extra], {
        cwd: PACKAGE_ROOT,
        stdio: 'ignore',
      });
      child.once('error', reject);
      child.once('exit', resolve);
    });
    expect([0, 1]).toContain(code);
    return JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The transport must not change a verdict: the same mosquitto over TCP (process:mosquitto) and
 * over WebSocket (process:mosquitto-ws) and over TLS gives the same verdict for each scenario, including those
 * where the server closes the connection (a WebSocket close must be seen as a TCP FIN is).
 */
describe('transport parity', () => {
  it('mosquitto gives the same verdicts over mqtt://, ws:// and mqtts://', { timeout: 180_000 }, async () => {
    const tags = '(@MQTT-3.1.0-1 or @MQTT-3.1.0-2 or @MQTT-3.1.2-8) and @v3.1.1';
    const dir = mkdtempSync(join(tmpdir(), 'parity-tls-'));
    try {
      makeCertificates(dir);
      const profile = join(dir, 'mosquitto-tls.json');
      const conf = ['listener {port} 127.0.0.1', `certfile ${dir}/server.pem`, `keyfile ${dir}/server.key`, 'allow_anonymous true', 'persistence false'];
      writeFileSync(profile, JSON.stringify({ name: 'mosquitto-tls', process: { command: ['/usr/sbin/mosquitto', '-c', '{config}'], files: { 'mosquitto.conf': conf }, endpoint: { protocol: 'mqtts' } } }));
      const [tcp, ws, tls] = await Promise.all([
        runSuite('process:mosquitto', tags),
        runSuite('process:mosquitto-ws', tags),
        runSuite('process', tags, ['--profile', profile]),
      ]);
      expect(ws.target.url).toMatch(/^ws:\/\//);
      expect(tls.target.url).toMatch(/^mqtts:\/\//);
      const verdicts = (r: Report): Record<string, string> => Object.fromEntries(r.scenarios.map((s) => [s.name, s.verdict]));
      expect(Object.keys(verdicts(tcp)).length).toBeGreaterThan(3);
      expect(Object.values(verdicts(tcp))).toContain('passed');
      expect(verdicts(ws)).toEqual(verdicts(tcp));
      expect(verdicts(tls)).toEqual(verdicts(tcp));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
