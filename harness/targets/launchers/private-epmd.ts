/**
 * Runs an Erlang broker command with an epmd of its own, and stops that epmd when the broker ends.
 *   node --import tsx harness/targets/launchers/private-epmd.ts COMMAND [ARG...]
 *
 * Why: RabbitMQ starts epmd (Erlang's port mapper) as a daemon before it starts, and the daemon
 * outlives the broker; a test run must stop every process it starts. Here COMMAND gets
 * ERL_EPMD_PORT set to a free port, so the epmd it starts listens there, shared with nobody, and
 * `epmd -port P -kill` ends it once COMMAND exits (epmd refuses while a node is still registered).
 * SIGTERM and SIGINT are passed on to COMMAND; the exit code is COMMAND's (128 + n for a signal).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

const [command, ...args] = process.argv.slice(2);
if (command === undefined) {
  process.stderr.write('usage: private-epmd.ts COMMAND [ARG...]\n');
  process.exit(2);
}

const epmdPort = await new Promise<number>((resolve, reject) => {
  const probe = createServer();
  probe.once('error', reject);
  probe.listen(0, '127.0.0.1', () => {
    const address = probe.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    probe.close(() => resolve(port));
  });
});

const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ERL_EPMD_PORT: String(epmdPort) } });
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => child.kill(signal));
child.once('error', (error) => {
  process.stderr.write(`private-epmd: cannot run ${command}: ${error.message}\n`);
  process.exit(127);
});
child.once('exit', (code, signal) => {
  // Stops the epmd the command started on our port, if any (nothing listens there otherwise).
  spawnSync('epmd', ['-port', String(epmdPort), '-kill'], { stdio: 'ignore', timeout: 5000 });
  process.exit(code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGINT' ? 2 : 15));
});
