/**
 * The installed package's cucumber loads the step definitions from one bundle per suite
 * (scripts/bundle-steps.mjs, run by `npm run build`): it must define exactly what the compiled
 * step files define, in the same order, with the same hooks, or a run from the package would match
 * steps differently from a run of the files. Each side loads in a child process of its own (the
 * definitions register in cucumber's support-code builder, a per-process singleton).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../harness/targets/index.js';

const DIST = join(PACKAGE_ROOT, 'dist');

/** The patterns, hook kinds and parameter types the given files register, in registration order. */
function definitionsOf(files: readonly string[]): string[] {
  const script = `
    import { createRequire } from 'node:module';
    const require = createRequire(${JSON.stringify(join(PACKAGE_ROOT, 'package.json'))});
    const builder = require('@cucumber/cucumber/lib/support_code_library_builder/index').default;
    let id = 0;
    builder.reset(${JSON.stringify(PACKAGE_ROOT)}, () => String(id++), {});
    for (const f of ${JSON.stringify(files.map((f) => pathToFileURL(f).href))}) await import(f);
    const lib = builder.finalize();
    const out = [
      ...lib.stepDefinitions.map((d) => 'step ' + String(d.pattern)),
      ...lib.beforeTestCaseHookDefinitions.map((h) => 'before ' + (h.tagExpression ?? '') + ' ' + h.code.length),
      ...lib.afterTestCaseHookDefinitions.map((h) => 'after ' + (h.tagExpression ?? '') + ' ' + h.code.length),
      ...lib.beforeTestRunHookDefinitions.map((h) => 'beforeAll ' + h.code.length),
      ...lib.afterTestRunHookDefinitions.map((h) => 'afterAll ' + h.code.length),
      ...lib.beforeTestStepHookDefinitions.map((h) => 'beforeStep ' + h.code.length),
      ...lib.afterTestStepHookDefinitions.map((h) => 'afterStep ' + h.code.length),
      ...[...lib.parameterTypeRegistry.parameterTypes].map((t) => 'parameter ' + t.name + ' ' + t.regexpStrings.join('|')),
    ];
    process.stdout.write(JSON.stringify(out));
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: PACKAGE_ROOT, encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) throw new Error(`loading ${files.join(', ')} failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as string[];
}

const stepFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .sort()
    .map((f) => join(dir, f));

describe('the step-definition bundles of the package', () => {
  for (const [bundle, dir] of [
    ['steps.bundle.js', join(DIST, 'steps')],
    ['steps-client.bundle.js', join(DIST, 'steps', 'client')],
  ] as const) {
    it(`dist/${bundle} defines what the compiled files of ${dir.slice(DIST.length + 1)}/ define, in their order`, () => {
      const fromFiles = definitionsOf(stepFiles(dir));
      expect(fromFiles.filter((d) => d.startsWith('step ')).length).toBeGreaterThan(20);
      expect(definitionsOf([join(DIST, bundle)])).toEqual(fromFiles);
    }, 120_000);
  }
});
