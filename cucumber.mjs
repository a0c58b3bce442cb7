// cucumber-js configuration. The first import registers tsx, so `npx cucumber-js` runs the
// TypeScript steps as is (against the embedded reference broker, with the progress formatter).
// `mqtt-conformance run` (cli/run.ts) uses the `runner` profile: same sources and steps,
// its own progress display, and the message formatter added on the command line.
const common = {
  // Broker features only: features/client/ holds the client features (the `client` profile below).
  paths: ['features/*.feature'],
  import: ['steps/register-tsx.mjs', 'steps/*.ts'],
  strict: true,
};

// Plain `npx cucumber-js`: the embedded reference broker, started per worker by the composition root.
export default { ...common, import: ['steps/register-tsx.mjs', 'cli/standalone-target.ts', 'steps/*.ts'], format: ['progress'] };

export const runner = { ...common };

// `mqtt-conformance run --client ...` (cli/client-run.ts): only the client features, with the
// client steps (a scripted server per scenario); broker runs read features/*.feature only.
export const client = { paths: ['features/client/**/*.feature'], import: ['steps/register-tsx.mjs', 'steps/client/*.ts'], strict: true };
