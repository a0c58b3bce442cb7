/** A password file or ACL file that cannot be read or parsed: names the file and the line. */
export class AuthConfigError extends Error {
  readonly code: 'AUTH_FILE_UNREADABLE' | 'AUTH_PASSWORD_LINE' | 'AUTH_ACL_LINE' | 'AUTH_USERNAME' | 'AUTH_OPTIONS';
  readonly path: string | undefined;
  readonly line: number | undefined;
  constructor(code: AuthConfigError['code'], message: string, context: { path?: string; line?: number; cause?: unknown } = {}) {
    const where = context.path !== undefined ? ` (${context.path}${context.line !== undefined ? `:${String(context.line)}` : ''})` : '';
    super(`${message}${where}`, { cause: context.cause });
    this.name = 'AuthConfigError';
    this.code = code;
    this.path = context.path;
    this.line = context.line;
  }
}
