/**
 * `run --client` usage errors and clients that cannot run, before any scenario: exit 2 with a
 * message naming the flag for a usage mistake, exit 3 for an adapter that cannot start or never
 * greets. The CLI runs from the sources (tsx), as a user's clone would.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tsxLoaderUrl } from '../../harness/targets/placeholders.js';
import { PACKAGE_ROOT } from '../third-party/brokers.js';

const reportDir = mkdtempSync(join(tmpdir(), 'mqttc-client-usage-'));
afterAll(() => rmSync(reportDir, { recursive: true, force: true }));

function run(...args: string[]): { code: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', tsxLoaderUrl(), join(PACKAGE_ROOT, 'cli', 'main.ts'), 'run', ...args, '--report-dir', reportDir], {
    cwd: PACKAGE_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return { code: r.status, stderr: r.stderr };
}

/** An adapter that speaks the protocol but does nothing: enough to get past the pre-flight check. */
const SILENT = `${process.execPath} -e 'process.stdout.write(JSON.stringify({event:"hello",library:"x",version:"0"})+"\\n");setInterval(()=>{},1000)' {host} {port}`;

describe('run --client: usage errors exit 2 naming the flag, before any scenario', () => {
  it('an unknown --lacks capability', { timeout: 60_000 }, () => {
    const r = run('--client', SILENT, '--lacks', 'teleport');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--lacks teleport: unknown capability/);
    expect(readdirSync(reportDir)).toHaveLength(0);
  });

  it('a bad --client-versions', { timeout: 60_000 }, () => {
    const r = run('--client', SILENT, '--client-versions', '3.1,6');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--client-versions takes 3\.1\.1 and\/or 5/);
    expect(readdirSync(reportDir)).toHaveLength(0);
  });

  it('a --client that is neither a known client nor a command with {port}', { timeout: 60_000 }, () => {
    const r = run('--client', 'not-a-client');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--client "not-a-client"/);
  });
});

describe('run --client: a client that cannot run exits 3, before any scenario', () => {
  it('an adapter program that does not exist', { timeout: 60_000 }, () => {
    const r = run('--client', '/nonexistent/adapter {host} {port}');
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/cannot run the client: cannot start the client adapter "\/nonexistent\/adapter"/);
    expect(readdirSync(reportDir)).toHaveLength(0);
  });

  it('an adapter that exits without its "hello" line', { timeout: 60_000 }, () => {
    const r = run('--client', `${process.execPath} -e 'process.stderr.write("no library here\\n");process.exit(1)' {host} {port}`);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/the client adapter exited/);
    expect(r.stderr).toMatch(/no library here/);
    expect(readdirSync(reportDir)).toHaveLength(0);
  });
});
