import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { steadyReading, type RssSample } from './steady-rss.js';

const o = { windowMs: 12_000, tolerance: 0.01, minSpreadBytes: 256 * 1024 };
const MB = 1024 * 1024;
const series = (values: number[], stepMs = 500): RssSample[] => values.map((rss, i) => ({ t: i * stepMs, rss }));

describe('steadyReading', () => {
  it('has no answer before the samples span the window', () => {
    expect(steadyReading(series(Array<number>(24).fill(100 * MB)), o)).toBeUndefined(); // 11.5 s
    expect(steadyReading(series(Array<number>(25).fill(100 * MB)), o)).toBe(100 * MB); // 12 s
  });

  it('waits out a late drop (V8 giving back its young generation after ~8 s) and reads after it', () => {
    const values = [...Array<number>(18).fill(130 * MB), ...Array<number>(10).fill(100 * MB)];
    expect(steadyReading(series(values), o)).toBeUndefined(); // the drop at 9 s is inside the window
    const longer = [...values, ...Array<number>(15).fill(100 * MB)];
    expect(steadyReading(series(longer), o)).toBe(100 * MB);
  });

  it('tolerates allocator noise within the tolerance', () => {
    const values = Array.from({ length: 30 }, (_, i) => 100 * MB + (i % 3) * 100 * 1024);
    expect(steadyReading(series(values), o)).toBe(values[29]);
  });

  it('answers only when every sample of the window is within the tolerance of the others (against a naive model)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 90 * MB, max: 110 * MB }), { minLength: 1, maxLength: 60 }), (values) => {
        const samples = series(values);
        const last = samples[samples.length - 1] as RssSample;
        let start = -1;
        for (let i = 0; i < samples.length; i++) if (last.t - (samples[i] as RssSample).t >= o.windowMs) start = i;
        const window = start < 0 ? undefined : samples.slice(start).map((s) => s.rss);
        const expected =
          window && Math.max(...window) - Math.min(...window) <= Math.max(Math.min(...window) * o.tolerance, o.minSpreadBytes) ? last.rss : undefined;
        expect(steadyReading(samples, o)).toBe(expected);
      }),
    );
  });
});
