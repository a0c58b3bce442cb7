/**
 * Does a topic filter match a topic name (MQTT 4.7)? Both must be valid. Topics that start
 * with '$' are not matched by a filter starting with a wildcard (MQTT-4.7.2-1). No
 * normalisation of any kind (MQTT-4.7.3-4).
 */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    const level = f[i] as string;
    if (level === '#') return true; // matches the parent level and any number of children
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}
