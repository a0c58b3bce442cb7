/** MQTT 5.0 shared subscriptions: `$share/{ShareName}/{filter}` (MQTT 5.0 §4.8.2). */
export const SHARE_PREFIX = '$share/';

export interface SharedFilter {
  readonly shareName: string;
  readonly filter: string;
}

/**
 * Splits a shared subscription filter. Returns undefined for an ordinary filter and 'invalid' when
 * the ShareName is empty or holds a wildcard, or no filter follows it (MQTT-4.8.2-1, -2).
 */
export function parseSharedFilter(full: string): SharedFilter | 'invalid' | undefined {
  if (!full.startsWith(SHARE_PREFIX)) return undefined;
  const rest = full.slice(SHARE_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return 'invalid';
  const shareName = rest.slice(0, slash);
  const filter = rest.slice(slash + 1);
  if (/[+#]/.test(shareName) || filter === '') return 'invalid';
  return { shareName, filter };
}
