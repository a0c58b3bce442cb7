import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/**
 * For a process whose job is the broker (the `broker` command, the benchmark's launcher), not for
 * the library: it changes the whole process.
 *
 * Keeps V8's young generation at the size it has when called. Why: during a connection storm V8
 * doubles the young generation up to 32 MB here (two 16 MB semi-spaces), and those pages stay
 * resident long after the storm: 10,000 idle connections measured 4.5 KB each, 3.2 KB of it that
 * fixed cost. A broker's young objects are short-lived packets and the long-lived ones (sessions,
 * sockets) are promoted either way, so a small young generation costs little throughput (see the
 * README's performance section for both figures).
 *
 * The growth factor is read each time V8 grows the space (unlike the semi-space limits, fixed at
 * start-up), which is what lets a running process set it.
 *
 * Kept at that size from below too: V8 halves the young generation after a scavenge that follows a
 * few idle seconds (its allocation rate then reads as low), and with a growth factor of 1 it could
 * never grow back: a broker idle for ~5 s and then busy scavenged 1.6x as often for the rest of its
 * life (fan-in QoS 0: ~25% more CPU per message, issue 18). So after each GC the factor is set to
 * 2 while the space is at most half its bound, and to 1 once it is above that. GC entries reach the
 * observer once per event-loop iteration, so under heavy load V8 may grow the space twice before the
 * factor is back at 1: it can come back at up to twice its bound (seen: 4 MB bound, 2 MB, then 8 MB).
 */
export function boundYoungGeneration(): void {
  const bound = youngGenerationSize();
  let factor = 1;
  setFlagsFromString('--semi-space-growth-factor=1');
  // GC entries arrive after the collection, batched: a check every few scavenges under load, none when idle.
  new PerformanceObserver(() => {
    const size = youngGenerationSize();
    // 2 at most, and only where doubling stays within the bound: V8 may grow twice before this runs.
    const next = size > 0 && size * 2 <= bound ? 2 : 1;
    if (next === factor) return;
    factor = next;
    setFlagsFromString(`--semi-space-growth-factor=${String(next)}`);
  }).observe({ entryTypes: ['gc'] });
}

/** Bytes reserved for the young generation (V8's new space). */
function youngGenerationSize(): number {
  for (const space of getHeapSpaceStatistics()) if (space.space_name === 'new_space') return space.space_size;
  return 0;
}
