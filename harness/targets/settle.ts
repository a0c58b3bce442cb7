import { defaultCapabilities, mergeCapabilities, needsProbe } from './capabilities.js';
import { probe, type ProbeOptions } from './probe.js';
import type { BrokerProfile } from './profile-schema.js';
import { TargetError, type Capabilities, type Endpoint } from './types.js';

/**
 * Capabilities from a profile completed by a probe of the running broker, and its version
 * (the profile's, else what the broker printed at start (`startVersion`), else `$SYS/broker/version`,
 * else `fallbackVersion`).
 */
export async function settleCapabilities(
  endpoint: Endpoint,
  profile: BrokerProfile | undefined,
  fallbackVersion?: string,
  startVersion?: string,
): Promise<{ capabilities: Capabilities; version: string | undefined }> {
  const declared = profile?.capabilities ?? {};
  let version = profile?.version ?? startVersion;
  let probed: Partial<Capabilities> = {};
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
  return { capabilities: mergeCapabilities(defaultCapabilities(endpoint), probed, declared), version: version ?? fallbackVersion };
}

