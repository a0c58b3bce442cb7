import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { COMMANDS, dispatch, usage } from './main.js';

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  return {
    stream: new Writable({
      write(chunk: Buffer, _e, done) {
        chunks.push(chunk.toString());
        done();
      },
    }),
    text: () => chunks.join(''),
  };
}

describe('dispatch', () => {
  it('prints the usage: exit 0 when asked, 2 when no command is given', async () => {
    const out = sink();
    expect(await dispatch(['--help'], out.stream, sink().stream)).toBe(0);
    expect(out.text()).toContain('Usage: mqtt-conformance <command>');
    for (const name of Object.keys(COMMANDS)) expect(usage()).toContain(name);
    const err = sink();
    expect(await dispatch([], sink().stream, err.stream)).toBe(2);
    expect(err.text()).toContain('Commands:');
  });

  it('rejects an unknown command, naming the known ones', async () => {
    const err = sink();
    expect(await dispatch(['frob'], sink().stream, err.stream)).toBe(2);
    expect(err.text()).toContain('unknown command "frob"');
    expect(err.text()).toContain('run, list');
  });

  it('prints the tool version', async () => {
    const out = sink();
    expect(await dispatch(['--version'], out.stream, sink().stream)).toBe(0);
    expect(out.text()).toMatch(/^mqtt-conformance \d+\.\d+\.\d+/);
  });

  it('passes the remaining arguments to the command module', async () => {
    // `list --help` prints the list usage on process.stdout and returns 0.
    expect(await dispatch(['list', '--help'], sink().stream, sink().stream)).toBe(0);
    expect(await dispatch(['list', '--bogus'], sink().stream, sink().stream)).toBe(2);
  });
});

describe('a reader that closes stdout early (`mqtt-conformance list | head -1`)', () => {
  it('drops the rest of the output and exits with the command\'s own code, without an EPIPE crash', async () => {
    const child = spawn(process.execPath, ['bin/mqtt-conformance.js', 'list'], { cwd: join(import.meta.dirname, '..'), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Read the first chunk, then close the pipe as `head -1` does: the rest of the list hits a closed pipe.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
  }, 30_000);
});
