import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBundledProfiles, PACKAGE_ROOT } from './profiles.js';
import { parseCertifyArgs } from '../../cli/certify.js';

/**
 * docker/ cannot be built here (no Docker engine), so its files are checked for agreement with the
 * rest: compose images match the container profiles, the certify command parses, every profile it
 * names exists, and the reference image runs with the capabilities its profile declares.
 */
const docker = (name: string): string => readFileSync(join(PACKAGE_ROOT, 'docker', name), 'utf8');

describe('docker files', () => {
  const compose = docker('compose.yaml');

  it('uses the image tags of the container profiles', () => {
    const images = [...compose.matchAll(/^\s+image:\s*(\S+):(\S+)\s*$/gm)].map((m) => ({ image: m[1] ?? '', tag: m[2] ?? '' }));
    expect(images.map((i) => i.image).sort()).toEqual(['eclipse-mosquitto', 'emqx/emqx', 'emqx/nanomq', 'hivemq/hivemq-ce', 'vernemq/vernemq']);
    const profiles = loadBundledProfiles();
    for (const { image, tag } of images) {
      const profile = profiles.find((p) => p.container?.image === image);
      expect(profile?.container?.tag, `${image} in compose.yaml`).toBe(tag);
    }
  });

  it('runs a certify command that parses, against every broker it starts, with existing profiles', () => {
    const block = compose.slice(compose.indexOf('    command:'));
    const args = [...block.matchAll(/^\s+- "?([^"\n]+)"?\s*$/gm)].map((m) => m[1] ?? '');
    expect(args[0]).toBe('certify');
    const options = parseCertifyArgs(args.slice(1));
    if (options === 'help') throw new Error('compose runs certify --help');
    expect(options.brokers.map((b) => b.spec)).toEqual(['reference', 'mosquitto', 'emqx', 'hivemq', 'vernemq', 'nanomq'].map((s) => `mqtt://${s}:1883`));
    for (const broker of options.brokers) {
      const profile = broker.options.profile ?? '';
      expect(profile.startsWith('/app/profiles/'), profile).toBe(true);
      expect(existsSync(join(PACKAGE_ROOT, profile.slice('/app/'.length))), profile).toBe(true);
    }
  });

  it('starts the reference image with the sysInterval and connectTimeout of profiles/reference.json', () => {
    const entry = /^ENTRYPOINT (\[.*\])$/m.exec(docker('reference-broker.Dockerfile'))?.[1];
    const argv = JSON.parse(entry ?? '[]') as string[];
    const caps = loadBundledProfiles().find((p) => p.name === 'reference')?.capabilities ?? {};
    expect(argv[argv.indexOf('--sys-interval') + 1]).toBe(String(caps.sysInterval));
    expect(argv[argv.indexOf('--connect-timeout') + 1]).toBe(String(caps.connectTimeout));
    expect(existsSync(join(PACKAGE_ROOT, argv[3] ?? 'missing'))).toBe(true);
  });

  it('gives the suite image the mqtt-conformance entrypoint', () => {
    expect(docker('suite.Dockerfile')).toMatch(/^ENTRYPOINT \["node", "\/app\/bin\/mqtt-conformance\.js"\]$/m);
  });

  it('mounts the same mosquitto password file the mosquitto profile declares', () => {
    const container = loadBundledProfiles().find((p) => p.name === 'mosquitto')?.container?.files?.['/mosquitto/config/passwd'];
    expect(docker('mosquitto/passwd').trim()).toBe((Array.isArray(container) ? container.join('\n') : container ?? '').trim());
  });
});
