import type { Capabilities, Endpoint } from './types.js';

/**
 * The endpoint a scenario dials: the target's own, unless the scenario needs TLS and/or WebSocket
 * and the target's endpoint is not of that transport while `capabilities.endpoints` offers one that is
 * (both: wss; TLS only: mqtts, else wss; WebSocket only: ws, else wss).
 */
export function scenarioEndpoint(endpoint: Endpoint, capabilities: Capabilities, needs: { tls: boolean; websocket: boolean }): Endpoint {
  const isTls = endpoint.protocol === 'mqtts' || endpoint.protocol === 'wss';
  const isWs = endpoint.protocol === 'ws' || endpoint.protocol === 'wss';
  if ((!needs.tls || isTls) && (!needs.websocket || isWs)) return endpoint;
  const order: Endpoint['protocol'][] = needs.tls && needs.websocket ? ['wss'] : needs.tls ? ['mqtts', 'wss'] : ['ws', 'wss'];
  for (const protocol of order) {
    const alternative = capabilities.endpoints?.[protocol];
    if (alternative !== undefined) return alternative;
  }
  return endpoint;
}
