import { defaultCapabilities, mergeCapabilities, needsProbe, profileExclusions, withExclusions } from './capabilities.js';
import { randomBytes } from 'node:crypto';
import { probe, probeAnonymous, type ProbeOptions } from './probe.js';
import { checkTargetSanity } from './sanity.js';
import type { BrokerProfile } from './profile-schema.js';
import { TargetError, type Capabilities, type Credentials, type Endpoint } from './types.js';

/**
 * `capabilities.auth` for credentials given on the command line: they are the valid user; the
 * same user with another password is the invalid one; whether anonymous clients are allowed is
 * what the profile declares, else what one anonymous CONNECT shows (the answer decides whether
 * the anonymous scenarios expect acceptance or refusal, so it is observed, never assumed).
 */
async function credentialsAuth(endpoint: Endpoint, valid: Credentials, declared: Capabilities['auth']): Promise<NonNullable<Capabilities['auth']>> {
  const invalidPassword = declared?.invalidPassword ?? { username: valid.username, password: `${valid.password}-not-${randomBytes(4).toString('hex')}` };
  if (declared !== undefined) return { ...declared, valid, invalidPassword };
  const anonymous = await probeAnonymous(endpoint);
  if (anonymous.transportFailure !== undefined) {
    throw new TargetError('TARGET_UNREACHABLE', `broker ${endpoint.url} accepts TCP connections but cannot be reached over ${endpoint.protocol}: ${anonymous.transportFailure}`, anonymous.transportFailure);
  }
  return { valid, invalidPassword, anonymousAllowed: anonymous.accepted };
}

/**
 * First the target sanity check (a CONNACK at some protocol level, else `TARGET_NOT_MQTT`); then
 * capabilities from a profile completed by a probe of the running broker, with the profile's
 * declared exclusions, and its version
 * (the profile's, else what the broker printed at start (`startVersion`), else `$SYS/broker/version`,
 * else `fallbackVersion`).
 */
export async function settleCapabilities(
  endpoint: Endpoint,
  profile: BrokerProfile | undefined,
  fallbackVersion?: string,
  startVersion?: string,
): Promise<{ capabilities: Capabilities; version: string | undefined }> {
  let declared = profile?.capabilities ?? {};
  if (profile?.credentials !== undefined) declared = { ...declared, auth: await credentialsAuth(endpoint, profile.credentials, declared.auth) };
  let version = profile?.version ?? startVersion;
  let probed: Partial<Capabilities> = {};
  const sanityCredentials = declared.auth?.anonymousAllowed === false ? declared.auth.valid : undefined;
  await checkTargetSanity(endpoint, sanityCredentials === undefined ? {} : { credentials: sanityCredentials });
  if (profile?.probe !== false && needsProbe(declared, version !== undefined)) {
    const credentials = declared.auth?.anonymousAllowed === false ? declared.auth.valid : undefined;
    const options: ProbeOptions = { sys: !(declared.sys === false || (declared.sys === true && version !== undefined)) };
    if (credentials !== undefined) options.credentials = credentials;
    const result = await probe(endpoint, options);
    if (result.authRefused !== undefined) {
      throw new TargetError(
        'TARGET_CONFIG',
        credentials === undefined
          ? `broker ${endpoint.url} refuses anonymous clients (${result.authRefused}): declare the credentials to use in a --profile file (capabilities.auth with anonymousAllowed: false)`
          : `broker ${endpoint.url} refused the credentials of the profile (user ${JSON.stringify(credentials.username)}): ${result.authRefused}`,
        result.notes.join('\n'),
      );
    }
    if (result.transportFailure !== undefined) {
      throw new TargetError('TARGET_UNREACHABLE', `broker ${endpoint.url} accepts TCP connections but cannot be reached over ${endpoint.protocol}: ${result.transportFailure}`, result.notes.join('\n'));
    }
    probed = result.capabilities;
    version ??= result.version;
  }
  // Only what the probe may inform (versions, $SYS, the 5.0 CONNACK's declarations) comes from it;
  // the profile's mandatory-capability fields become declared exclusions.
  const { retain: _r, wildcards: _w, maxQoS: _q, sharedSubscriptions: _s, ...informative } = declared;
  const merged = mergeCapabilities(defaultCapabilities(endpoint), probed, informative);
  return { capabilities: withExclusions(merged, profileExclusions(profile)), version: version ?? fallbackVersion };
}

