/**
 * Topic filter matching (MQTT 3.1.1 section 4.7), used by the harness to judge whether a delivery
 * could belong to a subscription. Independent of the reference broker's matcher on purpose: the
 * suite must not share the broker's logic.
 */
export function filterMatchesTopic(filter: string, topic: string): boolean {
  // [MQTT-4.7.2-1] filters starting with a wildcard do not match topics starting with '$'.
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === '#') return i === f.length - 1;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}
