/**
 * Set relations between topic filters, for authorising a SUBSCRIBE: does every topic a
 * subscription can match fall under a rule (covers), and could any fall under one (intersects)?
 * Both honour the '$' rule (MQTT-4.7.2-1): a filter starting with a wildcard matches no '$' topic.
 */

const dollar = (level: string | undefined): boolean => level !== undefined && level.startsWith('$');
const wild = (level: string | undefined): boolean => level === '+' || level === '#';

/** True when every topic name matched by `filter` is matched by `rule`. */
export function filterCovers(rule: string, filter: string): boolean {
  const r = rule.split('/');
  const f = filter.split('/');
  // `filter`'s '$' topics (a literal '$' first level) are not matched by a rule starting with a wildcard.
  if (wild(r[0]) && dollar(f[0])) return false;
  for (let i = 0; i < r.length; i++) {
    const level = r[i] as string;
    if (level === '#') return true;
    if (i >= f.length) return false;
    const fl = f[i] as string;
    if (fl === '#') return false;
    if (level === '+') continue;
    if (level !== fl) return false;
  }
  return r.length === f.length;
}

/** True when some topic name is matched by both `rule` and `filter`. */
export function filtersIntersect(rule: string, filter: string): boolean {
  const r = rule.split('/');
  const f = filter.split('/');
  if ((wild(r[0]) && dollar(f[0])) || (wild(f[0]) && dollar(r[0]))) return false;
  const n = Math.max(r.length, f.length);
  for (let i = 0; i < n; i++) {
    const a = r[i];
    const b = f[i];
    if (a === '#' || b === '#') return true;
    if (a === undefined || b === undefined) return false;
    if (a === '+' || b === '+') continue;
    if (a !== b) return false;
  }
  return true;
}
