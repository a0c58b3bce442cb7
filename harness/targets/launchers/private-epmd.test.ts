import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const LAUNCHER = fileURLToPath(new URL('./private-epmd.ts', import.meta.url));
const run = (...command: string[]) => spawnSync(process.execPath, ['--import', 'tsx', LAUNCHER, ...command], { encoding: 'utf8', timeout: 20_000 });
const hasEpmd = existsSync('/usr/bin/epmd');

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

describe('private-epmd launcher', () => {
  it('gives the command a free ERL_EPMD_PORT and exits with its code', () => {
    const r = run('/bin/sh', '-c', 'echo "port=$ERL_EPMD_PORT"; exit 3');
    expect(r.status).toBe(3);
    expect(r.stdout).toMatch(/^port=\d{2,5}$/m);
  });

  it.skipIf(!hasEpmd)('stops the epmd daemon the command started on that port once the command ends', async () => {
    // The command does what RabbitMQ does: starts epmd as a daemon (on ERL_EPMD_PORT) and leaves it.
    const r = run('/bin/sh', '-c', 'epmd -daemon; for i in $(seq 50); do epmd -names >/dev/null 2>&1 && echo up && break; sleep 0.1; done; echo "port=$ERL_EPMD_PORT"');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^up$/m); // epmd was running on that port while the command ran
    const port = Number(/port=(\d+)/.exec(r.stdout)?.[1]);
    expect(port).toBeGreaterThan(0);
    expect(await listening(port)).toBe(false); // and is gone once the launcher returned
  });
});
