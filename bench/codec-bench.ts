import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CODEC_BENCH = new URL('./codec.ts', import.meta.url);

/** What the codec benchmark (bench/codec.ts, owned by the codec engineer) returned, or why it did not run. */
export type CodecBenchOutcome = { ran: true; result: unknown; text: string } | { ran: false; reason: string };

function toText(result: unknown): string {
  if (typeof result === 'string') return result;
  if (result && typeof result === 'object') {
    const r = result as Record<string, unknown>;
    for (const key of ['table', 'text', 'markdown']) if (typeof r[key] === 'string') return r[key];
  }
  return result === undefined ? '' : JSON.stringify(result, null, 2);
}

/** Runs `runCodecBench()` from bench/codec.ts when that file exists. */
export async function runCodecBenchIfPresent(): Promise<CodecBenchOutcome> {
  if (!existsSync(fileURLToPath(CODEC_BENCH))) return { ran: false, reason: 'bench/codec.ts does not exist yet' };
  // A computed specifier: the file is another engineer's and may not exist when this compiles.
  const mod = (await import(CODEC_BENCH.href)) as Record<string, unknown>;
  const run = mod['runCodecBench'];
  if (typeof run !== 'function') return { ran: false, reason: 'bench/codec.ts does not export runCodecBench()' };
  const result: unknown = await (run as () => unknown)();
  return { ran: true, result, text: toText(result) };
}
