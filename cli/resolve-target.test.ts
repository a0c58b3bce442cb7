import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandLineCredentials, resolveTarget, targetSlug, workersFor } from './resolve-target.js';
import { ContainerTarget, parseImageReference } from '../harness/targets/container.js';
import { TargetError } from '../harness/targets/types.js';
import { credentialsFromUrl, parseEndpointUrl, redactUrl } from '../harness/targets/url.js';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof TargetError) return error.code;
    throw error;
  }
  return 'no error';
}

describe('resolveTarget', () => {
  it('maps each --broker form to its kind', () => {
    expect(resolveTarget('reference').kind).toBe('reference');
    expect(resolveTarget('reference:process').kind).toBe('process');
    expect(resolveTarget('mqtt://127.0.0.1:1883').kind).toBe('url');
    expect(resolveTarget('ws://127.0.0.1:8080/mqtt').kind).toBe('url');
    expect(resolveTarget('process:mosquitto').kind).toBe('process');
    expect(resolveTarget('process:/opt/b --port {port}').kind).toBe('process');
    expect(resolveTarget('container:emqx/emqx:5.8.6').kind).toBe('container');
  });

  it('finds the bundled container profile by image and keeps the tag', () => {
    const target = resolveTarget('container:hivemq/hivemq-ce:2024.9');
    expect(target).toBeInstanceOf(ContainerTarget);
    expect((target as ContainerTarget).image).toBe('hivemq/hivemq-ce:2024.9');
    expect((resolveTarget('container:eclipse-mosquitto') as ContainerTarget).image).toBe('eclipse-mosquitto:2.0.18');
    expect((resolveTarget('container:docker.io/library/rabbitmq:3.13') as ContainerTarget).image).toBe('docker.io/library/rabbitmq:3.13');
    expect((resolveTarget('container:example/unknown') as ContainerTarget).image).toBe('example/unknown:latest');
  });

  it('refuses what it does not understand, with TARGET_CONFIG', () => {
    expect(code(() => resolveTarget('mosquitto'))).toBe('TARGET_CONFIG');
    expect(code(() => resolveTarget('http://x:1'))).toBe('TARGET_CONFIG');
    expect(code(() => resolveTarget('process'))).toBe('TARGET_CONFIG');
    expect(code(() => resolveTarget('process:no-such-profile'))).toBe('TARGET_CONFIG');
    expect(code(() => resolveTarget('process:/opt/b -v'))).toBe('TARGET_CONFIG');
    expect(code(() => resolveTarget('process:emqx'))).toBe('TARGET_CONFIG'); // container-only profile
    expect(code(() => resolveTarget('container:aedes'))).toBe('no error'); // unknown image: generic profile
    expect(code(() => resolveTarget('mqtt://h:1', { insecure: true }))).toBe('TARGET_CONFIG');
    expect(code(() => resolveTarget('reference', { ca: 'ca.pem' }))).toBe('TARGET_CONFIG');
    expect(code(() => resolveTarget('reference', { profile: '/no/such/file.json' }))).toBe('TARGET_CONFIG');
  });

  it('uses --profile FILE for a process target', () => {
    const dir = mkdtempSync(join(tmpdir(), 'resolve-test-'));
    try {
      const file = join(dir, 'mine.json');
      writeFileSync(file, JSON.stringify({ name: 'mine', process: { command: ['/opt/mine', '{port}'] } }));
      expect(resolveTarget('process', { profile: file }).kind).toBe('process');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives file-system-safe slugs', () => {
    expect(targetSlug('reference')).toBe('reference');
    expect(targetSlug('reference:process')).toBe('reference-process');
    expect(targetSlug('process:mosquitto')).toBe('mosquitto');
    expect(targetSlug('container:emqx/emqx:5.8.6')).toBe('emqx-emqx-5.8.6');
    expect(targetSlug('mqtt://127.0.0.1:1883')).toBe('mqtt-127.0.0.1-1883');
  });
});

describe('broker URLs', () => {
  it('parses mqtt, ws and default ports', () => {
    expect(parseEndpointUrl('mqtt://broker.example:1884')).toEqual({ url: 'mqtt://broker.example:1884', protocol: 'mqtt', host: 'broker.example', port: 1884 });
    expect(parseEndpointUrl('mqtt://broker.example').port).toBe(1883);
    expect(parseEndpointUrl('ws://h:8080')).toMatchObject({ protocol: 'ws', path: '/mqtt', url: 'ws://h:8080/mqtt' });
    expect(parseEndpointUrl('ws://h:8080/custom')).toMatchObject({ path: '/custom' });
    expect(parseEndpointUrl('mqtt://[::1]:1883')).toMatchObject({ host: '::1', url: 'mqtt://[::1]:1883' });
  });

  it('carries TLS material and --insecure for mqtts and wss', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tls-test-'));
    try {
      const ca = join(dir, 'ca.pem');
      writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
      expect(parseEndpointUrl('mqtts://broker.example:8883', { ca })).toMatchObject({
        protocol: 'mqtts',
        tls: { rejectUnauthorized: true, servername: 'broker.example', ca: expect.stringContaining('BEGIN CERTIFICATE') },
      });
      expect(parseEndpointUrl('wss://10.0.0.1', { insecure: true })).toMatchObject({ port: 443, tls: { rejectUnauthorized: false } });
      expect(code(() => parseEndpointUrl('mqtts://h', { cert: ca }))).toBe('TARGET_CONFIG');
      expect(code(() => parseEndpointUrl('mqtts://h', { ca: join(dir, 'missing.pem') }))).toBe('TARGET_CONFIG');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes credentials from the URL (percent-decoded) or --username/--password, never showing the password', () => {
    expect(parseEndpointUrl('mqtt://u:p@h:1').url).toBe('mqtt://h:1');
    expect(credentialsFromUrl('mqtt://us%40er:p%3Ass@h:1')).toEqual({ username: 'us@er', password: 'p:ss' });
    expect(credentialsFromUrl('mqtt://h:1')).toBeUndefined();
    expect(commandLineCredentials('mqtt://h:1', { username: 'a', password: 'b' })).toEqual({ username: 'a', password: 'b' });
    expect(commandLineCredentials('process:mosquitto', { username: 'a' })).toEqual({ username: 'a', password: '' });
    expect(code(() => commandLineCredentials('mqtt://h:1', { password: 'b' }))).toBe('TARGET_CONFIG');
    expect(code(() => commandLineCredentials('mqtt://a:x@h:1', { username: 'a', password: 'b' }))).toBe('TARGET_CONFIG');
    expect(code(() => resolveTarget('reference', { username: 'a', password: 'b' }))).toBe('TARGET_CONFIG');
    expect(redactUrl('mqtt://u:secret@h:1')).toBe('mqtt://u:***@h:1');
  });

  it('rejects paths in mqtt URLs', () => {
    expect(code(() => parseEndpointUrl('mqtt://h:1/path'))).toBe('TARGET_CONFIG');
    expect(code(() => parseEndpointUrl('not a url'))).toBe('TARGET_CONFIG');
  });

  it('splits image references', () => {
    expect(parseImageReference('emqx/emqx:5.8.6')).toEqual({ image: 'emqx/emqx', tag: '5.8.6' });
    expect(parseImageReference('registry:5000/team/broker')).toEqual({ image: 'registry:5000/team/broker' });
    expect(parseImageReference('registry:5000/team/broker:1.0')).toEqual({ image: 'registry:5000/team/broker', tag: '1.0' });
  });
});

describe('workersFor: the default worker count from the target', () => {
  it('gives the embedded reference broker 8 on 2 CPUs, as any broker on this machine', () => {
    expect(workersFor('reference', '127.0.0.1', 2)).toBe(8);
  });
  it('gives a separate broker on this machine (a process, a loopback URL) 8, since the run mostly waits', () => {
    expect(workersFor('process', '127.0.0.1', 2)).toBe(8);
    expect(workersFor('url', 'localhost', 2)).toBe(8);
    expect(workersFor('url', '::1', 2)).toBe(8);
  });
  it('gives a remote broker 4, a container too unless reached on a loopback port', () => {
    expect(workersFor('url', '10.0.0.7', 2)).toBe(4);
    expect(workersFor('container', '10.88.0.2', 2)).toBe(4);
    expect(workersFor('container', '127.0.0.1', 2)).toBe(8);
  });
  it('never fewer than 2, and fewer on one CPU', () => {
    expect(workersFor('reference', '127.0.0.1', 1)).toBe(4);
    expect(workersFor('process', '127.0.0.1', 1)).toBe(4);
    expect(workersFor('url', '10.0.0.7', 1)).toBe(3);
  });
});
