import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import { fillPlaceholders, placeholdersIn, tsxLoaderUrl } from './placeholders.js';
import { PACKAGE_ROOT } from './package-root.js';
import { generateLaunch } from './process.js';
import { loadBundledProfile } from './profiles.js';
import { commandLineProfile, splitCommandLine } from '../../cli/resolve-target.js';
import { TargetError } from './types.js';

const values = { port: '40123', auxPort: '40124', host: '127.0.0.1', dir: '/tmp/d', config: '/tmp/d/mosquitto.conf', node: '/usr/bin/node', tsx: 'file:///x/tsx.mjs', root: '/pkg' };

describe('config generation from profiles', () => {
  it('writes the mosquitto config with the chosen port, no persistence and anonymous access', () => {
    const spec = loadBundledProfile('mosquitto').process;
    if (spec === undefined) throw new Error('mosquitto profile has no process section');
    const launch = generateLaunch(spec, values);
    expect(launch.command).toEqual(['/usr/sbin/mosquitto', '-c', '/tmp/d/mosquitto.conf']);
    const conf = launch.files.find((f) => f.name === 'mosquitto.conf');
    expect(conf?.text.split('\n')).toEqual(expect.arrayContaining(['listener 40123 127.0.0.1', 'allow_anonymous true', 'persistence false', 'password_file /tmp/d/passwd']));
    expect(conf?.text).not.toMatch(/\{[a-zA-Z]+\}/);
    expect(launch.files.find((f) => f.name === 'passwd')?.text).toMatch(/^conformance:\$7\$/);
  });

  it('puts the WebSocket listener on {port} and a TCP listener on {auxPort} for mosquitto-ws', () => {
    const spec = loadBundledProfile('mosquitto-ws').process;
    if (spec === undefined) throw new Error('no process section');
    const lines = generateLaunch(spec, values).files[0]?.text.split('\n') ?? [];
    const ws = lines.indexOf('listener 40123 127.0.0.1');
    expect(lines[ws + 1]).toBe('protocol websockets');
    expect(lines).toContain('listener 40124 127.0.0.1');
  });

  it('starts aedes and the reference launcher from their sources through node with the tsx loader (tests run the sources)', () => {
    const aedes = loadBundledProfile('aedes').process;
    const reference = loadBundledProfile('reference').process;
    expect(aedes && generateLaunch(aedes, values).command).toEqual(['/usr/bin/node', '--import', tsxLoaderUrl(), join(PACKAGE_ROOT, 'harness/targets/launchers/aedes.ts'), '--port', '40123', '--host', '127.0.0.1', '--connect-timeout', '2']);
    expect(reference?.port).toBe('printed');
    expect(reference && generateLaunch(reference, values).command).toContain('0');
  });

  it('refuses a {launcher:PATH} that leaves the package', () => {
    expect(() => generateLaunch({ command: ['{node}', '{launcher:../x}', '{port}'] }, values)).toThrow(/must stay inside the package/);
  });

  it('fills environment templates', () => {
    expect(generateLaunch({ command: ['b', '{port}'], env: { PORT: '{port}', HOME: '{dir}' } }, values).env).toEqual({ PORT: '40123', HOME: '/tmp/d' });
  });

  it('refuses file names that leave the target directory', () => {
    expect(() => generateLaunch({ command: ['b', '{port}'], files: { '../evil': 'x' } }, values)).toThrow(TargetError);
    expect(() => generateLaunch({ command: ['b', '{port}'], files: { '/etc/evil': 'x' } }, values)).toThrow(TargetError);
  });

  it('names an unknown or unset placeholder and where it is', () => {
    try {
      fillPlaceholders('listener {prot}', values, 'process.files.a.conf');
      throw new Error('expected an error');
    } catch (error) {
      expect((error as TargetError).code).toBe('TARGET_CONFIG');
      expect((error as TargetError).message).toContain('{prot}');
      expect((error as TargetError).detail).toBe('process.files.a.conf');
    }
    expect(() => fillPlaceholders('{auxPort}', { port: '1' }, 'f')).toThrow(TargetError);
  });

  it('leaves text without placeholders unchanged and replaces every occurrence (property)', () => {
    fc.assert(
      fc.property(fc.string().filter((s) => placeholdersIn(s).length === 0), fc.integer({ min: 1, max: 65535 }), (text, port) => {
        expect(fillPlaceholders(text, values, 'f')).toBe(text);
        const filled = fillPlaceholders(`${text}{port}${text}{port}`, { port: String(port) }, 'f');
        expect(filled).toBe(`${text}${port}${text}${port}`);
      }),
    );
  });

  it('splits a generic command line with quotes', () => {
    expect(splitCommandLine(`/opt/b --listen '{port}' --name "my broker"  -v`)).toEqual(['/opt/b', '--listen', '{port}', '--name', 'my broker', '-v']);
    expect(() => splitCommandLine(`b "unterminated`)).toThrow(TargetError);
    expect(commandLineProfile('/opt/My_Broker -p {port}')).toEqual({ name: 'my-broker', process: { command: ['/opt/My_Broker', '-p', '{port}'] } });
  });
});
