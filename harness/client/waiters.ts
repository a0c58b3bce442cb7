/**
 * The waits of a packet reader: every expectation is a check run again at each event (a packet
 * arrived, the connection closed), settled by the check itself or by its time bound. Shared by
 * the test client (harness judging a broker) and the scripted server's connections (harness
 * judging a client), so both read and wait the same way.
 */

/** One pending wait: `check` returns true once the wait is settled (and may be dropped). */
export interface Waiter {
  check: () => boolean;
}

export class Waiters {
  private list: Waiter[] = [];

  /** Adds a wait that is settled by an event (the caller settles it on its own bound). */
  add(waiter: Waiter): void {
    this.list.push(waiter);
  }

  remove(waiter: Waiter): void {
    const i = this.list.indexOf(waiter);
    if (i >= 0) this.list.splice(i, 1);
  }

  /** Runs every wait's check (after an event); drops those that are settled. */
  pump(): void {
    this.list = this.list.filter((w) => !w.check());
  }

  /**
   * Runs `check` now and at every event until it returns a result (resolved) or throws (rejected);
   * rejects with `onTimeout()` once `timeoutMs` passed.
   */
  wait<T>(timeoutMs: number, check: () => T | undefined, onTimeout: () => Error): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        check: () => {
          let result: T | undefined;
          try {
            result = check();
          } catch (e) {
            clearTimeout(timer);
            reject(e instanceof Error ? e : new Error(String(e)));
            return true;
          }
          if (result === undefined) return false;
          clearTimeout(timer);
          resolve(result);
          return true;
        },
      };
      if (waiter.check()) return;
      timer = setTimeout(() => {
        this.remove(waiter);
        reject(onTimeout());
      }, timeoutMs);
      this.list.push(waiter);
    });
  }
}
