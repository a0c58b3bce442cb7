import { existsSync } from 'node:fs';

/** util-linux's setpriv (Debian: always installed), which can set the parent-death signal before it execs a command. */
const SETPRIV = '/usr/bin/setpriv';

/**
 * The command line that runs `file args` so that the kernel kills it when the process that spawned it
 * dies, even by SIGKILL or an out-of-memory abort, where no exit handler of ours runs. Without this a
 * crashed test worker leaves its redis-server and broker nodes running. setpriv execs the command, so
 * the child's PID is the command's own and stopping it by PID still works. Where setpriv is missing
 * (not Linux), the command is returned unchanged.
 */
export function dieWithParent(file: string, args: readonly string[]): { file: string; args: string[] } {
  if (process.platform !== 'linux' || !existsSync(SETPRIV)) return { file, args: [...args] };
  return { file: SETPRIV, args: ['--pdeathsig', 'KILL', '--', file, ...args] };
}
