/**
 * A cucumber coordinator plugin (cucumber-js 12 `pickles:filter` / `pickles:order` transforms),
 * loaded by `mqtt-conformance run` (cli/run.ts): keeps the shard's part of the selected
 * scenarios (`--shard I/N`) and hands them to the workers `@serial` first, then longest first, so the long waits
 * start early and the short scenarios fill the gaps at the end.
 */
import { estimator, runOrder, shardOf, type OrderOptions, type ShardSpec } from './schedule.js';

/** The plugin's options (`pluginOptions.schedule`): JSON, as cucumber passes them. */
export interface SchedulePluginOptions {
  durations: Record<string, number>;
  shard?: ShardSpec;
  /** How to order (runOrder): an isolated instance for `@serial` scenarios, CPUs shared with the broker. */
  order?: OrderOptions;
}

interface LocatedPickle {
  pickle: { uri: string; tags: readonly { name: string }[] };
  location: { line: number };
}

/** The pickle with its scheduler key (cucumber reads only the fields it made). */
const keyed = <T extends LocatedPickle>(p: T): T & { key: string; serial: boolean } => ({ ...p, key: `${p.pickle.uri}:${p.location.line}`, serial: p.pickle.tags.some((t) => t.name === '@serial') });

export const schedulePlugin = {
  type: 'plugin' as const,
  optionsKey: 'schedule',
  coordinator({ transform, options }: { transform: (event: 'pickles:filter' | 'pickles:order', fn: (pickles: readonly LocatedPickle[]) => LocatedPickle[]) => void; options: SchedulePluginOptions }): void {
    const estimate = estimator(options.durations ?? {});
    const shard = options.shard;
    if (shard !== undefined) transform('pickles:filter', (pickles) => shardOf(pickles.map(keyed), shard, estimate));
    transform('pickles:order', (pickles) => runOrder(pickles.map(keyed), estimate, options.order ?? {}));
  },
};

export default schedulePlugin;
