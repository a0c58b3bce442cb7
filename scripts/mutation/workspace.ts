import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Edit, Mutant } from './mutants.js';

/** What a mutant's broker is built from: the reference broker (with its launcher) and the harness it imports. */
const COPIED = ['reference', 'harness', 'contract', 'package.json', 'tsconfig.json'] as const;

/** A mutant whose edit no longer applies to the current sources (its `find` text moved or changed). */
export class StaleMutantError extends Error {
  readonly code = 'MUTANT_STALE';
  constructor(
    readonly mutant: string,
    readonly file: string,
    readonly find: string,
    readonly occurrences: number,
  ) {
    super(`mutant ${mutant}: ${file} holds the text to replace ${String(occurrences)} times (expected ${'exactly once'}): ${JSON.stringify(find.slice(0, 120))}`);
    this.name = 'StaleMutantError';
  }
}

function count(text: string, find: string): number {
  let n = 0;
  for (let at = text.indexOf(find); at !== -1; at = text.indexOf(find, at + find.length)) n++;
  return n;
}

/** Applies one edit to a source text; throws StaleMutantError when its text is not there (or, without `all`, more than once). */
export function applyEdit(mutant: string, source: string, edit: Edit): string {
  const n = count(source, edit.find);
  if (n === 0 || (n > 1 && edit.all !== true)) throw new StaleMutantError(mutant, edit.file, edit.find, n);
  return edit.all === true ? source.split(edit.find).join(edit.replace) : source.replace(edit.find, () => edit.replace);
}

/**
 * Where the broker's sources come from: 'HEAD' (the last commit: other people's uncommitted,
 * possibly half-done edits stay out) or 'worktree' (the files as they are now, to try a mutant
 * against uncommitted work).
 */
export type SourceRevision = 'HEAD' | 'worktree';

function sourceText(root: string, file: string, from: SourceRevision): string {
  return from === 'worktree' ? readFileSync(join(root, file), 'utf8') : execFileSync('git', ['show', `HEAD:${file}`], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** Checks that every edit of a mutant applies to the sources (no files written). */
export function checkMutant(root: string, mutant: Mutant, from: SourceRevision = 'HEAD'): void {
  const texts = new Map<string, string>();
  for (const edit of mutant.edits) {
    const before = texts.get(edit.file) ?? sourceText(root, edit.file, from);
    texts.set(edit.file, applyEdit(mutant.name, before, edit));
  }
}

export interface Workspace {
  readonly dir: string;
  /** A broker profile (JSON file) starting this copy as `reference:process` does. */
  readonly profile: string;
  remove(): void;
}

/**
 * A copy of the reference broker under `base/<name>` (from the last commit, or the working tree)
 * with the mutant's edits applied (the repository is only read), `node_modules` linked to the repository's, and a copy of the reference
 * profile whose command starts this copy's launcher. Without a mutant: the unchanged broker (control).
 */
export function createWorkspace(root: string, base: string, name: string, mutant: Mutant | undefined, from: SourceRevision = 'HEAD'): Workspace {
  const dir = join(base, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (from === 'HEAD') {
    const tar = execFileSync('git', ['archive', '--format=tar', 'HEAD', ...COPIED], { cwd: root, maxBuffer: 256 * 1024 * 1024 });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
  } else {
    for (const path of COPIED) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      cpSync(join(root, path), join(dir, path), { recursive: true, filter: (src) => !src.endsWith('.test.ts') });
    }
  }
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  for (const edit of mutant?.edits ?? []) {
    const file = join(dir, edit.file);
    writeFileSync(file, applyEdit(mutant?.name ?? name, readFileSync(file, 'utf8'), edit));
  }
  const reference = JSON.parse(readFileSync(join(root, 'profiles', 'reference.json'), 'utf8')) as { name: string; process: { command: string[] } };
  const profile = {
    ...reference,
    name: `reference-mutant-${name}`,
    title: `reference broker, mutant ${name}`,
    // The mutant's sources, through tsx: `{launcher:PATH}` would run the unmutated package's own launcher.
    process: {
      ...reference.process,
      command: reference.process.command.flatMap((arg) => {
        const launcher = /^\{launcher:(.+)\}$/.exec(arg)?.[1];
        return launcher === undefined ? [arg.replaceAll('{root}', dir)] : ['--import', '{tsx}', join(dir, `${launcher}.ts`)];
      }),
    },
  };
  const profileFile = join(dir, 'profile.json');
  writeFileSync(profileFile, `${JSON.stringify(profile, null, 2)}\n`);
  return { dir, profile: profileFile, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
