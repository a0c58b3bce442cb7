/** Test helper: starts the target named in argv[2], prints its port, and waits to be killed. */
import { resolveTarget } from '../resolve.js';

const spec = process.argv[2] ?? 'process:mosquitto';
const target = await resolveTarget(spec).start();
process.stdout.write(`port ${target.endpoint.port}\n`);
setInterval(() => undefined, 60_000);
