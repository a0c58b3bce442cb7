import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkReportDir, checkSelection, checkTagExpression, parseExclusions, PreflightError } from './preflight.js';

const ROOT = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'mqttc-preflight-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('preflight checks', () => {
  it('shows the parser message for a tag expression that does not parse', () => {
    expect(() => checkTagExpression('@a and (')).toThrow(PreflightError);
    expect(() => checkTagExpression('@a and (')).toThrow(/is not a valid tag expression: .+/);
    expect(() => checkTagExpression('@v3.1.1 and not @optional')).not.toThrow();
  });

  it('refuses a selection that matches no scenario', () => {
    expect(() => checkSelection('@no-such-tag', '(@no-such-tag)')).toThrow(/selects no scenario/);
    expect(() => checkSelection(undefined, '@v7')).toThrow(/selects no scenario/);
    expect(checkSelection('@MQTT-3.1.0-1', '(@MQTT-3.1.0-1) and @v3.1.1')).toBeGreaterThan(0);
  });

  it('refuses a report directory that cannot be created or written', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    await expect(checkReportDir(join(file, 'reports'))).rejects.toThrow(/cannot be created or written: ENOTDIR/);
    await expect(checkReportDir(join(dir, 'new', 'deep'))).resolves.toBeUndefined();
  });

  it('reads --exclude as declared exclusions of mandatory capabilities only', () => {
    expect(parseExclusions(['retain,qos2', 'wildcards=no wildcard support'])).toEqual([
      { capability: 'retain', source: 'command line', reason: 'excluded with --exclude on the command line' },
      { capability: 'qos2', source: 'command line', reason: 'excluded with --exclude on the command line' },
      { capability: 'wildcards', source: 'command line', reason: 'no wildcard support' },
    ]);
    expect(() => parseExclusions(['tls'])).toThrow(/not an excludable capability/);
  });
});

/**
 * End to end: each usage mistake exits 2 with one line, before any broker starts. The broker is
 * a TCP listener that counts connections: none may arrive.
 */
describe('run and certify refuse bad input before any broker starts', () => {
  let listener: Server;
  let connections = 0;
  let port = 0;
  beforeAll(async () => {
    listener = createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
    port = (listener.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((r) => listener.close(r));
  });

  function cli(args: string[]): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'cli', 'main.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('exit', (code) => resolve({ code, stderr }));
    });
  }

  // A report directory under a plain file cannot be created, whoever runs the test (root too).
  beforeAll(() => writeFileSync(join(dir, 'plain-file'), ''));

  const cases: [string, string[], RegExp][] = [
    ['an unknown tag', ['--tags', '@no-such-tag'], /selects no scenario/],
    ['a malformed expression', ['--tags', '@a and ('], /is not a valid tag expression/],
    ['a report dir that cannot be created', ['--report-dir', join(dir, 'plain-file', 'out')], /cannot be created or written/],
  ];
  for (const command of ['run', 'certify'] as const) {
    for (const [what, args, message] of cases) {
      it(`${command}: ${what} exits 2 with one line`, async () => {
        const { code, stderr } = await cli([command, '--broker', `mqtt://127.0.0.1:${port}`, ...args]);
        expect(code).toBe(2);
        expect(stderr).toMatch(message);
        expect(stderr.trim().split('\n')).toHaveLength(1);
        expect(connections).toBe(0);
      }, 60_000);
    }
  }

  it('run: a --version that selects nothing with the tags exits 2', async () => {
    const { code, stderr } = await cli(['run', '--broker', `mqtt://127.0.0.1:${port}`, '--tags', '@MQTT-3.1.2-2 and not @v5', '--version', '5']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/selects no scenario/);
    expect(connections).toBe(0);
  }, 60_000);
});
