/**
 * Runs the reference broker in its own process, for `--broker reference:process`.
 *   node --import tsx harness/targets/launchers/reference.ts [--port 0] [--host 127.0.0.1]
 * Prints `mqtt-conformance reference broker listening on <host>:<port>` once bound (the port
 * actually bound, so `--port 0` is race-free); stops on SIGTERM.
 */
import { startBroker } from '../../../reference/index.js';
import { closeOnSignal, launcherArgs } from './args.js';

const { port, host } = launcherArgs(process.argv.slice(2), 'reference.ts [--port N] [--host H]');
const broker = await startBroker({ port, host, sysIntervalSeconds: 1 });
process.stdout.write(`mqtt-conformance reference broker listening on ${broker.address.host}:${broker.address.port}\n`);
closeOnSignal(() => broker.close());
