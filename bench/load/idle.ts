import { connect as netConnect, type Socket } from 'node:net';
import { PacketDecoder } from '../../harness/codec/index.js';
import { monoMs } from '../proc.js';
import { connectPacket, VERSION } from './connection.js';
import { deferred, type LoadClient } from './client.js';
import type { IdleResult, IdleSpec } from './protocol.js';

/**
 * Opens `count` connections (CONNECT with keep-alive 0, so the broker never times them out) with at
 * most `concurrency` pending, and keeps them open until closed. A connection counts once its
 * CONNACK (return code 0) arrives; failures are counted by cause.
 */
export class IdleConnections implements LoadClient {
  private readonly finished = deferred();
  readonly done = this.finished.promise;
  private readonly sockets = new Set<Socket>();
  private connected = 0;
  private failed = 0;
  private readonly errors: Record<string, number> = {};
  private doneAt: number | undefined;
  private stopped = false;
  private host = '';
  private port = 0;

  constructor(private readonly spec: IdleSpec) {}

  async prepare(host: string, port: number): Promise<void> {
    this.host = host;
    this.port = port;
  }

  private count(code: string): void {
    this.errors[code] = (this.errors[code] ?? 0) + 1;
  }

  private openOne(i: number): Promise<void> {
    return new Promise((resolve) => {
      const socket = netConnect({ host: this.host, port: this.port });
      const decoder = new PacketDecoder({ version: VERSION });
      let settled = false;
      const settle = (ok: boolean, code?: string): void => {
        if (settled) return;
        settled = true;
        if (ok) this.connected++;
        else {
          this.failed++;
          this.count(code ?? 'unknown');
          socket.destroy();
        }
        resolve();
      };
      socket.on('connect', () => socket.write(connectPacket(`${this.spec.clientIdPrefix}-${i}`)));
      socket.on('data', (chunk: Buffer) => {
        try {
          decoder.feed(chunk, (p) => {
            if (p.type === 'connack') settle(p.reasonCode === 0, `CONNACK-rc-${p.reasonCode}`);
          });
        } catch {
          settle(false, 'undecodable');
        }
      });
      socket.on('error', (e: NodeJS.ErrnoException) => settle(false, e.code ?? 'error'));
      socket.on('close', () => {
        if (settled && !this.stopped && this.sockets.has(socket)) this.count('closed-after-connack');
        settle(false, 'closed-before-connack');
      });
      this.sockets.add(socket);
    });
  }

  go(): void {
    const { count, concurrency } = this.spec;
    let next = 0;
    let active = 0;
    const pump = (): void => {
      while (!this.stopped && active < concurrency && next < count) {
        active++;
        void this.openOne(next++).then(() => {
          active--;
          if (this.connected + this.failed === count) {
            this.doneAt = monoMs();
            this.finished.resolve();
          } else pump();
        });
      }
    };
    if (count === 0) {
      this.doneAt = monoMs();
      this.finished.resolve();
    } else pump();
  }

  stop(): void {
    this.stopped = true;
    this.finished.resolve();
  }

  result(): IdleResult {
    return {
      role: 'idle',
      clientId: this.spec.clientIdPrefix,
      connected: this.connected,
      failed: this.failed,
      errors: this.errors,
      doneAt: this.doneAt,
    };
  }

  close(): void {
    this.stopped = true;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }
}
