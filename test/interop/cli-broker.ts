/**
 * The reference broker started the way an outside tester starts it: the package's CLI
 * (`mqtt-conformance broker ...`, from its sources through tsx) in a child
 * process, default host (0.0.0.0), port 0 so tests never collide. Resolves once the CLI prints
 * its "listening on" line; `stop()` sends SIGTERM and waits for the exit.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export class CliBrokerError extends Error {
  readonly code = 'CLI_BROKER_START';
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(`${message}\n${output}`);
    this.name = 'CliBrokerError';
  }
}

export interface CliBroker {
  readonly port: number;
  /** Everything the broker wrote on stderr (its JSON log lines), for diagnosis. */
  readonly stderr: () => string;
  stop(): Promise<void>;
}

/** Starts `mqtt-conformance broker --port 0 <args>`; rejects with CliBrokerError (and the output) if it exits or is not listening within `timeoutMs`. */
export async function startCliBroker(args: readonly string[] = [], timeoutMs = 20_000): Promise<CliBroker> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'broker', '--port', '0', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    err = (err + d).slice(-200_000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new CliBrokerError(`the CLI broker did not report listening within ${String(timeoutMs)} ms`, out + err));
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /listening on mqtts?:\/\/[^\s]*:(\d+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new CliBrokerError(`the CLI broker exited with code ${String(code)} before listening`, out + err));
    });
  });
  return {
    port,
    stderr: () => err,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
