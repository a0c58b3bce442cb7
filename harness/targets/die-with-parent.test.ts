import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dieWithParent } from './die-with-parent.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function comm(pid: number): string {
  try {
    return readFileSync(`/proc/${String(pid)}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** Polls a kernel fact every 20 ms for up to 5 s; true once it holds. */
async function waitFor(holds: () => boolean): Promise<boolean> {
  const deadline = Date.now() + 5000;
  while (!holds()) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

describe('dieWithParent', () => {
  it.skipIf(process.platform !== 'linux')('the command dies when its parent is killed with SIGKILL', async () => {
    // The parent: a node process that starts `sleep 600` through dieWithParent, prints its PID, then waits.
    const moduleUrl = new URL('./die-with-parent.ts', import.meta.url).href;
    const script = [
      `const { dieWithParent } = await import(${JSON.stringify(moduleUrl)});`,
      `const { spawn } = await import('node:child_process');`,
      `const c = dieWithParent('sleep', ['600']);`,
      `const child = spawn(c.file, c.args, { stdio: 'ignore' });`,
      `child.once('spawn', () => process.stdout.write(String(child.pid) + '\\n'));`,
      `setInterval(() => undefined, 1000);`,
    ].join('\n');
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const childPid = await new Promise<number>((resolve, reject) => {
      let out = '';
      parent.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(Number(out.trim()));
      });
      parent.once('exit', (code) => reject(new Error(`parent exited early (${String(code)})`)));
    });
    try {
      expect(alive(childPid)).toBe(true);
      // setpriv execs: the PID the parent knows becomes the command's own. The exec may still be under way
      // when 'spawn' fires (the PID then still reads setpriv), so wait for it: a bounded poll of a kernel fact.
      expect(await waitFor(() => comm(childPid) === 'sleep')).toBe(true);
      await new Promise<void>((resolve) => {
        parent.once('exit', () => resolve());
        parent.kill('SIGKILL');
      });
      // The kernel delivers SIGKILL to the orphan; wait for it to go.
      expect(await waitFor(() => !alive(childPid))).toBe(true);
    } finally {
      // Whatever failed above, neither process outlives the test.
      if (parent.exitCode === null && parent.signalCode === null) parent.kill('SIGKILL');
      if (alive(childPid)) process.kill(childPid, 'SIGKILL');
    }
  });

  it('runs the command itself after setpriv on Linux, and the command unchanged elsewhere', () => {
    const c = dieWithParent('redis-server', ['--port', '1']);
    if (process.platform === 'linux' && existsSync('/usr/bin/setpriv')) {
      expect(c).toEqual({ file: '/usr/bin/setpriv', args: ['--pdeathsig', 'KILL', '--', 'redis-server', '--port', '1'] });
    } else {
      expect(c).toEqual({ file: 'redis-server', args: ['--port', '1'] });
    }
  });
});
