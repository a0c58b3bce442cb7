import { afterEach, describe, expect, it } from 'vitest';
import { TestClient } from '../client/index.js';
import { fromHex } from '../codec/index.js';
import { ScriptedServer } from './scripted-server.js';

let server: ScriptedServer | undefined;
let client: TestClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
});

async function pair(): Promise<{ s: ScriptedServer; c: TestClient }> {
  server = await ScriptedServer.listen({ timeoutMs: 1000 });
  client = await TestClient.open({ url: `mqtt://127.0.0.1:${server.port}`, protocol: 'mqtt', host: '127.0.0.1', port: server.port }, { name: 'c', version: 5, timeoutMs: 1000 });
  return { s: server, c: client };
}

describe('ScriptedServer', () => {
  it('decodes the client CONNECT in its own version, answers only what it is told, and traces both ways', async () => {
    const { s, c } = await pair();
    c.send({ type: 'connect', protocolName: 'MQTT', protocolVersion: 5, clean: true, keepalive: 10, clientId: 'x' });
    const conn = await s.accept();
    await conn.expectNext({ type: 'connect', clientId: 'x' });
    expect(conn.version).toBe(5);
    conn.send({ type: 'connack', sessionPresent: false, reasonCode: 0 });
    await c.expect({ type: 'connack', reasonCode: 0 });
    c.send({ type: 'publish', topic: 't', payload: Buffer.from('p'), qos: 1, packetId: 3, retain: false, dup: false });
    await expect(conn.expect({ type: 'publish', packetId: 3 })).resolves.toMatchObject({ topic: 't' });
    const dirs = s.trace.entries.filter((e) => e.dir !== 'event').map((e) => `${e.dir} ${String(e.packet?.type)}`);
    expect(dirs).toEqual(['in connect', 'out connack', 'in publish']);
  });

  it('expectNone with a barrier fails on a forbidden packet before it, and expectClosed sees the client close', async () => {
    const { s, c } = await pair();
    c.send({ type: 'connect', protocolName: 'MQTT', protocolVersion: 5, clean: true, keepalive: 10, clientId: 'x' });
    const conn = await s.accept();
    c.send({ type: 'pingreq' });
    c.send({ type: 'publish', topic: 'b', payload: Buffer.from('barrier'), qos: 0, retain: false, dup: false });
    await expect(conn.expectNone({ type: 'pingreq' }, { until: { type: 'publish', topic: 'b' } })).rejects.toMatchObject({ code: 'EXPECTATION_FAILED' });
    c.destroy();
    await expect(conn.expectClosed()).resolves.toBeTypeOf('number');
  });

  it('sends raw bytes as they are and times out naming what it awaited', async () => {
    const { s, c } = await pair();
    c.send({ type: 'connect', protocolName: 'MQTT', protocolVersion: 4, clean: true, keepalive: 10, clientId: 'x' });
    const conn = await s.accept();
    await conn.expectNext({ type: 'connect' });
    conn.sendRaw(fromHex('20 02 00 00'));
    await c.expect({ type: 'connack' });
    await expect(conn.expect({ type: 'pingreq' }, { timeoutMs: 50 })).rejects.toMatchObject({ code: 'EXPECTATION_TIMEOUT' });
  });
});
