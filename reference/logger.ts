/** Structured logs: one record per event, with a level, a message and fields (client id, reason...). */

export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LogRecord {
  time: string;
  level: Exclude<LogLevel, 'silent'>;
  msg: string;
  [field: string]: unknown;
}

/** Receives every record at or above the configured level. */
export type LogSink = (record: LogRecord) => void;

export interface Logger {
  readonly level: LogLevel;
  enabled(level: Exclude<LogLevel, 'silent'>): boolean;
  error(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
  trace(msg: string, fields?: Record<string, unknown>): void;
}

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/** JSON lines on stderr. */
export const stderrSink: LogSink = (record) => {
  process.stderr.write(`${JSON.stringify(record, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v))}\n`);
};

export function createLogger(level: LogLevel, sink: LogSink = stderrSink): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const enabled = (l: Exclude<LogLevel, 'silent'>): boolean => threshold > 0 && LOG_LEVELS.indexOf(l) <= threshold;
  const at =
    (l: Exclude<LogLevel, 'silent'>) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      if (!enabled(l)) return;
      sink({ time: new Date().toISOString(), level: l, msg, ...fields });
    };
  return { level, enabled, error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), trace: at('trace') };
}
