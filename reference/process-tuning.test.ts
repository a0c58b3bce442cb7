import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const TUNING = fileURLToPath(new URL('./process-tuning.ts', import.meta.url));

/**
 * In a fresh Node process (it changes process-wide V8 settings): keeps 20,000 small objects alive,
 * the way a connection storm does, and prints the young generation's size (new_space) in KB.
 */
function youngGenerationAfterStorm(bound: boolean): number {
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    ${bound ? `const { boundYoungGeneration } = await import(${JSON.stringify(TUNING)}); boundYoungGeneration();` : ''}
    const kept = [];
    for (let i = 0; i < 20000; i++) kept.push({ id: i, name: 'client-' + i, buf: new Array(16).fill(i), more: { a: [i], b: String(i) } });
    const s = getHeapSpaceStatistics().find((x) => x.space_name === 'new_space');
    console.log(Math.round(s.space_size / 1024), kept.length);
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  return Number(out.trim().split(' ')[0]);
}

describe('boundYoungGeneration', () => {
  it('keeps the young generation at its start-up size where V8 would grow it', () => {
    const grown = youngGenerationAfterStorm(false);
    const bounded = youngGenerationAfterStorm(true);
    expect(grown).toBeGreaterThan(bounded); // the control: without it V8 grows the space
    expect(bounded).toBeLessThanOrEqual(8192);
  });
});
