import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './package-root.js';
import { parseProfile, type BrokerProfile } from './profile-schema.js';
import { TargetError } from './types.js';

export { PACKAGE_ROOT } from './package-root.js';

/** The folder of bundled broker profiles. */
export const PROFILES_DIR = join(PACKAGE_ROOT, 'profiles');

/** Reads and validates a profile file. Throws `TargetError('TARGET_CONFIG')` naming the file and the problem. */
export function loadProfileFile(path: string): BrokerProfile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new TargetError('TARGET_CONFIG', `cannot read broker profile ${path}: ${(error as Error).message}`, path);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TargetError('TARGET_CONFIG', `broker profile ${path} is not valid JSON: ${(error as Error).message}`, path);
  }
  return parseProfile(json, path);
}

/** Names of the bundled profiles (file names under profiles/ without `.json`). */
export function bundledProfileNames(): string[] {
  return readdirSync(PROFILES_DIR)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.schema.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** A bundled profile by name (`profiles/<name>.json`). Unknown names list the known ones. */
export function loadBundledProfile(name: string): BrokerProfile {
  const names = bundledProfileNames();
  if (!names.includes(name)) {
    throw new TargetError('TARGET_CONFIG', `no bundled broker profile "${name}" (known: ${names.join(', ')}); give one with --profile FILE`, name);
  }
  return loadProfileFile(join(PROFILES_DIR, `${name}.json`));
}

/** All bundled profiles, validated. */
export function loadBundledProfiles(): BrokerProfile[] {
  return bundledProfileNames().map((name) => loadProfileFile(join(PROFILES_DIR, `${name}.json`)));
}

/**
 * The bundled profile whose container image is `image` (e.g. "emqx/emqx"), if any. Docker Hub's
 * implicit prefixes and podman's `localhost/` (its name for images built locally) are ignored.
 */
export function findContainerProfile(image: string): BrokerProfile | undefined {
  const wanted = image.replace(/^(docker\.io|localhost)\//, '').replace(/^library\//, '');
  return loadBundledProfiles().find((p) => p.container !== undefined && p.container.image === wanted);
}
