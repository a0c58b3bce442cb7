export { validateAuthOptions } from './config.js';
export { AuthConfigError } from './errors.js';
export { setTransportIdentity, transportIdentity } from './identity.js';
export { checkUsername, formatPasswordFile, parsePasswordFile, readPasswordFile, writePasswordFile, type PasswordEntries } from './password-file.js';
export { DEFAULT_SCRYPT, RANDOM_SECRET_SCRYPT, hashPassword, parseHash, verifyPassword, type ParsedHash, type ScryptParams } from './scrypt-hash.js';
export { Security, type AuthOptions, type AuthSubject } from './security.js';
