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
    expect(alive(childPid)).toBe(true);
    // setpriv execs: the PID the parent knows is the command's own (its /proc comm is sleep, not setpriv).
    expect(readFileSync(`/proc/${String(childPid)}/comm`, 'utf8').trim()).toBe('sleep');
    await new Promise<void>((resolve) => {
      parent.once('exit', () => resolve());
      parent.kill('SIGKILL');
    });
    // The kernel delivers SIGKILL to the orphan; wait for it to go (bounded poll of a kernel fact, not a fixed sleep).
    const deadline = Date.now() + 5000;
    while (alive(childPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const stillAlive = alive(childPid);
    if (stillAlive) process.kill(childPid, 'SIGKILL');
    expect(stillAlive).toBe(false);
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
