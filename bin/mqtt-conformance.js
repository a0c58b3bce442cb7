#!/usr/bin/env node
// The `mqtt-conformance` command: runs the compiled CLI (dist/cli/main.js), no TypeScript loader.
// In a clone, `npm install` builds dist/ (the `prepare` script); development runs the sources
// with `npm run conformance` / `tsx cli/main.ts` instead.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write(
    `mqtt-conformance: ${fileURLToPath(main)} is missing. In a clone, build it with "npm run build" (npm install does so),\n` +
      'or run the sources with "npx tsx cli/main.ts".\n',
  );
  process.exit(2);
}
const { runCommandLine } = await import(main.href);
await runCommandLine();
