import { newSessionState, type SessionState, type SessionStore } from './types.js';

/** Sessions in memory: lost on restart, which is what a broker without `--data-dir` promises. */
export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, SessionState>();

  get(clientId: string): SessionState | undefined {
    return this.sessions.get(clientId);
  }

  create(clientId: string, clean: boolean, protocolVersion: 3 | 4 | 5): SessionState {
    const session = newSessionState(clientId, clean, protocolVersion);
    this.sessions.set(clientId, session);
    return session;
  }

  delete(clientId: string): void {
    this.sessions.delete(clientId);
  }

  get size(): number {
    return this.sessions.size;
  }

  values(): IterableIterator<SessionState> {
    return this.sessions.values();
  }

  record(): void {
    // The live objects are the state.
  }

  touch(): void {
    // Nothing to persist.
  }

  async close(): Promise<void> {
    this.sessions.clear();
  }
}
