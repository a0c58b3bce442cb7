import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { main, parseBrokerArgs } from './broker.js';

function capture(): { stream: PassThrough; text: () => string; line: (re: RegExp) => Promise<RegExpMatchArray> } {
  const stream = new PassThrough();
  let text = '';
  const waiters: (() => void)[] = [];
  stream.on('data', (d: Buffer) => {
    text += d.toString();
    for (const w of waiters.splice(0)) w();
  });
  return {
    stream,
    text: () => text,
    line: (re) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no output matching ${String(re)} in 10 s; got ${text}`)), 10_000);
        const check = () => {
          const m = re.exec(text);
          if (m) {
            clearTimeout(timer);
            resolve(m);
          } else waiters.push(check);
        };
        check();
      }),
  };
}

function configFile(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'broker-cli-'));
  const file = join(dir, 'broker.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('mqtt-conformance broker: arguments', () => {
  it('defaults to port 1883 on 0.0.0.0 at log level info', () => {
    expect(parseBrokerArgs([])).toEqual({ port: 1883, host: '0.0.0.0', logLevel: 'info' });
  });

  it('--heap-growth is a process option, not a broker option', () => {
    const processOptions = { heapGrowth: false };
    expect(parseBrokerArgs(['--heap-growth', '--port', '0'], processOptions)).toEqual({ port: 0, host: '0.0.0.0', logLevel: 'info' });
    expect(processOptions.heapGrowth).toBe(true);
  });

  it('reads a config file; command-line options override it', () => {
    const file = configFile({ port: 1999, host: '127.0.0.1', maxInflight: 5, queueQos0: true, sysIntervalSeconds: 0 });
    expect(parseBrokerArgs(['--config', file, '--port=0', '--log-level', 'warn'])).toMatchObject({
      port: 0,
      host: '127.0.0.1',
      maxInflight: 5,
      queueQos0: true,
      sysIntervalSeconds: 0,
      logLevel: 'warn',
    });
  });

  it.each([
    [['--port', 'x']],
    [['--port', '70000']],
    [['--log-level', 'loud']],
    [['--bogus']],
    [['--host']],
    [['--heap-growth=yes']],
    [['--config', '/nonexistent/broker.json']],
    [['--config', configFile('{not json')]],
    [['--config', configFile({ maxInflight: 'many' })]],
    [['--config', configFile({ colour: 'blue' })]],
    [['--config', configFile([1])]],
  ])('%j is a usage error: exit 2 and a message naming the problem', async (argv) => {
    const err = capture();
    expect(await main(argv, { err: err.stream, out: new PassThrough() })).toBe(2);
    expect(err.text()).toMatch(/mqtt-conformance broker: /);
  });

  it('a port in use is a configuration error (exit 2)', async () => {
    const out = capture();
    const ac = new AbortController();
    const first = main(['--port', '0', '--host', '127.0.0.1', '--log-level', 'silent'], { out: out.stream, signal: ac.signal, tuneProcess: false });
    const [, port] = await out.line(/listening on mqtt:\/\/127\.0\.0\.1:(\d+)/);
    const err = capture();
    expect(await main(['--port', String(port), '--host', '127.0.0.1', '--log-level', 'silent'], { err: err.stream, out: new PassThrough() })).toBe(2);
    expect(err.text()).toMatch(/EADDRINUSE|in use/);
    ac.abort();
    expect(await first).toBe(0);
  });

  it('--help prints the usage and exits 0', async () => {
    const out = capture();
    expect(await main(['--help'], { out: out.stream })).toBe(0);
    expect(out.text()).toMatch(/--config FILE/);
  });
});

describe('mqtt-conformance broker: running', () => {
  it('serves MQTT clients in process until stopped, with options from the config file', async () => {
    const out = capture();
    const ac = new AbortController();
    const file = configFile({ sysIntervalSeconds: 0, logLevel: 'silent' });
    const running = main(['--config', file, '--port', '0', '--host', '127.0.0.1'], { out: out.stream, signal: ac.signal, tuneProcess: false });
    const [, url] = await out.line(/listening on (mqtt:\/\/\S+)/);
    const c = await mqtt.connectAsync(url as string, { reconnectPeriod: 0 });
    await c.subscribeAsync('cli/t', { qos: 1 });
    const got = new Promise<string>((resolve) => c.once('message', (_t, p: Buffer) => resolve(p.toString())));
    await c.publishAsync('cli/t', 'hi', { qos: 1 });
    expect(await got).toBe('hi');
    // sysIntervalSeconds 0 from the file: no $SYS.
    const sys = await c.subscribeAsync('$SYS/#');
    expect(sys[0]?.qos).toBe(0);
    await c.endAsync();
    ac.abort();
    expect(await running).toBe(0);
  });

  it('runs as a command (bin/mqtt-conformance.js broker) and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, ['bin/mqtt-conformance.js', 'broker', '--port', '0', '--host', '127.0.0.1', '--log-level', 'info'], {
      cwd: join(import.meta.dirname, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = capture();
    const err = capture();
    child.stdout.pipe(out.stream);
    child.stderr.pipe(err.stream);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const [, url] = await out.line(/listening on (mqtt:\/\/\S+)/);
      const c = await mqtt.connectAsync(url as string, { reconnectPeriod: 0, clientId: 'cli-child' });
      await c.endAsync();
      const log = await err.line(/^\{.*"msg":"client connected".*$/m);
      expect(JSON.parse(log[0])).toMatchObject({ clientId: 'cli-child', level: 'info' });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 30_000);
});
