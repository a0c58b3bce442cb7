import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CommandLineError, splitCommandLine } from './command-line.js';

/** A word as a POSIX shell would need it written: single-quoted, each ' as '\''. */
const shellQuote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;

describe('splitCommandLine', () => {
  it('splits on white space, groups quotes, takes a backslashed character as it is', () => {
    expect(splitCommandLine(`/opt/b --listen '{port}' --name "my broker"  -v`)).toEqual(['/opt/b', '--listen', '{port}', '--name', 'my broker', '-v']);
    expect(splitCommandLine(`a\\ b "x\\"y" 'p\\q' ''`)).toEqual(['a b', 'x"y', 'p\\q', '']);
    expect(splitCommandLine('  ')).toEqual([]);
  });

  it('refuses an unclosed quote, naming it', () => {
    expect(() => splitCommandLine(`b "unterminated`)).toThrow(CommandLineError);
    expect(() => splitCommandLine(`b 'x`)).toThrow(/unbalanced ' in the command line: b 'x/);
  });

  it('gives back any words a shell would get from them, single-quoted', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme-ascii' }), { minLength: 1, maxLength: 6 }), (words) => {
        expect(splitCommandLine(words.map(shellQuote).join(' '))).toEqual(words);
      }),
    );
  });
});
