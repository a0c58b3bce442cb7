import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BenchError } from './errors.js';
import { median, percentile, percentiles, summarize } from './stats.js';

describe('median', () => {
  it('takes the middle value of an odd sample and the mean of the two middle values of an even one', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });
  it('does not reorder its input', () => {
    const xs = [3, 1, 2];
    median(xs);
    expect(xs).toEqual([3, 1, 2]);
  });
  it('refuses an empty sample with a coded error', () => {
    expect(() => median([])).toThrow(BenchError);
    try {
      median([]);
    } catch (e) {
      expect((e as BenchError).code).toBe('BENCH_EMPTY_SAMPLE');
    }
  });
  it('refuses NaN', () => {
    expect(() => median([1, Number.NaN])).toThrow(expect.objectContaining({ code: 'BENCH_EMPTY_SAMPLE' }));
  });
  it('has at least half of the sample on each side (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 200 }), (xs) => {
        const m = median(xs);
        expect(xs.filter((x) => x <= m).length * 2).toBeGreaterThanOrEqual(xs.length);
        expect(xs.filter((x) => x >= m).length * 2).toBeGreaterThanOrEqual(xs.length);
      }),
    );
  });
});

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
  it('gives the value at rank ceil(p/100 * n)', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile(hundred, 1)).toBe(1);
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([10, 20], 50)).toBe(10);
    expect(percentile([10, 20], 51)).toBe(20);
  });
  it('p99 of 1,000 samples with ten outliers lands on the outliers, p98 does not', () => {
    const xs = [...Array.from({ length: 990 }, () => 1), ...Array.from({ length: 10 }, () => 50)];
    expect(percentile(xs, 99)).toBe(1);
    expect(percentile(xs, 99.1)).toBe(50);
    expect(percentile(xs, 98)).toBe(1);
  });
  it('rejects p outside (0, 100]', () => {
    expect(() => percentile(hundred, 0)).toThrow(expect.objectContaining({ code: 'BENCH_USAGE' }));
    expect(() => percentile(hundred, 101)).toThrow(expect.objectContaining({ code: 'BENCH_USAGE' }));
  });
  it('always returns an observed value, monotone in p, with p100 the maximum (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }), { minLength: 1, maxLength: 300 }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        (xs, p, q) => {
          const [lo, hi] = p <= q ? [p, q] : [q, p];
          expect(xs).toContain(percentile(xs, lo));
          expect(percentile(xs, lo)).toBeLessThanOrEqual(percentile(xs, hi));
          expect(percentile(xs, 100)).toBe(Math.max(...xs));
          expect(percentiles(xs, [lo, hi])).toEqual([percentile(xs, lo), percentile(xs, hi)]);
        },
      ),
    );
  });
});

describe('summarize', () => {
  it('gives n, median, min and max', () => {
    expect(summarize([3, 9, 1, 4])).toEqual({ n: 4, median: 3.5, min: 1, max: 9 });
  });
});
