/**
 * Independent, non-Node clients against the CLI broker: Debian's python3-paho-mqtt (Eclipse Paho
 * Python) runs the Paho interoperability scenarios (paho-python-client.py), and mosquitto_pub /
 * mosquitto_sub (mosquitto-clients) exchange a retained 3.1.1 message and a 5.0 message with user
 * properties. Each part is skipped, saying what to install, when its client is missing.
 */
import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliBroker, type CliBroker } from './cli-broker.js';

const SCRIPT = fileURLToPath(new URL('./paho-python-client.py', import.meta.url));
const CONFIG = fileURLToPath(new URL('./paho-broker.json', import.meta.url));

/** The first Python 3 that can import paho.mqtt (Debian's is /usr/bin/python3; a pyenv shim may lack it). */
function findPython(): string | undefined {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(candidate, ['-c', 'import paho.mqtt.client'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // not installed there
    }
  }
  return undefined;
}

function has(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(file: string, args: readonly string[], timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const python = findPython();
const mosquittoClients = has('mosquitto_pub') && has('mosquitto_sub');

let plain: CliBroker | undefined;
let paho: CliBroker | undefined;
beforeAll(async () => {
  [plain, paho] = await Promise.all([startCliBroker(), startCliBroker(['--config', CONFIG])]);
});
afterAll(async () => {
  await Promise.all([plain?.stop(), paho?.stop()]);
});

describe('Eclipse Paho Python (python3-paho-mqtt)', () => {
  const cases = [
    { name: 'default options', broker: () => plain, flags: [] as string[] },
    { name: 'paho-broker.json', broker: () => paho, flags: ['--paho-config'] },
  ];
  for (const c of cases) {
    it.skipIf(!python)(`runs the Paho scenarios, 3.1.1 and 5.0, against the CLI broker with ${c.name}${python ? '' : ' (skipped: python3-paho-mqtt not installed; apt-get install -y python3-paho-mqtt)'}`, async () => {
      const port = c.broker()?.port;
      expect(port).toBeTypeOf('number');
      const result = await run(python ?? 'python3', [SCRIPT, '127.0.0.1', String(port), ...c.flags]);
      const checks = result.stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { check: string; ok: boolean; detail: string });
      expect(checks.filter((k) => !k.ok), result.stderr).toEqual([]);
      expect(checks.length).toBe(16);
      expect(result.code).toBe(0);
    });
  }
});

describe('mosquitto_pub / mosquitto_sub (mosquitto-clients)', () => {
  it.skipIf(!mosquittoClients)(`a retained 3.1.1 message and a 5.0 message with user properties${mosquittoClients ? '' : ' (skipped: mosquitto-clients not installed; apt-get install -y mosquitto-clients)'}`, async () => {
    const port = String(plain?.port);
    const pub = await run('mosquitto_pub', ['-h', '127.0.0.1', '-p', port, '-V', 'mqttv311', '-q', '1', '-r', '-t', 'interop/mosquitto/retained', '-m', 'kept']);
    expect(pub.code, pub.stderr).toBe(0);
    const sub = await run('mosquitto_sub', ['-h', '127.0.0.1', '-p', port, '-V', 'mqttv311', '-t', 'interop/mosquitto/#', '-C', '1', '-v', '-W', '10']);
    expect([sub.code, sub.stdout.trim()]).toEqual([0, 'interop/mosquitto/retained kept']);

    // 5.0: the subscriber (-C 1) waits for one message; the publisher sends it with two user properties.
    const waiting = run('mosquitto_sub', ['-h', '127.0.0.1', '-p', port, '-V', 'mqttv5', '-t', 'interop/mosquitto5/t', '-C', '1', '-F', '%t %p %P', '-W', '10']);
    // Retained, so the subscriber gets it whether its SUBSCRIBE reaches the broker before or after this publish.
    await run('mosquitto_pub', ['-h', '127.0.0.1', '-p', port, '-V', 'mqttv5', '-q', '1', '-t', 'interop/mosquitto5/t', '-m', 'v5', '-r', '-D', 'publish', 'user-property', 'a', '2', '-D', 'publish', 'user-property', 'c', '3']);
    const got = await waiting;
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout.trim()).toBe('interop/mosquitto5/t v5 a:2 c:3');
    await run('mosquitto_pub', ['-h', '127.0.0.1', '-p', port, '-q', '1', '-r', '-n', '-t', 'interop/mosquitto5/t']);
    await run('mosquitto_pub', ['-h', '127.0.0.1', '-p', port, '-q', '1', '-r', '-n', '-t', 'interop/mosquitto/retained']);
  });
});
