// ESLint flat config (issue 16 item 2): typescript-eslint's type-aware `recommendedTypeChecked`
// rules plus the house rules of CONVENTIONS.md. `npm run lint` runs it; test/lint.test.ts runs it
// in `npm test`. The import layering is dependency-cruiser's job (.dependency-cruiser.cjs).
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** The folders linted (`npm run lint` and test/lint.test.ts lint exactly these). */
export const LINTED_FOLDERS = ['contract', 'cli', 'harness', 'reference', 'steps', 'reports', 'bench', 'scripts', 'test', 'docker'];

const TYPESCRIPT = LINTED_FOLDERS.map((folder) => `${folder}/**/*.ts`);
const MODULE_SCRIPTS = LINTED_FOLDERS.map((folder) => `${folder}/**/*.mjs`);

export default defineConfig(
  {
    // Build output, installs, run output. Plain .js/.cjs (the bin shim, the HTML report's browser
    // scripts, tool configs) is outside the linted scope.
    ignores: ['dist/', '**/node_modules/', 'reports/out/', 'coverage/', '.artifacts/', '**/*.js', '**/*.cjs'],
  },
  {
    files: [...TYPESCRIPT, ...MODULE_SCRIPTS],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      // Types come from tsconfig.json (the project service finds it per file).
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // House rule: no `any` in exported signatures; ESLint cannot tell exported from local, so none.
      '@typescript-eslint/no-explicit-any': 'error',
      // Underscore-prefixed names are deliberately unused (positional callback parameters, rest omits).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
      // verbatimModuleSyntax (tsconfig.json) keeps every import not marked `type` at run time.
      // `typeof import('x')` stays allowed: it types the optional dependencies loaded lazily
      // (testcontainers, ioredis, esbuild) where they are imported.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      // The CLI, the scripts and the broker write to the console on purpose.
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
      // A `let` read by a closure before its one assignment (a timer the waiter clears, a server
      // its handler closes) cannot be a const without reordering the code: not flagged.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Off: an `async` method without `await` is how this code implements a Promise-returning
      // interface (StartedTarget.stop, a store's close); `return Promise.resolve()` reads worse and
      // would make a synchronous throw escape instead of rejecting.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // The .mjs files (cucumber and client adapters run by node directly) are in no tsconfig:
    // syntax rules only, no type information.
    files: MODULE_SCRIPTS,
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // vitest's asymmetric matchers (expect.any, expect.stringMatching, ...) are typed `any` so they
    // fit anywhere in an expected object: putting one in a property is not an unsafe assignment.
    files: LINTED_FOLDERS.map((folder) => `${folder}/**/*.test.ts`),
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
);
