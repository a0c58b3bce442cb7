/** `mqtt-conformance bench`: the benchmark harness (bench/). */
import { main as benchMain } from '../bench/index.js';

export async function main(argv: string[]): Promise<number> {
  return benchMain(argv);
}
