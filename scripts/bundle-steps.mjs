// The second half of `npm run build` (after tsc): bundles the compiled step definitions into one
// ES module per suite, dist/steps.bundle.js (broker features) and dist/steps-client.bundle.js
// (client features), which cucumber.mjs's `compiled` and `clientCompiled` profiles load.
//
// Why: every cucumber worker (8 per run against a local broker) and the coordinator load the step
// definitions, and Node's ES module loader pays per file (resolve, stat, read, compile, link): the
// 65 files the steps reach cost ~280 ms of CPU per process, one bundle ~200 ms. Packages stay
// external: cucumber must be the installed instance (its support-code builder is a singleton), and
// the rest resolve from the package's node_modules as before. Source maps chain to the TypeScript.
// Plain JavaScript (no tsx): it runs in `prepare`, `prepack` and the suite image's build stage.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Bundles every `*.js` directly in dist/<from> (the files cucumber.mjs named before) into dist/<out>. */
async function bundle(from, out) {
  const dir = join(root, 'dist', from);
  const entries = readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .sort();
  if (entries.length === 0) throw new Error(`bundle-steps: no compiled step files in ${dir} (run tsc -p tsconfig.build.json first)`);
  await build({
    // One module importing each step file in cucumber's order (sorted, as its glob gave them).
    stdin: { contents: entries.map((f) => `import ${JSON.stringify(`./${f}`)};`).join('\n'), resolveDir: dir, sourcefile: `${from}/index.js`, loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    outfile: join(root, 'dist', out),
    logLevel: 'warning',
  });
}

await bundle('steps', 'steps.bundle.js');
await bundle('steps/client', 'steps-client.bundle.js');
