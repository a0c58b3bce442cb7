import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CODE_ROOT, RUNNING_COMPILED } from './package-root.js';
import { TargetError } from './types.js';

/** Placeholder names a profile template may use (see profile-schema.ts). */
export const PLACEHOLDERS = ['port', 'auxPort', 'host', 'dir', 'config', 'node', 'tsx', 'root'] as const;
export type PlaceholderName = (typeof PLACEHOLDERS)[number];
export type PlaceholderValues = Partial<Record<PlaceholderName, string>>;

const PATTERN = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

/** The placeholder names used in `text`. */
export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(PATTERN)].map((m) => m[1] ?? '');
}

/**
 * Replaces `{name}` placeholders. An unknown name, or a known one with no value here, is a
 * configuration error naming the placeholder and where it appears (`field`).
 */
export function fillPlaceholders(text: string, values: PlaceholderValues, field: string): string {
  return text.replace(PATTERN, (whole, name: string) => {
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
      throw new TargetError('TARGET_CONFIG', `${field}: unknown placeholder ${whole} (known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')})`, field);
    }
    const value = values[name as PlaceholderName];
    if (value === undefined) throw new TargetError('TARGET_CONFIG', `${field}: placeholder ${whole} has no value here`, field);
    return value;
  });
}

/** A file: URL of tsx's loader, for `node --import {tsx} file.ts` (independent of the child's cwd). */
export function tsxLoaderUrl(): string {
  const require = createRequire(import.meta.url);
  try {
    return pathToFileURL(require.resolve('tsx')).href;
  } catch {
    throw new TargetError('TARGET_CONFIG', 'the {tsx} placeholder needs the tsx package, which is not installed: npm install tsx', 'tsx');
  }
}

/**
 * A whole `process.command` argument `{launcher:PATH}` names a launcher module of this package
 * by its path without extension (e.g. `{launcher:reference/target/launcher}`); it expands to the
 * arguments that run it with `{node}`: the compiled `dist/PATH.js` in the installed package, or
 * `--import <tsx> PATH.ts` from the sources in a clone. One profile thus works in both.
 */
export const LAUNCHER_ARGUMENT = /^\{launcher:([A-Za-z0-9_./-]+)\}$/;

/** The node arguments that run the launcher module `modulePath` (see LAUNCHER_ARGUMENT). */
export function launcherCommand(modulePath: string, field: string): string[] {
  if (modulePath.split('/').includes('..')) throw new TargetError('TARGET_CONFIG', `${field}: {launcher:${modulePath}} must stay inside the package`, field);
  if (RUNNING_COMPILED) return [join(CODE_ROOT, `${modulePath}.js`)];
  return ['--import', tsxLoaderUrl(), join(CODE_ROOT, `${modulePath}.ts`)];
}
