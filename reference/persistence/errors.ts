/** A data directory that cannot be opened or a database whose schema this broker does not know. */
export class PersistenceError extends Error {
  readonly code: 'PERSISTENCE_OPEN' | 'PERSISTENCE_SCHEMA' | 'PERSISTENCE_LOCKED';
  readonly path: string;
  constructor(code: 'PERSISTENCE_OPEN' | 'PERSISTENCE_SCHEMA' | 'PERSISTENCE_LOCKED', path: string, message: string, options?: { cause?: unknown }) {
    super(`${message} (${path})`, options);
    this.name = 'PersistenceError';
    this.code = code;
    this.path = path;
  }
}
