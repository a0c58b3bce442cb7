/**
 * The `mqtt-conformance` command (see harness/cli/commands.ts for the dispatcher).
 * Run with `tsx cli/main.ts <command>` or through bin/mqtt-conformance.js.
 */
import { dispatch } from './commands.js';

try {
  process.exitCode = await dispatch(process.argv.slice(2));
} catch (e) {
  // A bug or an unexpected environment problem: never exit 1, which means "a scenario failed".
  process.stderr.write(`mqtt-conformance: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 2;
}
