export { CLIENT_PROFILES, MQTTJS, PAHO_PYTHON, MOSQUITTO_CLIENTS, ADAPTERS_DIR, npmPackageMissing } from './profiles.js';
export type { ClientProfile } from './profiles.js';
