import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
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
  return pathToFileURL(require.resolve('tsx')).href;
}
