export { validateListenerConfigs } from './config.js';
export { checkListenerConfig, startListener } from './start-listener.js';
export { ListenerConfigError, type ListenerConfig, type ListenerProtocol, type ListenerTlsOptions, type StartedListener } from './types.js';
export { WebSocketStream } from './websocket-stream.js';
