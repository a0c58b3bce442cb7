#!/usr/bin/env node
// Launcher: runs the TypeScript CLI through tsx so that users need no build step.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

register();
const here = dirname(fileURLToPath(import.meta.url));
await import(join(here, '..', 'cli', 'main.ts'));
