export { CLIENT_PROFILES, MQTTJS, PAHO_PYTHON, MOSQUITTO_CLIENTS, ADAPTERS_DIR } from './profiles.js';
export type { ClientProfile } from './profiles.js';
