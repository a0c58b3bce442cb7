// cucumber-js configuration. `mqtt-conformance run` (cli/run.ts) loads it from the package root
// and picks a profile by how it runs itself:
// - `runner`: from the TypeScript sources (a clone): the first import registers tsx, then the steps.
// - `compiled`: from the installed package: the compiled steps of dist/ as one bundle
//   (scripts/bundle-steps.mjs, the second half of `npm run build`), no TypeScript loader.
// Both leave the formatters to the CLI (its own progress display and the message formatter).
// Plain `npx cucumber-js` in a clone uses the default profile: the embedded reference broker,
// started per worker by the composition root, with the progress formatter.
const common = {
  // Broker features only: features/client/ holds the client features (the client profiles below).
  paths: ['features/*.feature'],
  strict: true,
};

export default { ...common, import: ['steps/register-tsx.mjs', 'cli/standalone-target.ts', 'steps/*.ts'], format: ['progress'] };

export const runner = { ...common, import: ['steps/register-tsx.mjs', 'steps/*.ts'] };

export const compiled = { ...common, import: ['dist/steps.bundle.js'] };

// `mqtt-conformance run --client ...` (cli/client-run.ts): only the client features, with the
// client steps (a scripted server per scenario); broker runs read features/*.feature only.
const clientCommon = { paths: ['features/client/**/*.feature'], strict: true };
export const client = { ...clientCommon, import: ['steps/register-tsx.mjs', 'steps/client/*.ts'] };
export const clientCompiled = { ...clientCommon, import: ['dist/steps-client.bundle.js'] };
