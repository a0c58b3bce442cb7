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

  it('grows the young generation back to its bound after V8 halved it following an idle period', () => {
    // V8 shrinks the young generation at a GC that follows a few idle seconds (allocation rate read
    // as low): the wait is that idle period itself, which no event can stand for. Then a load of
    // short-lived objects with a window of survivors, as a busy broker has.
    const script = `
      import { getHeapSpaceStatistics } from 'node:v8';
      const { boundYoungGeneration } = await import(${JSON.stringify(TUNING)});
      const size = () => Math.round(getHeapSpaceStatistics().find((x) => x.space_name === 'new_space').space_size / 1024);
      boundYoungGeneration();
      const sizes = [size()];
      await new Promise((r) => setTimeout(r, 6000));
      globalThis.gc();
      sizes.push(size());
      const window = [];
      for (let round = 0; round < 200; round++) {
        for (let i = 0; i < 20000; i++) { window.push({ i, b: [i, i + 1], s: 'x' + i }); if (window.length > 5000) window.shift(); }
        await new Promise((r) => setImmediate(r));
      }
      sizes.push(size());
      console.log(sizes.join(' '));
    `;
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    const [bound, afterIdle, afterLoad] = out.trim().split(' ').map(Number) as [number, number, number];
    expect(afterIdle).toBeLessThan(bound); // the control: V8 did shrink it
    expect(afterLoad).toBe(bound); // back to the bound, not beyond
  }, 30_000);
});
