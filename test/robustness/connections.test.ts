/**
 * Connections at CI size (issue 19, item 3): 10,000 over TCP and 2,000 over WebSocket held at once
 * against the reference broker in its own process; each gets its CONNACK, then (all still open) a
 * PINGRESP to its PINGREQ; then all are closed and the broker counts none left. The clients run in
 * a child process too (hold-connections.ts), started through sh with the open-file soft limit
 * raised to the hard limit, so neither side depends on the caller's `ulimit -n`. Memory per
 * connection stays a benchmark figure (printed, not asserted).
 */
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const HOLDER = fileURLToPath(new URL('./hold-connections.ts', import.meta.url));
const RAISE_FD_LIMIT = 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"';

interface HoldResult {
  requested: number;
  connacks: number;
  brokerClients: number;
  pingresps: number;
  clientsAfterClose: number;
  failureCount: number;
  failures: string[];
}

/** The hard open-file limit a child can raise its soft limit to. */
function hardLimit(): number {
  const out = execFileSync('/bin/sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim();
  return out === 'unlimited' ? Number.POSITIVE_INFINITY : Number(out);
}

async function hold(connections: number, ws: boolean): Promise<{ result: HoldResult; summary: string }> {
  const args = ['--import', 'tsx', HOLDER, '--connections', String(connections), ...(ws ? ['--ws'] : [])];
  const child = spawn('/bin/sh', ['-c', RAISE_FD_LIMIT, process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const lines = out.trim().split('\n');
  const json = lines.at(-1);
  if (!json?.startsWith('{')) throw new Error(`hold-connections exited ${String(code)} without a result:\n${out}\n${err.slice(-2000)}`);
  return { result: JSON.parse(json) as HoldResult, summary: lines.at(-2) ?? '' };
}

describe('connections held at once', () => {
  for (const [transport, n] of [['TCP', 10_000], ['WebSocket', 2_000]] as const) {
    it(`${String(n)} over ${transport}: every one gets CONNACK, then PINGRESP with all open, and all close`, async () => {
      // Each process holds n sockets plus a few; the hard limit bounds what sh can raise.
      expect(hardLimit(), `the hard open-file limit (ulimit -Hn) must allow ${String(n)} connections`).toBeGreaterThan(n + 256);
      const { result, summary } = await hold(n, transport === 'WebSocket');
      console.log(summary);
      expect(result.failures).toEqual([]);
      expect(result.connacks).toBe(n);
      expect(result.brokerClients).toBe(n);
      expect(result.pingresps).toBe(n);
      expect(result.clientsAfterClose).toBe(0);
    }, 300_000);
  }
});
