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
