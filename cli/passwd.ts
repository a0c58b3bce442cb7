/**
 * `mqtt-conformance passwd [-c] [-D] [--password PW | --stdin] FILE USER` — manages the reference
 * broker's password file (like mosquitto_passwd): adds or updates USER with a salted scrypt hash,
 * or deletes USER with -D. The password is prompted for (twice, not echoed) on a terminal, read from
 * the first line of stdin with --stdin (or when stdin is not a terminal), or given with --password.
 * Exit codes: 0 done, 2 usage error, unreadable or invalid file, unknown user for -D.
 */
import { existsSync } from 'node:fs';
import { AuthConfigError, checkUsername, hashPassword, readPasswordFile, writePasswordFile, type PasswordEntries } from '../reference/index.js';

export const USAGE = `Usage: mqtt-conformance passwd [options] FILE USER

  -c                 create FILE, replacing any existing file
  -D                 delete USER from FILE
  --password PW      the password (visible to other local users in the process list: prefer --stdin)
  --stdin            read the password from the first line of standard input
  -h, --help         this text

Without --password or --stdin the password is prompted for (twice) on a terminal.
`;

export class PasswdUsageError extends Error {
  readonly code = 'CLI_USAGE';
}

interface PasswdArgs {
  create: boolean;
  remove: boolean;
  password: string | undefined;
  stdin: boolean;
  file: string;
  user: string;
}

export function parsePasswdArgs(argv: readonly string[]): PasswdArgs | 'help' {
  const positional: string[] = [];
  const args = { create: false, remove: false, password: undefined as string | undefined, stdin: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '-h' || arg === '--help') return 'help';
    if (arg === '-c') args.create = true;
    else if (arg === '-D') args.remove = true;
    else if (arg === '--stdin') args.stdin = true;
    else if (arg === '--password' || arg.startsWith('--password=')) {
      const v = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (v === undefined) throw new PasswdUsageError('--password needs a value');
      args.password = v;
    } else if (arg.startsWith('-') && arg !== '-') throw new PasswdUsageError(`unknown option ${JSON.stringify(arg)}`);
    else positional.push(arg);
  }
  if (positional.length !== 2) throw new PasswdUsageError(`expected FILE and USER, got ${String(positional.length)} argument(s)`);
  if (args.create && args.remove) throw new PasswdUsageError('-c and -D cannot be combined');
  if (args.remove && (args.password !== undefined || args.stdin)) throw new PasswdUsageError('-D takes no password');
  if (args.password !== undefined && args.stdin) throw new PasswdUsageError('--password and --stdin cannot be combined');
  const [file, user] = positional as [string, string];
  return { ...args, file, user };
}

/** Reads one line from a stream (the password), without the line break. */
async function readLine(input: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of input) {
    text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

/** Prompts on a terminal with echo off. */
async function prompt(question: string, input: NodeJS.ReadStream, output: NodeJS.WritableStream): Promise<string> {
  output.write(question);
  input.setRawMode(true);
  input.resume();
  let answer = '';
  try {
    return await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') {
            input.off('data', onData);
            resolve(answer);
            return;
          }
          if (ch === '\u0003') {
            input.off('data', onData);
            reject(new PasswdUsageError('interrupted'));
            return;
          }
          if (ch === '\u007f' || ch === '\b') answer = answer.slice(0, -1);
          else answer += ch;
        }
      };
      input.on('data', onData);
    });
  } finally {
    input.setRawMode(false);
    input.pause();
    output.write('\n');
  }
}

export interface PasswdIo {
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
  input?: NodeJS.ReadableStream;
}

export async function main(argv: string[], io: PasswdIo = {}): Promise<number> {
  const out = io.out ?? process.stdout;
  const err = io.err ?? process.stderr;
  const input = io.input ?? process.stdin;
  try {
    const args = parsePasswdArgs(argv);
    if (args === 'help') {
      out.write(USAGE);
      return 0;
    }
    checkUsername(args.user);
    const entries: PasswordEntries = args.create || !existsSync(args.file) ? new Map<string, string>() : readPasswordFile(args.file);
    if (args.remove) {
      if (!entries.delete(args.user)) throw new PasswdUsageError(`user ${JSON.stringify(args.user)} is not in ${args.file}`);
      writePasswordFile(args.file, entries);
      return 0;
    }
    let password = args.password;
    if (password === undefined) {
      const tty = input as NodeJS.ReadStream;
      if (!args.stdin && tty.isTTY === true && typeof tty.setRawMode === 'function') {
        password = await prompt('Password: ', tty, err);
        const again = await prompt('Reenter password: ', tty, err);
        if (again !== password) throw new PasswdUsageError('the passwords do not match');
      } else {
        password = await readLine(input);
      }
    }
    if (password.length === 0) throw new PasswdUsageError('empty password');
    entries.set(args.user, hashPassword(password));
    writePasswordFile(args.file, entries);
    return 0;
  } catch (e) {
    if (e instanceof PasswdUsageError || e instanceof AuthConfigError) {
      err.write(`mqtt-conformance passwd: ${e.message}\n${e instanceof PasswdUsageError ? `\n${USAGE}` : ''}`);
      return 2;
    }
    throw e;
  }
}
