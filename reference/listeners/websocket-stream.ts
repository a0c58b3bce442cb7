/**
 * A WebSocket as the byte stream the broker reads and writes (MQTT over WebSocket, section 6).
 * Binary frames only: any other data frame closes the connection (MQTT-6.0.0-1); a frame may hold
 * several or partial packets (MQTT-6.0.0-2), so frames are just byte chunks, and the writes of one
 * tick (corked) go out as one frame.
 */
import { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

export class WebSocketStream extends Duplex {
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;

  constructor(
    private readonly ws: WebSocket,
    remote: { remoteAddress?: string; remotePort?: number },
  ) {
    super({ allowHalfOpen: false });
    this.remoteAddress = remote.remoteAddress;
    this.remotePort = remote.remotePort;
    ws.binaryType = 'nodebuffer';
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) {
        ws.close(1003, 'MQTT needs binary frames'); // MQTT-6.0.0-1
        this.destroy();
        return;
      }
      if (!this.push(data)) ws.pause();
    });
    ws.on('close', () => {
      this.push(null);
      this.destroy();
    });
    ws.on('error', (error) => this.destroy(error));
  }

  override _read(): void {
    if (this.ws.isPaused) this.ws.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.send(chunk, callback);
  }

  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    this.send(chunks.length === 1 ? (chunks[0] as { chunk: Buffer }).chunk : Buffer.concat(chunks.map((c) => c.chunk)), callback);
  }

  private send(bytes: Buffer, callback: (error?: Error | null) => void): void {
    if (this.ws.readyState !== this.ws.OPEN) {
      callback(new Error('WebSocket is not open'));
      return;
    }
    this.ws.send(bytes, { binary: true }, (error) => callback(error ?? null));
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.close(1000);
    callback();
  }

  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) {
      if (error) this.ws.terminate();
      else this.ws.close(1000);
    }
    callback(error);
  }
}
