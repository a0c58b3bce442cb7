export { expiresAt, forwardedProperties, isExpired, isValidUtf8 } from './message.js';
export { SCRAM_SHA_256, ScramClient, ScramError, ScramServer, saltedPassword, scramCredential, type ScramCredential } from './scram.js';
export { parseSharedFilter, SHARE_PREFIX, type SharedFilter } from './shared.js';
export { NEVER_EXPIRES, newV5State, PROTOCOL_MAX_PACKET, reasonProperties, type V5State, type V5View } from './state.js';
