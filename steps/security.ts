/**
 * Steps of the security features (auth, TLS, WebSocket, limits). Credentials come from the
 * target's profile (`capabilities.auth`); WebSocket scenarios open their own socket to the
 * target's ws:// or wss:// endpoint, since they judge the framing itself: they write frames
 * themselves and read through a TestClient over that socket's stream.
 */
import { randomBytes } from 'node:crypto';
import { After, Then, When } from './support/cucumber.js';
import type { WebSocket } from 'ws';
import { loadWebSocket, TestClient } from '../harness/client/index.js';
import { encode, rawVarint } from '../harness/codec/index.js';
import type { Credentials } from '../harness/targets/index.js';
import type { MqttWorld } from './support/world.js';

function auth(world: MqttWorld): NonNullable<MqttWorld['target']['capabilities']['auth']> {
  const a = world.target.capabilities.auth;
  if (!a) throw new Error('this step needs capabilities.auth in the target profile (tag the scenario @needs:auth)');
  return a;
}

const wrongPassword = (world: MqttWorld): Credentials => auth(world).invalidPassword ?? { username: auth(world).valid.username, password: `wrong-${randomBytes(6).toString('hex')}` };

When('{client} connects with the valid credentials', async function (this: MqttWorld, name: string) {
  const { username, password } = auth(this).valid;
  await this.sendConnect(name, { username, password: Buffer.from(password) });
});

When('{client} connects with a wrong password', async function (this: MqttWorld, name: string) {
  const { username, password } = wrongPassword(this);
  await this.sendConnect(name, { username, password: Buffer.from(password) });
});

When('{client} connects with an unknown user name', async function (this: MqttWorld, name: string) {
  await this.sendConnect(name, { username: `nobody-${randomBytes(6).toString('hex')}`, password: Buffer.from(randomBytes(8).toString('hex')) });
});

When('{client} connects without a user name', async function (this: MqttWorld, name: string) {
  await this.sendConnect(name, { anonymous: true });
});

When('{client} connects with a wrong password followed by a retained PUBLISH of {string} to {topic}', async function (this: MqttWorld, name: string, payload: string, topic: string) {
  const { username, password } = wrongPassword(this);
  const client = await this.open(name);
  const connect = this.connectPacket(name, { username, password: Buffer.from(password) });
  client.sendRaw(Buffer.concat([encode(connect, this.version), encode({ type: 'publish', topic, payload: Buffer.from(payload), qos: 0, retain: true, dup: false }, this.version)]));
});

When('{client} is connected with the valid credentials', async function (this: MqttWorld, name: string) {
  const { username, password } = auth(this).valid;
  await this.connect(name, { username, password: Buffer.from(password) });
});

/**
 * A refused authentication: CONNACK 0x04 (bad user name or password) or 0x05 (not authorised)
 * with Session Present 0 [MQTT-3.2.2-4], then the close [MQTT-3.2.2-5]. The specification does not
 * say which of the two codes a wrong password gets, so either is accepted.
 */
async function expectAuthRefusal(world: MqttWorld, name: string): Promise<void> {
  const client = world.client(name);
  const connack = await world.check(['MQTT-3.2.2-4'], () => client.expectNext({ type: 'connack' }));
  if (connack.reasonCode !== 4 && connack.reasonCode !== 5) world.fail(['MQTT-3.2.2-4'], 'CONNACK with return code 0x04 or 0x05', `CONNACK with return code 0x${connack.reasonCode.toString(16).padStart(2, '0')}`);
  if (connack.sessionPresent) world.fail(['MQTT-3.2.2-4'], 'Session Present 0 in a refusal', 'Session Present 1');
  await world.check(['MQTT-3.2.2-5'], () => client.expectClosed());
}

Then('the server refuses the connection of {client} as not authenticated', async function (this: MqttWorld, name: string) {
  await expectAuthRefusal(this, name);
});

Then('the server answers {client} as the profile declares for anonymous clients', async function (this: MqttWorld, name: string) {
  if (auth(this).anonymousAllowed) {
    const client = this.client(name);
    await this.check(['MQTT-3.1.4-4'], () => client.expectNext({ type: 'connack', reasonCode: 0 }));
  } else {
    await expectAuthRefusal(this, name);
  }
});

// ---- WebSocket framing (section 6) -----------------------------------------------------------

interface WsState {
  ws: WebSocket;
  /** Reads and decodes what the server sends on this WebSocket (into the scenario's trace). */
  client: TestClient;
}
const sockets = new WeakMap<MqttWorld, Map<string, WsState>>();

After(function (this: MqttWorld) {
  for (const s of sockets.get(this)?.values() ?? []) {
    s.client.destroy();
    s.ws.terminate();
  }
  sockets.delete(this);
});

function wsUrl(world: MqttWorld): string {
  const e = world.target.endpoint;
  if (e.protocol !== 'ws' && e.protocol !== 'wss') throw new Error('this step needs a ws:// or wss:// target (tag the scenario @needs:websocket)');
  return e.url;
}

function ws(world: MqttWorld, name: string): WsState {
  const s = sockets.get(world)?.get(name);
  if (!s) throw new Error(`no WebSocket connection named ${name}`);
  return s;
}

When('{client} opens a WebSocket connection offering the subprotocol {string}', async function (this: MqttWorld, name: string, protocol: string) {
  const tls = this.target.endpoint.tls;
  const { WebSocket, createWebSocketStream } = await loadWebSocket();
  const socket = new WebSocket(wsUrl(this), [protocol], { ca: tls?.ca, cert: tls?.cert, key: tls?.key, rejectUnauthorized: tls?.rejectUnauthorized ?? true, ...(tls?.servername !== undefined ? { servername: tls.servername } : {}) });
  socket.binaryType = 'nodebuffer';
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`WebSocket handshake with ${wsUrl(this)} not done within 5000 ms`)), 5000);
    socket.once('open', () => {
      clearTimeout(t);
      resolve();
    });
    socket.once('error', (e) => {
      clearTimeout(t);
      reject(e);
    });
  });
  const stream = createWebSocketStream(socket);
  // As the client's own WebSocket transport: a server close ends the stream fully (harness/client/transport.ts).
  stream.once('end', () => stream.destroy());
  const client = await TestClient.open(this.target.endpoint, { name, version: this.version, trace: this.trace, timeoutMs: this.timeoutMs, connector: () => Promise.resolve(stream) });
  let map = sockets.get(this);
  if (!map) sockets.set(this, (map = new Map<string, WsState>()));
  map.set(name, { ws: socket, client });
});

Then('the server selects the WebSocket subprotocol {string} for {client}', function (this: MqttWorld, protocol: string, name: string) {
  const got = ws(this, name).ws.protocol;
  if (got !== protocol) this.fail(['MQTT-6.0.0-4'], `Sec-WebSocket-Protocol: ${protocol}`, got === '' ? 'no subprotocol selected' : got);
});

When('{client} sends its CONNECT split over {int} binary frames', function (this: MqttWorld, name: string, frames: number) {
  const bytes = encode(this.connectPacket(name), this.version);
  const size = Math.ceil(bytes.length / frames);
  for (let i = 0; i < bytes.length; i += size) ws(this, name).ws.send(bytes.subarray(i, i + size), { binary: true });
});

When('{client} sends PINGREQ twice in one binary frame', function (this: MqttWorld, name: string) {
  const ping = encode({ type: 'pingreq' }, this.version);
  ws(this, name).ws.send(Buffer.concat([ping, ping]), { binary: true });
});

/**
 * A text frame holding a complete, valid packet (a QoS 0 PUBLISH whose bytes are all ASCII, so the
 * frame is valid UTF-8): the only thing wrong is the frame type, so only MQTT-6.0.0-1 can close it.
 */
When('{client} sends a complete PUBLISH in a text frame', function (this: MqttWorld, name: string) {
  const bytes = encode({ type: 'publish', topic: 'tx', payload: Buffer.from('text'), qos: 0, retain: false, dup: false }, this.version);
  ws(this, name).ws.send(bytes.toString('latin1'), { binary: false });
});

Then('{client} receives over WebSocket {string}', async function (this: MqttWorld, name: string, list: string) {
  const want = list.split(',').map((s) => s.trim().toLowerCase());
  const { client } = ws(this, name);
  const deadline = Date.now() + this.timeoutMs;
  while (client.received.length < want.length && (await client.nextArrival(Math.max(0, deadline - Date.now())))) {
    // each arrival is checked by the loop's condition
  }
  const got = client.received.map((p) => p.type);
  if (got.join(',') !== want.join(',')) this.fail(['MQTT-6.0.0-2'], want.join(', ').toUpperCase(), got.join(', ').toUpperCase() || `nothing within ${String(this.timeoutMs)} ms`);
});

Then('the server closes the WebSocket connection of {client}', async function (this: MqttWorld, name: string) {
  const s = ws(this, name);
  const closed = await s.client.waitClosed(this.timeoutMs);
  s.ws.terminate();
  if (!closed) this.fail(['MQTT-6.0.0-1'], `the connection closed within ${String(this.timeoutMs)} ms`, 'still open');
});

// ---- limits ----------------------------------------------------------------------------------

const trickles = new WeakMap<MqttWorld, NodeJS.Timeout[]>();
After(function (this: MqttWorld) {
  for (const t of trickles.get(this) ?? []) clearInterval(t);
  trickles.delete(this);
});

/** Slowloris: the bytes of a CONNECT, one at a time, all but the last; the trickle stops when the connection closes. */
When('{client} trickles a CONNECT one byte every {int} ms, never sending its last byte', async function (this: MqttWorld, name: string, everyMs: number) {
  const client = await this.open(name);
  const bytes = encode(this.connectPacket(name), this.version);
  let i = 0;
  const timer = setInterval(() => {
    if (client.closed || i >= bytes.length - 1) {
      clearInterval(timer);
      return;
    }
    client.sendRaw(bytes.subarray(i, ++i));
  }, everyMs);
  trickles.set(this, [...(trickles.get(this) ?? []), timer]);
});

/**
 * Only the fixed header of a PUBLISH one byte larger than the maximum packet size the target
 * declares (capabilities.maxPacketSize): a server that checks the size from the Remaining Length
 * closes at once, without waiting for a body that never comes. Not applicable without a declared size.
 */
When('{client} sends the fixed header of a PUBLISH one byte over the maximum packet size', async function (this: MqttWorld, name: string) {
  const max = this.target.capabilities.maxPacketSize;
  if (max === undefined) {
    await this.attachVerdict('not-applicable', 'the target declares no maxPacketSize');
    return 'skipped';
  }
  // Remaining Length = max + 1 - (1 type byte + its own length bytes), so the whole packet is max + 1 bytes.
  let remaining = max + 1 - 2;
  for (let width = 1; width <= 4; width++) {
    remaining = max + 1 - 1 - width;
    if (remaining < 128 ** width) break;
  }
  this.client(name).sendRaw(Buffer.concat([Buffer.from([0x30]), rawVarint(remaining)]));
  return undefined;
});

// ---- TLS -------------------------------------------------------------------------------------

/** A bare TLS handshake with the target's TLS material; the protocol version the server agreed to. */
Then('the server negotiates TLS 1.2 or later', async function (this: MqttWorld) {
  const e = this.target.endpoint;
  if (e.protocol !== 'mqtts' && e.protocol !== 'wss') throw new Error('this step needs an mqtts:// or wss:// target (tag the scenario @needs:tls)');
  const { connect } = await import('node:tls');
  const tls = e.tls;
  const negotiated = await new Promise<string>((resolve, reject) => {
    const socket = connect({ host: e.host, port: e.port, ca: tls?.ca, cert: tls?.cert, key: tls?.key, rejectUnauthorized: tls?.rejectUnauthorized ?? true, servername: tls?.servername ?? (/^[\d.:]+$/.test(e.host) ? undefined : e.host), minVersion: 'TLSv1' });
    const t = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no TLS handshake with ${e.host}:${String(e.port)} within ${String(this.timeoutMs)} ms`));
    }, this.timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(t);
      resolve(socket.getProtocol() ?? 'unknown');
      socket.destroy();
    });
    socket.once('error', (error: Error) => {
      clearTimeout(t);
      reject(error);
    });
  });
  if (negotiated !== 'TLSv1.2' && negotiated !== 'TLSv1.3') this.fail([], 'TLS 1.2 or TLS 1.3', negotiated);
});
