/**
 * Runs the reference broker in its own process, for `--broker reference:process`.
 *   node --import tsx harness/targets/launchers/reference.ts [--port 0] [--host 127.0.0.1] [--sys-interval S] [--connect-timeout S]
 * Prints `mqtt-conformance reference broker listening on <host>:<port>` once bound (the port
 * actually bound, so `--port 0` is race-free); stops on SIGTERM.
 */
import { startBroker, type BrokerOptions } from '../../../reference/index.js';
import { closeOnSignal, launcherArgs } from './args.js';

const args = launcherArgs(process.argv.slice(2), 'reference.ts [--port N] [--host H] [--sys-interval S] [--connect-timeout S]');
const options: BrokerOptions = { port: args.port, host: args.host };
if (args.sysInterval !== undefined) options.sysIntervalSeconds = args.sysInterval;
if (args.connectTimeout !== undefined) options.connectTimeoutMs = args.connectTimeout * 1000;
const broker = await startBroker(options);
process.stdout.write(`mqtt-conformance reference broker listening on ${broker.address.host}:${broker.address.port}\n`);
closeOnSignal(() => broker.close());
