/**
 * An MQTT.js client shaped like the Eclipse Paho interoperability tests' callback client: it keeps
 * the CONNACK, every message received (with its wire topic, DUP flag and properties), and offers
 * bounded waits that name what they waited for. `terminate()` drops the TCP connection without DISCONNECT.
 */
import mqtt, { type IClientOptions, type IConnackPacket, type IPublishPacket, type MqttClient } from 'mqtt';

export interface Received {
  topic: string;
  /** The topic as it was on the wire (empty when only a Topic Alias was sent). */
  wireTopic: string;
  /** The Topic Alias on the wire, if any. */
  wireAlias: number | undefined;
  payload: Buffer;
  qos: number;
  retain: boolean;
  dup: boolean;
  properties: NonNullable<IPublishPacket['properties']>;
}

export class WaitError extends Error {
  readonly code = 'INTEROP_WAIT';
}

export class TestClient {
  readonly messages: Received[] = [];
  readonly disconnects: { reasonCode: number | undefined }[] = [];
  private readonly waiters = new Set<() => void>();

  private connackPacket: IConnackPacket | undefined;

  /** Listeners are attached before the CONNECT is sent: messages may arrive in the same read as the CONNACK. */
  private constructor(readonly client: MqttClient) {
    const wire = new WeakMap<object, { topic: string; alias: number | undefined }>();
    client.on('packetreceive', (p) => {
      if (p.cmd === 'publish') wire.set(p, { topic: p.topic, alias: p.properties?.topicAlias });
      if (p.cmd === 'disconnect') this.disconnects.push({ reasonCode: p.reasonCode });
      this.wake();
    });
    client.on('message', (topic, payload, packet) => {
      this.messages.push({
        topic,
        wireTopic: wire.get(packet)?.topic ?? topic,
        wireAlias: wire.get(packet)?.alias,
        payload,
        qos: packet.qos,
        retain: packet.retain,
        dup: packet.dup,
        properties: { ...(packet.properties ?? {}) },
      });
      this.wake();
    });
    client.on('close', () => this.wake());
  }

  /** Connects (no automatic reconnect); rejects with the CONNACK error if refused. */
  static async connect(port: number, clientId: string, options: IClientOptions = {}): Promise<TestClient> {
    const client = mqtt.connect(`mqtt://127.0.0.1:${String(port)}`, { clientId, reconnectPeriod: 0, connectTimeout: 5000, ...options });
    const wrapped = new TestClient(client);
    try {
      wrapped.connackPacket = await new Promise<IConnackPacket>((resolve, reject) => {
        client.once('connect', resolve);
        client.once('error', reject);
        client.once('close', () => reject(new WaitError(`connection of ${clientId || '(empty id)'} closed before CONNACK`)));
      });
      return wrapped;
    } catch (e) {
      client.end(true);
      throw e;
    }
  }

  get connack(): IConnackPacket {
    if (!this.connackPacket) throw new WaitError('not connected');
    return this.connackPacket;
  }

  get connected(): boolean {
    return this.client.connected;
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Resolves once `done()` holds, checked on every packet, message or close; rejects after `timeoutMs` naming `what`. */
  async until(done: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    if (done()) return;
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (!done()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new WaitError(`${what}: not within ${String(timeoutMs)} ms (messages: ${JSON.stringify(this.messages.map((m) => m.topic))})`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  async waitMessages(count: number, timeoutMs = 5000): Promise<Received[]> {
    await this.until(() => this.messages.length >= count, `${String(count)} message(s)`, timeoutMs);
    return this.messages;
  }

  async waitClosed(timeoutMs = 5000): Promise<void> {
    await this.until(() => !this.client.connected, 'the server closing the connection', timeoutMs);
  }

  clear(): void {
    this.messages.length = 0;
    this.disconnects.length = 0;
  }

  /** DISCONNECT (optionally with 5.0 properties), then the close. */
  async disconnect(properties?: { sessionExpiryInterval?: number }): Promise<void> {
    if (!this.client.connected) {
      this.client.end(true);
      return;
    }
    await new Promise<void>((resolve) => this.client.end(false, properties ? { properties } : {}, () => resolve()));
  }

  /** Closes the TCP connection without DISCONNECT (the will is published). */
  terminate(): void {
    this.client.stream.destroy();
    this.client.end(true);
  }
}
