/** Test helper: starts the target named in argv[2], prints its port, and waits to be killed. */
import { readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveTarget } from '../../../cli/resolve-target.js';

const spec = process.argv[2] ?? 'process:mosquitto';
const target = await resolveTarget(spec).start();
// The config path shows the target's temporary directory (mosquitto's command line has it).
const dir = readdirSync(tmpdir())
  .filter((d) => d.startsWith('mqttc-mosquitto-'))
  .map((d) => join(tmpdir(), d))
  .find((d) => {
    try {
      return readFileSync(join(d, 'mosquitto.conf'), 'utf8').includes(`listener ${target.endpoint.port} `);
    } catch {
      return false;
    }
  });
process.stdout.write(`port ${target.endpoint.port} dir ${dir ?? 'unknown'}\n`);
setInterval(() => undefined, 60_000);
