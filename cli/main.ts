/**
 * The `mqtt-conformance` command: `tsx cli/main.ts <command>`, `node dist/cli/main.js`, or
 * bin/mqtt-conformance.js (which imports this module and calls runCommandLine).
 *
 * The dispatcher: each subcommand lives in `cli/<name>.ts` and exports `main(argv):
 * Promise<number>` (the exit code). Modules load on demand, so a command whose module is absent
 * from a build reports itself as not available (exit 2) and the others still work.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
// The package-root module alone, not the targets' index: `--help` and `--version` must start fast.
import { PACKAGE_ROOT } from '../harness/targets/package-root.js';

export const COMMANDS = {
  run: 'run the conformance suite against one broker and write the reports',
  list: 'list the scenarios (and the statements they check) a run would execute',
  certify: 'run the suite against several brokers and write a comparison matrix',
  report: 're-render or merge the reports of saved runs',
  broker: 'start the reference broker',
  bench: 'run the benchmarks',
  passwd: 'manage the reference broker password file',
  action: 'the GitHub Action\'s step: run or certify from INPUT_* variables, write the job summary and outputs',
} as const;

export type CommandName = keyof typeof COMMANDS;

const CLI_DIR = dirname(fileURLToPath(import.meta.url));

function toolVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return `Usage: mqtt-conformance <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, text]) => `  ${name.padEnd(width)}  ${text}`)
  .join('\n')}

"mqtt-conformance <command> --help" shows a command's options.
Exit codes: 0 ok, 1 a scenario failed, 2 usage or configuration error, 3 broker unreachable.`;
}

interface CommandModule {
  main(argv: string[]): Promise<number>;
}

function isCommand(name: string): name is CommandName {
  return Object.prototype.hasOwnProperty.call(COMMANDS, name);
}

/** Loads a command's module; undefined when the module itself is missing from this build. */
async function load(name: string): Promise<CommandModule | undefined> {
  const file = join(CLI_DIR, `${name}.ts`);
  if (!existsSync(file) && !existsSync(join(CLI_DIR, `${name}.js`))) return undefined;
  const mod = (await import(pathToFileURL(join(CLI_DIR, `${name}.js`)).href)) as Partial<CommandModule>;
  if (typeof mod.main !== 'function') throw new Error(`${file} does not export main(argv)`);
  return mod as CommandModule;
}

/** Runs the command line (without `node` and the script); resolves with the exit code. */
export async function dispatch(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    err.write(`${usage()}\n`);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    out.write(`${usage()}\n`);
    return 0;
  }
  if (name === '--version' || name === '-v') {
    out.write(`mqtt-conformance ${toolVersion()}\n`);
    return 0;
  }
  if (!isCommand(name)) {
    err.write(`mqtt-conformance: unknown command ${JSON.stringify(name)}. Commands: ${Object.keys(COMMANDS).join(', ')}.\n`);
    return 2;
  }
  // `run --client` judges a client library, not a broker: its own module (cli/client-run.ts).
  const moduleName = name === 'run' && rest.some((a) => a === '--client' || a.startsWith('--client=')) ? 'client-run' : name;
  const mod = await load(moduleName);
  if (!mod) {
    err.write(`mqtt-conformance ${name}: not available in this build (cli/${moduleName} is missing).\n`);
    return 2;
  }
  return mod.main(rest);
}

/**
 * A reader that stops early (`mqtt-conformance list | head`, `run --dry-run | head`) closes the pipe:
 * what it did not read is not wanted, so the rest of the output is dropped instead of the process
 * dying on an unhandled EPIPE. The command itself goes on to its end (a run still stops the broker
 * it started) and exits with its own code.
 */
function dropOutputOnClosedStdout(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
    throw error;
  });
}

/** Runs `process.argv` and sets the exit code. */
export async function runCommandLine(): Promise<void> {
  dropOutputOnClosedStdout();
  try {
    process.exitCode = await dispatch(process.argv.slice(2));
  } catch (e) {
    // A bug or an unexpected environment problem: never exit 1, which means "a scenario failed".
    process.stderr.write(`mqtt-conformance: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  }
}

/** True when node was started with this file as its script (not when a test or the bin imports it). */
function isTheScript(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isTheScript()) await runCommandLine();
