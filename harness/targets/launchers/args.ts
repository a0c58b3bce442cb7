export interface LauncherArgs {
  port: number;
  host: string;
  /** Seconds between $SYS updates (`--sys-interval`), when given. */
  sysInterval?: number;
  /** Seconds before a connection that sends no CONNECT is closed (`--connect-timeout`), when given. */
  connectTimeout?: number;
  /** A password file for the broker (`--password-file`), when given and the launcher accepts it. */
  passwordFile?: string;
  /** A JSON file `{ "user": "password" }` of SCRAM-SHA-256 users (`--scram-users-file`), when given and accepted. */
  scramUsersFile?: string;
}

export interface LauncherArgsOptions {
  /** Accept `--password-file` and `--scram-users-file` (launchers whose broker can check credentials). */
  credentialFiles?: boolean;
}

/**
 * `--port N --host H [--sys-interval S] [--connect-timeout S]` (and, with `credentialFiles`,
 * `[--password-file F] [--scram-users-file F]`) from a launcher's argv; exits with code 2 and a
 * usage line on bad input.
 */
export function launcherArgs(argv: string[], usage: string, options: LauncherArgsOptions = {}): LauncherArgs {
  const out: LauncherArgs = { port: 0, host: '127.0.0.1' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const value = argv[i + 1];
    if (value === undefined) fail(`${arg} needs a value`);
    const number = (min: number, max: number): number => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < min || n > max) fail(`${arg}: expected an integer from ${min} to ${max}, got ${value}`);
      return n;
    };
    if (arg === '--port') out.port = number(0, 65535);
    else if (arg === '--host') out.host = value;
    else if (arg === '--sys-interval') out.sysInterval = number(1, 86_400);
    else if (arg === '--connect-timeout') out.connectTimeout = number(1, 3600);
    else if (arg === '--password-file' && options.credentialFiles === true) out.passwordFile = value;
    else if (arg === '--scram-users-file' && options.credentialFiles === true) out.scramUsersFile = value;
    else fail(`unknown argument ${arg}`);
    i++;
  }
  return out;

  function fail(problem: string): never {
    process.stderr.write(`${problem}\nusage: ${usage}\n`);
    process.exit(2);
  }
}

/** Closes `close` on SIGTERM/SIGINT, then exits 0 (non-zero if closing failed). */
export function closeOnSignal(close: () => Promise<void>): void {
  const onSignal = (): void => {
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`error while stopping: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

/**
 * The signal a benchmark sends a launcher for a full garbage collection before it reads the
 * broker's memory, and the line the launcher prints once done. The text stays the one the first
 * bench launcher printed, so that `--broker reference@DIR` still measures older checkouts.
 */
export const GC_REQUEST_SIGNAL = 'SIGUSR2';
export const GC_DONE_MARKER = 'BENCH_GC_DONE';

/**
 * For launchers: answer GC_REQUEST_SIGNAL with a full GC (when node runs with --expose-gc) and
 * GC_DONE_MARKER on stdout. Call it before the ready line: a benchmark may ask as soon as it sees it.
 */
export function answerGcRequests(): void {
  process.on(GC_REQUEST_SIGNAL, () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    process.stdout.write(`${GC_DONE_MARKER}\n`);
  });
}
