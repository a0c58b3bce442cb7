export { ScriptedServer, PeerConnection } from './scripted-server.js';
export type { ScriptedServerOptions, PeerAbsenceProof, PeerClosedBy } from './scripted-server.js';
export { ClientUnderTest, AdapterError, fillCommand } from './client-under-test.js';
export type { AdapterCommand, AdapterEvent, ClientUnderTestOptions } from './client-under-test.js';
