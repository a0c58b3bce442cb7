import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PersistenceError } from './errors.js';

export const LOCK_FILE = 'broker.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One broker per data directory: `broker.lock` holds the owner's pid. A lock whose process is gone
 * (a broker killed with -9) is stale and taken over; a live one refuses with PERSISTENCE_LOCKED,
 * so two brokers never interleave their sessions in one database. Returns the release function.
 */
export function lockDataDir(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  const token = `${String(process.pid)}:${String(Date.now())}:${String(Math.random())}`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, token, { flag: 'wx' });
      return () => {
        try {
          if (readFileSync(path, 'utf8') === token) rmSync(path, { force: true });
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new PersistenceError('PERSISTENCE_OPEN', path, `cannot create the lock file: ${(error as Error).message}`, { cause: error });
      }
      const owner = Number(readFileSync(path, 'utf8').split(':')[0]);
      if (Number.isInteger(owner) && owner > 0 && alive(owner)) {
        throw new PersistenceError('PERSISTENCE_LOCKED', path, `the data directory is in use by another broker (pid ${String(owner)})`);
      }
      rmSync(path, { force: true }); // stale: its broker is gone
    }
  }
  throw new PersistenceError('PERSISTENCE_LOCKED', path, 'the data directory lock could not be taken');
}
