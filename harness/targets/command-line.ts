/**
 * Splitting a command line into the words a process is started with, for the broker command of
 * `process:'CMD … {port}'` and the client adapters' commands: white space separates words,
 * '…' and "…" group, and a backslash takes the next character as it is (outside quotes and inside
 * "…", as a POSIX shell does). Nothing is expanded: no variables, globs or `~`.
 */

/** A command line whose quote is never closed. */
export class CommandLineError extends Error {
  constructor(
    readonly quote: '"' | "'",
    readonly line: string,
  ) {
    super(`unbalanced ${quote} in the command line: ${line}`);
    this.name = 'CommandLineError';
  }
}

export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < line.length) current += line[++i];
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      current += line[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (quote !== undefined) throw new CommandLineError(quote, line);
  if (inWord) words.push(current);
  return words;
}
