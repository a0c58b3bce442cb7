/**
 * A load-generator worker process (forked by WorkerPool). It runs the clients the coordinator
 * assigns and reports their counts and its own CPU use. See protocol.ts for the conversation.
 */
import { monoMs } from '../proc.js';
import type { LoadClient } from './client.js';
import { IdleConnections } from './idle.js';
import type { ClientSpec, Command, Reply } from './protocol.js';
import { Publisher } from './publisher.js';
import { RatePublisher } from './rate-publisher.js';
import { RetainedLoader } from './retained-loader.js';
import { Subscriber } from './subscriber.js';

const workerIndex = Number(process.env['BENCH_WORKER_INDEX'] ?? '0');

function makeClient(spec: ClientSpec): LoadClient {
  switch (spec.role) {
    case 'publisher':
      return new Publisher(spec);
    case 'rate-publisher':
      return new RatePublisher(spec);
    case 'retained-loader':
      return new RetainedLoader(spec);
    case 'subscriber':
      return new Subscriber(spec);
    case 'idle':
      return new IdleConnections(spec);
    default: {
      const never: never = spec;
      throw new Error(`unknown client role ${JSON.stringify(never)}`);
    }
  }
}

function send(reply: Reply): void {
  process.send?.(reply);
}

let clients: LoadClient[] = [];
let phase: { seq: number; goAt: number; cpu: NodeJS.CpuUsage; reported: boolean; ticker?: NodeJS.Timeout } | undefined;

/** How often subscribers' delivery counts go to the coordinator for the publishers' pacing, ms. */
const PROGRESS_MS = 5;

function report(cutShort: boolean): void {
  if (!phase || phase.reported) return;
  phase.reported = true;
  if (phase.ticker) clearInterval(phase.ticker);
  const cpu = process.cpuUsage(phase.cpu);
  send({
    type: 'result',
    seq: phase.seq,
    result: {
      worker: workerIndex,
      goAt: phase.goAt,
      doneAt: monoMs(),
      cpuMicros: cpu.user + cpu.system,
      cutShort,
      clients: clients.map((c) => c.result()),
    },
  });
}

async function handle(cmd: Command): Promise<void> {
  switch (cmd.cmd) {
    case 'prepare': {
      for (const c of clients) c.close();
      clients = cmd.clients.map(makeClient);
      // Connect in groups so a large fan-out does not flood the broker's accept queue.
      for (let i = 0; i < clients.length; i += 50) {
        await Promise.all(clients.slice(i, i + 50).map((c) => c.prepare(cmd.host, cmd.port)));
      }
      send({ type: 'prepared', seq: cmd.seq });
      return;
    }
    case 'go': {
      const current = { seq: cmd.seq, goAt: monoMs(), cpu: process.cpuUsage(), reported: false } as NonNullable<typeof phase>;
      phase = current;
      const counters = clients.filter((c) => c.delivered !== undefined);
      if (counters.length > 0) {
        let last = -1;
        current.ticker = setInterval(() => {
          const delivered = counters.reduce((a, c) => a + (c.delivered?.() ?? 0), 0);
          if (delivered !== last) send({ type: 'progress', seq: current.seq, worker: workerIndex, delivered });
          last = delivered;
        }, PROGRESS_MS);
      }
      for (const c of clients) c.go();
      await Promise.all(clients.map((c) => c.done));
      report(false);
      return;
    }
    case 'finish': {
      for (const c of clients) c.stop();
      report(true);
      return;
    }
    case 'credit': {
      for (const c of clients) c.credit?.(cmd.delivered);
      return;
    }
    case 'close': {
      for (const c of clients) c.close();
      clients = [];
      phase = undefined;
      send({ type: 'closed', seq: cmd.seq });
      return;
    }
  }
}

process.on('message', (msg: Command) => {
  handle(msg).catch((e: unknown) => {
    const err = e as { message?: string; code?: string };
    send({ type: 'error', seq: msg.seq, message: err.message ?? String(e), code: err.code ?? 'BENCH_WORKER' });
  });
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', worker: workerIndex });
