// cucumber-js configuration. TypeScript steps load through tsx's ESM loader, so
// `npx cucumber-js` works as is (against the embedded reference broker); the suite's own
// runner is `mqtt-conformance run` (harness/cli/run.ts), which uses this file too.
export default {
  paths: ['features/**/*.feature'],
  import: ['steps/register-tsx.mjs', 'steps/*.ts'],
  format: ['progress'],
  strict: true,
};
