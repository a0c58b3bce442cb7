/**
 * The resident memory of an idle broker, read once it has stopped changing.
 *
 * Why wait: a Node broker's young generation grows during a connection storm (to 32 MB here) and V8's
 * memory reducer gives it back only after ~8 s of low allocation (kLongDelayMs, then up to three GCs
 * 0.5 s apart). Read at once, that fixed cost is charged to the connections (3.2 KB each at 10,000);
 * read too early, a stability check ends before the reducer runs. So a reading is steady when RSS
 * stayed within the tolerance for a whole window longer than the reducer's delay. Brokers without a
 * reducer (Mosquitto) are steady at once and simply pay the window.
 */
export interface RssSample {
  /** Monotonic ms. */
  t: number;
  rss: number;
}

export interface SteadyRssOptions {
  /** How long RSS must stay within the tolerance, ms (default 12,000: above V8's 8 s + 3 x 0.5 s). */
  windowMs: number;
  /** Sampling interval, ms (default 500). */
  sampleMs: number;
  /** Largest spread within the window, as a fraction of its lowest reading (default 0.01), and at least `minSpreadBytes`. */
  tolerance: number;
  /** A spread always tolerated, bytes (default 256 KiB: allocator noise on a small process). */
  minSpreadBytes: number;
  /** Give up waiting after this long and return the last reading, flagged unsteady (default 60,000). */
  maxMs: number;
}

export const STEADY_RSS_DEFAULTS: SteadyRssOptions = { windowMs: 12_000, sampleMs: 500, tolerance: 0.01, minSpreadBytes: 256 * 1024, maxMs: 60_000 };

/**
 * The steady reading of `samples` (oldest first): the last sample, when every sample of the last
 * `windowMs` lies within the tolerance; undefined while the window is not yet covered or RSS still moves.
 */
export function steadyReading(samples: readonly RssSample[], o: Pick<SteadyRssOptions, 'windowMs' | 'tolerance' | 'minSpreadBytes'>): number | undefined {
  const last = samples[samples.length - 1];
  if (!last) return undefined;
  let lo = last.rss;
  let hi = last.rss;
  for (let i = samples.length - 1; i >= 0; i--) {
    const s = samples[i] as RssSample;
    lo = Math.min(lo, s.rss);
    hi = Math.max(hi, s.rss);
    if (hi - lo > Math.max(lo * o.tolerance, o.minSpreadBytes)) return undefined;
    if (last.t - s.t >= o.windowMs) return last.rss;
  }
  return undefined; // the samples do not yet span the window
}

export interface SteadyRss {
  rss: number;
  /** False when `maxMs` passed first: the reading is the last one, still moving. */
  steady: boolean;
  waitedMs: number;
}

/** Samples `read` until `steadyReading` has an answer or `maxMs` passes. */
export async function waitForSteadyRss(read: () => number | undefined, options: Partial<SteadyRssOptions> = {}, now: () => number = () => performance.now()): Promise<SteadyRss | undefined> {
  const o = { ...STEADY_RSS_DEFAULTS, ...options };
  const start = now();
  const samples: RssSample[] = [];
  for (;;) {
    const rss = read();
    if (rss === undefined) return undefined;
    const t = now();
    samples.push({ t, rss });
    const steady = steadyReading(samples, o);
    if (steady !== undefined) return { rss: steady, steady: true, waitedMs: t - start };
    if (t - start >= o.maxMs) return { rss, steady: false, waitedMs: t - start };
    await new Promise((r) => setTimeout(r, o.sampleMs));
  }
}
