/**
 * Runs the reference broker in its own process, for `--broker reference:process`.
 *   node --import tsx harness/targets/launchers/reference.ts [--port 0] [--host 127.0.0.1] [--sys-interval S] [--connect-timeout S]
 *     [--password-file F] [--scram-users-file F]
 * Prints `mqtt-conformance reference broker listening on <host>:<port>` once bound (the port
 * actually bound, so `--port 0` is race-free); stops on SIGTERM.
 * `--password-file`: `user:$scrypt$...` lines (`mqtt-conformance passwd`); anonymous clients stay
 * allowed. `--scram-users-file`: JSON `{ "user": "password" }`, the MQTT 5.0 SCRAM-SHA-256 users.
 */
import { readFileSync } from 'node:fs';
import { startBroker, type BrokerOptions } from '../../../reference/index.js';
import { closeOnSignal, launcherArgs } from './args.js';

const usage = 'reference.ts [--port N] [--host H] [--sys-interval S] [--connect-timeout S] [--password-file F] [--scram-users-file F]';
const args = launcherArgs(process.argv.slice(2), usage, { credentialFiles: true });
const options: BrokerOptions = { port: args.port, host: args.host };
if (args.sysInterval !== undefined) options.sysIntervalSeconds = args.sysInterval;
if (args.connectTimeout !== undefined) options.connectTimeoutMs = args.connectTimeout * 1000;
if (args.passwordFile !== undefined) options.auth = { allowAnonymous: true, passwordFile: args.passwordFile };
if (args.scramUsersFile !== undefined) options.scramUsers = readScramUsers(args.scramUsersFile);
const broker = await startBroker(options);
process.stdout.write(`mqtt-conformance reference broker listening on ${broker.address.host}:${broker.address.port}\n`);
closeOnSignal(() => broker.close());

/** The `--scram-users-file` JSON object (user -> password); exits with code 2 naming the problem. */
function readScramUsers(path: string): Record<string, string> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return fail(`--scram-users-file ${path}: ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail(`--scram-users-file ${path}: expected a JSON object of user name -> password`);
  const users: Record<string, string> = {};
  for (const [user, password] of Object.entries(json)) {
    if (user === '' || typeof password !== 'string') return fail(`--scram-users-file ${path}: user ${JSON.stringify(user)} needs a non-empty name and a string password`);
    users[user] = password;
  }
  return users;
}

function fail(problem: string): never {
  process.stderr.write(`${problem}\nusage: ${usage}\n`);
  process.exit(2);
}
