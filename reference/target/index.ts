/** The `reference` target kind: the reference broker behind the harness's `Target` interface. */
export { ReferenceTarget, ReferenceProcessTarget, packageVersion } from './reference-target.js';
export { createReferenceCertificate, listenerCapabilities, listenerEndpoint, REFERENCE_MAX_PACKET_SIZE, type ReferenceCertificate } from './reference-listeners.js';
export { createReferenceCredentials, REFERENCE_AUTH_METHOD, type ReferenceCredentials } from './reference-auth.js';
export { ReferenceClusterTarget } from './reference-cluster.js';
