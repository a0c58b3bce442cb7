/**
 * The layering of mqtt-conformance (issue 16): each top-level folder is one floor, imports go one
 * way. `npm run lint:deps` checks it, and `npm test` runs that check (test/layering.test.ts).
 * Tests (`*.test.ts`) and test tooling (`test/`, `scripts/`) may reach any floor; product code may
 * never reach test tooling.
 */
const TEST = '(^test/|^scripts/|[.]test[.]ts$|[.]e2e[.]test[.]ts$)';

/**
 * The floors, one row each: the files of the floor (`from`, a path pattern), the top-level folders
 * (or folder paths) it must not import, and the subfolders of those it may import all the same
 * (`except`). Its tests and test tooling may reach any floor, but for the contract's.
 */
const FLOORS = [
  {
    name: 'contract-imports-nothing',
    comment: 'contract/ names what crosses process boundaries (env names, media types); every floor may import it, so it imports nothing of ours.',
    from: '^contract/',
    testsToo: true,
    forbidden: ['cli', 'harness', 'reference', 'steps', 'reports', 'bench', 'test', 'scripts'],
  },
  {
    name: 'harness-is-the-ground-floor',
    comment: 'harness/ (codec, test client, generic target kinds) imports nothing of ours outside itself (but the contract).',
    from: '^harness/',
    forbidden: ['cli', 'reference', 'steps', 'reports', 'bench', 'features', 'test', 'scripts', 'docker'],
  },
  {
    name: 'codec-is-pure',
    comment: 'The codec is pure functions: it imports nothing else of ours, not even the rest of the harness.',
    from: '^harness/codec/',
    forbidden: ['harness', 'contract'],
    except: ['harness/codec'],
  },
  {
    name: 'broker-imports-only-the-codec',
    comment: 'reference/ (the broker) imports the codec; only its target adapter (reference/target/) builds on the harness target interface.',
    from: '^reference/(?!target/)',
    forbidden: ['harness', 'cli', 'steps', 'reports', 'bench', 'test', 'scripts'],
    except: ['harness/codec'],
  },
  {
    name: 'reference-target-adapter',
    comment: 'The reference target adapter may use the harness and the broker, nothing above them.',
    from: '^reference/target/',
    forbidden: ['cli', 'steps', 'reports', 'bench', 'test', 'scripts'],
  },
  {
    name: 'steps-drive-the-harness-not-the-broker',
    comment: 'The suite judges any broker through the harness; it never reaches into the reference broker, the CLI or the reports.',
    from: '^steps/',
    forbidden: ['reference', 'cli', 'reports', 'bench', 'test', 'scripts'],
  },
  {
    name: 'reports-read-only-the-contract',
    comment: 'The report model is built from cucumber messages and the statement catalogue; it imports no harness, steps or broker code (the contract module is the only shared vocabulary).',
    from: '^reports/',
    forbidden: ['harness', 'reference', 'steps', 'cli', 'bench', 'test', 'scripts'],
  },
  {
    name: 'bench-uses-targets',
    comment: 'Benchmarks drive brokers through the harness target interface; they do not import the CLI or the suite.',
    from: '^bench/',
    forbidden: ['cli', 'steps', 'test', 'scripts'],
  },
];

/** The folders as one pattern: any path below one of them. */
const below = (folders) => `^(${folders.join('|')})/`;

const floorRule = ({ name, comment, from, testsToo = false, forbidden, except = [] }) => ({
  name,
  comment,
  severity: 'error',
  from: testsToo ? { path: from } : { path: from, pathNot: TEST },
  to: except.length > 0 ? { path: below(forbidden), pathNot: below(except) } : { path: below(forbidden) },
});

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'A circle of imports makes the parts impossible to read, test or replace one at a time. Type-only imports do not count: they vanish at compile time.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    ...FLOORS.map(floorRule),
    {
      name: 'product-never-imports-test-tooling',
      severity: 'error',
      from: { pathNot: TEST },
      to: { path: TEST },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^node_modules/|^dist/|^reports/out/|^reports/fixtures/)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.mjs', '.json'] },
    moduleSystems: ['es6', 'cjs'],
  },
};
