import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../../harness/targets/net.js';
import { waitForPort } from '../../harness/targets/url.js';

export const MOSQUITTO = process.env.MOSQUITTO ?? '/usr/sbin/mosquitto';

/** Two independent Mosquitto processes on free ports: a fake "cluster" the @cluster scenarios must fail. */
export interface MosquittoPair {
  readonly urls: [string, string];
  stop(): Promise<void>;
}

export async function startMosquittoPair(): Promise<MosquittoPair> {
  const dir = mkdtempSync(join(tmpdir(), 'mqc-mosquitto-'));
  const children: ChildProcess[] = [];
  const urls: string[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const name of ['a', 'b']) {
      const port = await findFreePort();
      const conf = join(dir, `${name}.conf`);
      writeFileSync(conf, `listener ${String(port)} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
      children.push(spawn(MOSQUITTO, ['-c', conf], { stdio: 'ignore' }));
      const problem = await waitForPort('127.0.0.1', port, { timeoutMs: 10_000 });
      if (problem !== undefined) throw new Error(`mosquitto ${name} did not listen on ${String(port)}: ${problem}`);
      urls.push(`mqtt://127.0.0.1:${String(port)}`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { urls: urls as [string, string], stop };
}

export function mosquittoAvailable(): boolean {
  return existsSync(MOSQUITTO);
}
