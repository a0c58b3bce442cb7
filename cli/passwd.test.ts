import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { parseHash, readPasswordFile, verifyPassword } from '../reference/index.js';
import { main } from './passwd.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-passwd-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = async (argv: string[], stdin = ''): Promise<{ code: number; err: string }> => {
  const err = new PassThrough();
  let text = '';
  err.on('data', (c: Buffer) => (text += c.toString()));
  const code = await main(argv, { err, out: new PassThrough(), input: Readable.from([stdin]) });
  return { code, err: text };
};

const verifies = async (file: string, user: string, password: string): Promise<boolean> => {
  const parsed = parseHash(readPasswordFile(file).get(user) ?? '');
  return parsed !== undefined && (await verifyPassword(Buffer.from(password), parsed));
};

describe('mqtt-conformance passwd', () => {
  it('adds, updates (from --password or stdin) and deletes users', async () => {
    const file = join(dir, 'pw1');
    expect((await run(['-c', '--password', 'one', file, 'alice'])).code).toBe(0);
    expect((await run(['--stdin', file, 'bob'], 'two\n'))).toEqual({ code: 0, err: '' });
    expect(await verifies(file, 'alice', 'one')).toBe(true);
    expect(await verifies(file, 'bob', 'two')).toBe(true);
    expect((await run([file, 'alice'], 'three\n')).code).toBe(0); // stdin not a terminal: read it
    expect(await verifies(file, 'alice', 'three')).toBe(true);
    expect(await verifies(file, 'alice', 'one')).toBe(false);
    expect((await run(['-D', file, 'bob'])).code).toBe(0);
    expect([...readPasswordFile(file).keys()]).toEqual(['alice']);
    expect(readFileSync(file, 'utf8')).not.toContain('three');
  });

  it('-c replaces an existing file', async () => {
    const file = join(dir, 'pw2');
    await run(['--password', 'a', file, 'u1']);
    await run(['-c', '--password', 'b', file, 'u2']);
    expect([...readPasswordFile(file).keys()]).toEqual(['u2']);
  });

  it('exits 2 with a clear message on usage errors, bad files and unknown users', async () => {
    const file = join(dir, 'pw3');
    writeFileSync(file, 'alice:not-a-hash\n');
    const cases: [string[], RegExp][] = [
      [[file], /expected FILE and USER/],
      [['-c', '-D', file, 'u'], /cannot be combined/],
      [['--bogus', file, 'u'], /unknown option/],
      [[file, 'bad:name', '--password', 'x'], /invalid user name/],
      [[file, 'alice', '--password', 'x'], /pw3:1/],
      [['-D', join(dir, 'missing'), 'nobody'], /not in/],
      [['--stdin', join(dir, 'pw4'), 'u'], /empty password/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
    }
  });
});
