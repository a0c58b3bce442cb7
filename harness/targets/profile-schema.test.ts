import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseProfile } from './profile-schema.js';
import { profileExclusions } from './started.js';
import { bundledProfileNames, loadBundledProfile, loadBundledProfiles, loadProfileFile, PROFILES_DIR } from './profiles.js';
import { TargetError } from './types.js';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function configError(fn: () => unknown): TargetError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TargetError);
    expect((error as TargetError).code).toBe('TARGET_CONFIG');
    return error as TargetError;
  }
  throw new Error('expected a TARGET_CONFIG error');
}

const minimal = { name: 'x', process: { command: ['/bin/broker', '--port', '{port}'] } };

describe('broker profiles', () => {
  it('every bundled profile is valid and named after its file', () => {
    const names = bundledProfileNames();
    expect(names).toEqual(expect.arrayContaining(['aedes', 'emqx', 'hivemq', 'mosquitto', 'nanomq', 'rabbitmq', 'reference', 'vernemq']));
    for (const name of names) expect(loadBundledProfile(name).name).toBe(name);
  });

  it('covers the container images the issue names', () => {
    const images = loadBundledProfiles().flatMap((p) => (p.container === undefined ? [] : [p.container.image]));
    expect(images).toEqual(expect.arrayContaining(['eclipse-mosquitto', 'emqx/emqx', 'hivemq/hivemq-ce', 'vernemq/vernemq', 'emqx/nanomq', 'rabbitmq']));
  });

  it('accepts the example profile of profiles/README.md', () => {
    const readme = readFileSync(join(PROFILES_DIR, 'README.md'), 'utf8');
    const example = /```json\n([\s\S]*?)```/.exec(readme)?.[1];
    if (example === undefined) throw new Error('profiles/README.md has no json example');
    expect(parseProfile(JSON.parse(example), 'profiles/README.md').name).toBe('mybroker');
  });

  it('reads declared exclusions: the exclude map, and mandatory capabilities a profile declares absent', () => {
    const p = parseProfile({ ...minimal, exclude: { qos2: 'grants QoS 1 only' }, capabilities: { retain: false, maxQoS: 2 } }, 'x.json');
    expect(p.exclude).toEqual({ qos2: 'grants QoS 1 only' });
    expect(profileExclusions(p)).toEqual([
      { capability: 'qos2', source: 'profile', reason: 'grants QoS 1 only' },
      { capability: 'retain', source: 'profile', reason: `the profile ${p.name} declares capabilities.retain false` },
    ]);
    expect(profileExclusions(loadBundledProfile('mosquitto'))).toEqual([]);
    expect(profileExclusions(loadBundledProfile('rabbitmq')).map((e) => e.capability)).toEqual(['qos2']);
  });

  it('parses a minimal process profile', () => {
    expect(parseProfile(minimal, 'p.json')).toEqual(minimal);
  });

  it('parses capabilities and credentials', () => {
    const p = parseProfile(
      {
        ...minimal,
        capabilities: {
          versions: [4, 5],
          maxQoS: 1,
          sys: false,
          maxPacketSize: 1024,
          auth: { valid: { username: 'u', password: 'p' }, anonymousAllowed: false },
        },
      },
      'p.json',
    );
    expect(p.capabilities).toEqual({ versions: [4, 5], maxQoS: 1, sys: false, maxPacketSize: 1024, auth: { valid: { username: 'u', password: 'p' }, anonymousAllowed: false } });
  });

  it('parses capabilities.authMethods (MQTT 5.0 enhanced authentication), an empty list included', () => {
    const p = parseProfile({ ...minimal, capabilities: { authMethods: ['SCRAM-SHA-256', 'SCRAM-SHA-512'] } }, 'p.json');
    expect(p.capabilities).toEqual({ authMethods: ['SCRAM-SHA-256', 'SCRAM-SHA-512'] });
    expect(parseProfile({ ...minimal, capabilities: { authMethods: [] } }, 'p.json').capabilities).toEqual({ authMethods: [] });
  });

  it('keeps any list of distinct, non-empty method names without control characters, in order', () => {
    const name = fc.string({ minLength: 1, maxLength: 20 }).filter((m) => !/[\u0000-\u001f\u007f]/.test(m));
    fc.assert(
      fc.property(fc.uniqueArray(name, { maxLength: 5 }), (methods) => {
        expect(parseProfile({ ...minimal, capabilities: { authMethods: methods } }, 'p.json').capabilities?.authMethods).toEqual(methods);
      }),
      { numRuns: 100 },
    );
  });

  it('declares authMethods in the bundled reference profile', () => {
    expect(loadBundledProfile('reference').capabilities?.authMethods).toEqual(['SCRAM-SHA-256']);
  });

  it.each([
    [{ ...minimal, capabilities: { authMethods: 'SCRAM-SHA-256' } }, 'capabilities.authMethods'],
    [{ ...minimal, capabilities: { authMethods: ['SCRAM-SHA-256', 256] } }, 'capabilities.authMethods[1]'],
    [{ ...minimal, capabilities: { authMethods: [''] } }, 'capabilities.authMethods[0]'],
    [{ ...minimal, capabilities: { authMethods: ['SCRAM\nSHA'] } }, 'capabilities.authMethods[0]'],
    [{ ...minimal, capabilities: { authMethods: ['SCRAM-SHA-256', 'SCRAM-SHA-256'] } }, 'capabilities.authMethods[1]'],
  ])('rejects the authMethods of %j naming the field %s', (value, field) => {
    const error = configError(() => parseProfile(value, 'bad.json'));
    expect(error.code).toBe('TARGET_CONFIG');
    expect(error.detail).toBe(field);
    expect(error.message).toContain(field);
  });

  it.each([
    [{ ...minimal, name: 'Bad Name' }, 'name'],
    [{ ...minimal, colour: 'blue' }, 'profile.colour'],
    [{ name: 'x', process: { command: [] } }, 'process.command'],
    [{ name: 'x', process: { command: ['/bin/b', 7] } }, 'process.command[1]'],
    [{ name: 'x', process: { command: ['/bin/b'] } }, 'process.command'],
    [{ name: 'x', process: { command: ['/bin/b', '{port}'], port: 'any' } }, 'process.port'],
    [{ name: 'x', process: { command: ['/bin/b', '{port}'], port: 'printed' } }, 'process.ready'],
    [{ name: 'x', process: { command: ['/bin/b', '{port}'], ready: '(' } }, 'process.ready'],
    [{ name: 'x', process: { command: ['/bin/b', '{port}'], config: 'nope.conf' } }, 'process.config'],
    [{ name: 'x', process: { command: ['/bin/b', '{port}'], endpoint: { protocol: 'http' } } }, 'process.endpoint.protocol'],
    [{ name: 'x', container: { image: 'emqx/emqx:5', tag: '5', port: 1883 } }, 'container.image'],
    [{ name: 'x', container: { image: 'emqx/emqx', tag: '5', port: 70000 } }, 'container.port'],
    [{ name: 'x', container: { image: 'emqx/emqx', tag: '5', port: 1883, files: { 'rel/path': 'x' } } }, 'container.files.rel/path'],
    [{ ...minimal, capabilities: { maxQoS: 3 } }, 'capabilities.maxQoS'],
    [{ ...minimal, capabilities: { versions: [4, 6] } }, 'capabilities.versions[1]'],
    [{ ...minimal, capabilities: { versions: [] } }, 'capabilities.versions'],
    [{ ...minimal, capabilities: { retain: 'yes' } }, 'capabilities.retain'],
    [{ ...minimal, capabilities: { maxQos: 2 } }, 'capabilities.maxQos'],
    [{ ...minimal, capabilities: { auth: { valid: { username: 'u' }, anonymousAllowed: true } } }, 'capabilities.auth.valid.password'],
    [{ ...minimal, capabilities: { sysInterval: 0 } }, 'capabilities.sysInterval'],
    [{ ...minimal, exclude: { tls: 'no listener' } }, 'exclude.tls'],
    [{ ...minimal, exclude: { retain: ' ' } }, 'exclude.retain'],
    [{ ...minimal, exclude: { retain: false } }, 'exclude.retain'],
  ])('rejects %j naming the field %s', (value, field) => {
    const error = configError(() => parseProfile(value, 'bad.json'));
    expect(error.detail).toBe(field);
    expect(error.message).toContain('bad.json');
    expect(error.message).toContain(field);
  });

  it('rejects any unknown top-level field, naming it', () => {
    const known = new Set(['$schema', 'name', 'title', 'description', 'version', 'probe', 'process', 'container', 'capabilities', 'exclude', 'notes']);
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !known.has(k) && k !== '__proto__'),
        (key) => {
          const error = configError(() => parseProfile({ ...minimal, [key]: 1 }, 'f.json'));
          expect(error.detail).toBe(`profile.${key}`);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('reports unreadable files and invalid JSON as configuration errors naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'profile-test-'));
    try {
      const broken = join(dir, 'broken.json');
      writeFileSync(broken, '{ "name": ');
      expect(configError(() => loadProfileFile(broken)).message).toContain(broken);
      expect(configError(() => loadProfileFile(join(dir, 'missing.json'))).message).toContain('missing.json');
      expect(configError(() => loadBundledProfile('no-such-broker')).message).toContain('mosquitto');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
