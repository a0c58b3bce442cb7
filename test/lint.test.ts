/**
 * ESLint with typescript-eslint (eslint.config.js: `recommendedTypeChecked` plus the house rules),
 * run through ESLint's Node API on the folders `npm run lint` covers: a problem fails `npm test`
 * with its file:line, rule and message.
 */
import { relative } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../harness/targets/package-root.js';

describe('lint (ESLint, typescript-eslint)', () => {
  it('the tree has no ESLint problem', async () => {
    const eslint = new ESLint({ cwd: PACKAGE_ROOT });
    const results = await eslint.lintFiles(['.']);
    // Not a vacuous pass: the config applied to the tree's TypeScript (a broken glob lints nothing).
    const typescript = results.filter((r) => r.filePath.endsWith('.ts'));
    expect(typescript.length).toBeGreaterThan(300);
    expect(await eslint.isPathIgnored('dist/cli/main.js')).toBe(true);
    const config = (await eslint.calculateConfigForFile('cli/main.ts')) as { rules: Record<string, unknown> };
    for (const rule of ['@typescript-eslint/no-explicit-any', '@typescript-eslint/no-unused-vars', '@typescript-eslint/consistent-type-imports', 'eqeqeq', '@typescript-eslint/no-floating-promises']) {
      expect(config.rules[rule], rule).toEqual(expect.arrayContaining([2]));
    }
    const problems = results.flatMap((r) =>
      r.messages.map((m) => `${relative(PACKAGE_ROOT, r.filePath)}:${m.line}:${m.column} ${m.ruleId ?? '(parse)'} ${m.message}`),
    );
    expect(problems).toEqual([]);
  }, 240_000);
});
