// Preloaded (`node --import`) into a `run` child by the hostile-broker test: when the process
// exits it prints its peak resident set size, measured by the kernel for this very process
// (with --parallel 1 cucumber runs the steps, hence every test client, in this process).
import { writeSync } from 'node:fs';

process.on('exit', () => {
  writeSync(2, `\n[peak-rss] ${process.resourceUsage().maxRSS}\n`);
});
