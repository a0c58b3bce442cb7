import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tryTcpConnect } from './url.js';
import { tsxLoaderUrl } from './placeholders.js';
import { PACKAGE_ROOT } from './profiles.js';

describe('broker processes do not outlive the suite', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('a %s to the suite process stops the mosquitto it started and removes its directory', async (signal) => {
    const child = spawn(process.execPath, ['--import', tsxLoaderUrl(), join(PACKAGE_ROOT, 'test', 'support', 'targets', 'hold-target.ts'), 'process:mosquitto'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let dir = '';
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let text = '';
        child.stdout.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          const match = /port (\d+) dir (\S+)/.exec(text);
          if (match?.[1] !== undefined && match[2] !== undefined) {
            dir = match[2];
            resolve(Number(match[1]));
          }
        });
        child.once('exit', (code) => reject(new Error(`helper exited early with ${code}`)));
      });
      expect((await tryTcpConnect('127.0.0.1', port, 1000)).ok).toBe(true);
      expect(dir).toMatch(/mqttc-mosquitto-/);
      expect(existsSync(dir)).toBe(true);
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, sig) => resolve(sig)));
      child.kill(signal);
      expect(await exited).toBe(signal);
      // mosquitto got SIGTERM from the helper's handler; allow it a moment to close its listener.
      await expect.poll(async () => (await tryTcpConnect('127.0.0.1', port, 500)).ok, { timeout: 5000 }).toBe(false);
      expect(existsSync(dir), `${dir} left behind`).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
