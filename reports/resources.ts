import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The `reports/` folder that holds the data files (statement catalogues in `spec/`, HTML assets
 * in `html/assets/`). The modules run from the sources (`reports/*.ts`) or compiled
 * (`dist/reports/*.js`), while the data ships once, at `reports/` under the package root: so it
 * is the first folder above this module that has a `reports/spec` inside, or this one.
 */
function findReportsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  if (existsSync(join(here, 'spec'))) return here;
  for (let dir = dirname(here); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'reports', 'spec'))) return join(dir, 'reports');
  }
  return here;
}

let reportsDir: string | undefined;

/** A data file of `reports/` by its path inside it, e.g. `reportsResource('html', 'assets', 'styles.css')`. */
export function reportsResource(...parts: string[]): string {
  reportsDir ??= findReportsDir();
  return join(reportsDir, ...parts);
}
