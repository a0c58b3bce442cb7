import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBundledProfiles, PACKAGE_ROOT } from './profiles.js';
import { parseCertifyArgs } from '../../cli/certify.js';
import { parseRunArgs } from '../../cli/run.js';

/**
 * The files of docker/ agree with the rest: compose images match the container profiles, the
 * certify and run commands parse, every profile they name exists, the reference image runs with
 * the capabilities its profiles declare, and every Dockerfile takes its base image as a build
 * argument (scripts/containers.sh builds them FROM local images; test/containers runs them).
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
    // The compiled launcher of the installed package; its source must exist here.
    const launcher = argv[1] ?? 'missing';
    expect(launcher).toMatch(/^dist\/.*\.js$/);
    expect(existsSync(join(PACKAGE_ROOT, launcher.replace(/^dist\//, '').replace(/\.js$/, '.ts'))), launcher).toBe(true);
  });

  it('takes the base image of every Dockerfile as a build argument defaulting to a public image', () => {
    for (const file of ['reference-broker.Dockerfile', 'suite.Dockerfile', 'mosquitto/Dockerfile', 'local/node.Dockerfile']) {
      const text = docker(file);
      const from = /^FROM \$\{(\w+)\}$/m.exec(text)?.[1];
      expect(from, `${file}: FROM \${ARG}`).toBeDefined();
      expect(text, `${file}: ARG ${from} with a default`).toMatch(new RegExp(`^ARG ${from}=(node:20-bookworm-slim|debian:bookworm-slim)$`, 'm'));
      expect(text.indexOf(`ARG ${from}=`), file).toBeLessThan(text.indexOf('FROM '));
    }
  });

  it('starts the reference image with what profiles/reference-image.json declares', () => {
    const entry = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(docker('reference-broker.Dockerfile'))?.[1] ?? '[]') as string[];
    const profile = loadBundledProfiles().find((p) => p.name === 'reference-image');
    const caps = profile?.capabilities ?? {};
    expect(entry[entry.indexOf('--sys-interval') + 1]).toBe(String(caps.sysInterval));
    expect(entry[entry.indexOf('--connect-timeout') + 1]).toBe(String(caps.connectTimeout));
    expect(entry[entry.indexOf('--port') + 1]).toBe(String(profile?.container?.port));
    const command = profile?.container?.command ?? [];
    expect(command[command.indexOf('--max-packet-size') + 1]).toBe(String(caps.maxPacketSize));
    for (const flag of ['--password-file', '--scram-users-file']) expect(Object.keys(profile?.container?.files ?? {})).toContain(command[command.indexOf(flag) + 1]);
  });

  it('lays the Debian Mosquitto image out like eclipse-mosquitto, so profiles/mosquitto.json applies to both', () => {
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(docker('mosquitto/Dockerfile'))?.[1] ?? '[]') as string[];
    const files = Object.keys(loadBundledProfiles().find((p) => p.name === 'mosquitto')?.container?.files ?? {});
    expect(files).toContain(cmd[cmd.indexOf('-c') + 1]);
  });

  it('certifies one broker image in certify.compose.yaml with a run command that parses', () => {
    const text = docker('certify.compose.yaml');
    const command = JSON.parse(/^\s+command: (\[.*\])$/m.exec(text)?.[1] ?? '[]') as string[];
    expect(command[0]).toBe('run');
    const options = parseRunArgs(command.slice(1).map((a) => a.replace('${BROKER_PORT:-1883}', '1883')), '/');
    expect(options?.broker).toBe('mqtt://broker:1883');
    expect(options?.reportDir).toBe('/reports');
    expect(text).toMatch(/^\s+- \$\{REPORT_DIR:-[^}]+\}:\/reports$/m);
    const image = /^\s+image: \$\{BROKER_IMAGE:-([^:}]+):[^}]+\}$/m.exec(text)?.[1];
    expect(loadBundledProfiles().find((p) => p.container?.image === image)?.name).toBe('reference-image');
  });

  it('gives the suite image the mqtt-conformance entrypoint', () => {
    expect(docker('suite.Dockerfile')).toMatch(/^ENTRYPOINT \["node", "\/app\/bin\/mqtt-conformance\.js"\]$/m);
  });

  it('mounts the same mosquitto password file the mosquitto profile declares', () => {
    const container = loadBundledProfiles().find((p) => p.name === 'mosquitto')?.container?.files?.['/mosquitto/config/passwd'];
    expect(docker('mosquitto/passwd').trim()).toBe((Array.isArray(container) ? container.join('\n') : container ?? '').trim());
  });
});
