import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package name whose package.json marks the root of this package. */
const PACKAGE_NAME = 'mqtt-conformance';

function isPackageRoot(dir: string): boolean {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return false;
  try {
    const json: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof json === 'object' && json !== null && (json as Record<string, unknown>)['name'] === PACKAGE_NAME;
  } catch {
    return false;
  }
}

/**
 * The mqtt-conformance package root: the nearest ancestor of `from` (a file: URL or path) with a
 * package.json named mqtt-conformance. Found by walking up rather than by a fixed number of `..`,
 * because the same module runs from the sources (`harness/targets/`) and compiled (`dist/harness/targets/`),
 * in a clone or under node_modules. Features, profiles, statement catalogues and report assets
 * are read relative to it, never relative to the current directory.
 */
export function findPackageRoot(from: string): string {
  const start = from.startsWith('file:') ? dirname(fileURLToPath(from)) : from;
  for (let dir = start; ; ) {
    if (isPackageRoot(dir)) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json named ${PACKAGE_NAME} above ${start}`);
    dir = parent;
  }
}

/** The mqtt-conformance package root (see findPackageRoot). */
export const PACKAGE_ROOT = findPackageRoot(import.meta.url);

/**
 * True when this code runs compiled (dist/…/*.js, the installed package), false when it runs
 * from the TypeScript sources through tsx (a clone in development).
 */
export const RUNNING_COMPILED = import.meta.url.endsWith('.js');

/** Where this build's modules live: `<root>/dist` compiled, `<root>` from the sources. */
export const CODE_ROOT = RUNNING_COMPILED ? join(PACKAGE_ROOT, 'dist') : PACKAGE_ROOT;

/** A module of this package by its path without extension (e.g. `cli/main`), in the form that runs here. */
export function codePath(modulePath: string): string {
  return join(CODE_ROOT, `${modulePath}${RUNNING_COMPILED ? '.js' : '.ts'}`);
}
