/**
 * Runs the Aedes broker (npm `aedes`) on a TCP port, for the `aedes` profile (`process:aedes`).
 *   node --import tsx harness/targets/launchers/aedes.ts --port 1883 [--host 127.0.0.1] [--connect-timeout S]
 * Prints `aedes <version> listening on <host>:<port>` once the listener is bound (`--port 0`: the port
 * bound); stops on SIGTERM; answers SIGUSR2 with a full GC for the benchmark (args.ts answerGcRequests).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { Aedes } from 'aedes';
import { answerGcRequests, closeOnSignal, launcherArgs } from './args.js';

answerGcRequests();

const { port, host, connectTimeout } = launcherArgs(process.argv.slice(2), 'aedes.ts --port N [--host H] [--connect-timeout S]');
const require = createRequire(import.meta.url);
// aedes exports no ./package.json: read it beside the resolved entry point.
const pkg = JSON.parse(readFileSync(join(dirname(require.resolve('aedes')), 'package.json'), 'utf8')) as { version?: string };
const broker = await Aedes.createBroker(connectTimeout === undefined ? {} : { connectTimeout: connectTimeout * 1000 });
const server = createServer(broker.handle);
server.once('error', (error) => {
  process.stderr.write(`aedes launcher: cannot listen on ${host}:${port}: ${error.message}\n`);
  process.exit(1);
});
server.listen(port, host, () => {
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  process.stdout.write(`aedes ${pkg.version ?? '?'} listening on ${host}:${bound}\n`);
});
closeOnSignal(
  () =>
    new Promise<void>((resolve) => {
      broker.close(() => server.close(() => resolve()));
    }),
);
