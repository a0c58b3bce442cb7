/**
 * Loaded first by cucumber.mjs's default profile, for `npx cucumber-js` run straight from a clone:
 * starts the embedded reference broker in this worker and hands it to the steps through the same
 * environment variable `mqtt-conformance run` sets. The steps never start a broker themselves
 * (they import the harness only), so this wiring lives in the composition root.
 */
import { AfterAll } from '@cucumber/cucumber';
import type { StartedTarget } from '../harness/targets/index.js';
import { TARGET_ENV } from '../steps/support/applicability.js';
import { resolveTarget } from './resolve-target.js';

let own: StartedTarget | undefined;
if (process.env[TARGET_ENV] === undefined || process.env[TARGET_ENV] === '') {
  own = await resolveTarget('reference').start();
  process.env[TARGET_ENV] = JSON.stringify({ endpoint: own.endpoint, capabilities: own.capabilities, description: own.describe() });
}

AfterAll(async function () {
  await own?.stop();
  own = undefined;
});
