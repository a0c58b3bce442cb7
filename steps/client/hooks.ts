/**
 * Hooks of client runs (`mqtt-conformance run --client ...`, cucumber profile `client`): each
 * scenario gets its own scripted server and its own adapter process, stopped afterwards by PID.
 * Broker runs never load this folder (the broker profile imports steps/*.ts only).
 */
import { After, AfterStep, Before, BeforeAll, Status, setDefaultTimeout, setWorldConstructor } from '../support/cucumber.js';
import { TRACE_MEDIA_TYPE } from '../../harness/client/index.js';
import { AdapterError } from '../../harness/server/index.js';
import { CLIENT_CAPABILITIES, CLIENT_ENV, clientFromEnv, type ClientUnderTestConfig } from './support/client-config.js';
import { ClientWorld } from './support/client-world.js';
import { attachFailure, stepText, thrownOf } from '../support/failure.js';
import { useNativeMatchIndices } from '../support/native-match-indices.js';

setWorldConstructor(ClientWorld);
// Step matching through native RegExp indices: the same matches, less CPU (see the module).
useNativeMatchIndices();
setDefaultTimeout(60_000);

let client: ClientUnderTestConfig | undefined;

BeforeAll(function () {
  client = clientFromEnv();
  if (!client) throw new Error(`no client under test: ${CLIENT_ENV} is not set (run with \`mqtt-conformance run --client ...\`)`);
});

/** Why the scenario does not apply to the client, or undefined. */
export function clientNotApplicable(tags: readonly string[], c: ClientUnderTestConfig): { reason?: string; version?: 4 | 5 } {
  const version = tags.includes('@v5') ? 5 : tags.includes('@v3.1.1') ? 4 : undefined;
  if (version === undefined) return { reason: 'the scenario has no version tag (@v3.1.1 or @v5)' };
  if (!c.versions.includes(version)) return { reason: `the client does not support MQTT ${version === 5 ? '5' : '3.1.1'}` };
  for (const tag of tags) {
    if (!tag.startsWith('@needs:')) continue;
    const name = tag.slice('@needs:'.length);
    if (CLIENT_CAPABILITIES[name] === undefined) return { reason: `unknown client capability ${name} in ${tag}` };
    const why = c.lacks[name];
    if (why !== undefined) return { reason: `the client declares it cannot do ${name}: ${why}` };
  }
  return { version };
}

Before(async function (this: ClientWorld, { pickle }) {
  if (!client) throw new Error('no client under test: BeforeAll did not run');
  const tags = pickle.tags.map((t) => t.name);
  const { reason, version } = clientNotApplicable(tags, client);
  if (reason !== undefined || version === undefined) {
    await this.attachVerdict('not-applicable', reason ?? 'no version');
    return 'skipped';
  }
  try {
    await this.setup({ client, name: pickle.name, tags, version });
  } catch (e) {
    if (e instanceof AdapterError) await this.attachVerdict('inconclusive', e.message);
    throw e;
  }
  return undefined;
});

// The failure as data (contract MEDIA_TYPE.failure): see steps/support/failure.ts.
AfterStep(async function (this: ClientWorld, { error, gherkinDocument, pickleStep, result }) {
  if (result.status === Status.FAILED) await attachFailure(this, error, stepText(gherkinDocument, pickleStep));
});

After(async function (this: ClientWorld, { result, error }) {
  const stderr = this.hasSetup ? this.adapter.stderrTail : '';
  await this.stop();
  if (result?.status === Status.FAILED) await attachFailure(this, thrownOf(error, result.exception, result.message));
  if (result?.status === Status.FAILED && this.trace.entries.length > 0) {
    this.attach(JSON.stringify(this.trace.entries), TRACE_MEDIA_TYPE);
    if (stderr) this.attach(stderr, 'text/plain');
  }
});
