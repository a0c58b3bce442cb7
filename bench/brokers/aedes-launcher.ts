/**
 * Runs Aedes (default options, in-memory persistence) on 127.0.0.1, port 0, for the benchmark.
 * Prints `BENCH_BROKER_LISTENING <port>` on stdout; stops on SIGTERM.
 */
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { Aedes } from 'aedes';
import { answerGcRequests, LISTENING_MARKER } from './child-broker.js';

// Before the listening line: the benchmark may ask for a GC as soon as it sees it.
answerGcRequests();
const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' } } });
const broker = await Aedes.createBroker();
const server = createServer(broker.handle);
server.listen(0, values.host, () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  process.stdout.write(`${LISTENING_MARKER} ${port}\n`);
});
const stop = (): void => {
  server.close();
  broker.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
