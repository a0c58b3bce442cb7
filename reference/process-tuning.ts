import { setFlagsFromString } from 'node:v8';

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
 */
export function boundYoungGeneration(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}
