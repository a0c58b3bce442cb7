import type { SessionState } from './types.js';

/**
 * The next free packet identifier of a session: never 0, never one still in flight
 * (MQTT-2.3.1-1, MQTT-2.3.1-4). Returns undefined when all 65535 are in use.
 */
export function allocatePacketId(session: SessionState): number | undefined {
  if (session.inflight.size >= 65535) return undefined;
  let id = session.nextPacketId;
  while (session.inflight.has(id)) id = id === 65535 ? 1 : id + 1;
  session.nextPacketId = id === 65535 ? 1 : id + 1;
  return id;
}
