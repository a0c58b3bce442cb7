/** `--port N --host H` from a launcher's argv; exits with code 2 and a usage line on bad input. */
export function launcherArgs(argv: string[], usage: string): { port: number; host: string } {
  let port = 0;
  let host = '127.0.0.1';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if ((arg === '--port' || arg === '--host') && value === undefined) fail(`${arg} needs a value`);
    if (arg === '--port') {
      port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port: not a port number: ${value ?? ''}`);
      i++;
    } else if (arg === '--host') {
      host = value ?? host;
      i++;
    } else fail(`unknown argument ${arg ?? ''}`);
  }
  return { port, host };

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
