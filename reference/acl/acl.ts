/**
 * Access control lists, in mosquitto's file format (a subset, plus `deny`):
 *
 *   # rules before the first `user` line apply to anonymous clients (no user name)
 *   topic read $SYS/#
 *   user alice
 *   topic readwrite alice/#          # alice's own rules
 *   pattern readwrite devices/%c/#    # every client; %c = client id, %u = user name
 *   pattern read users/%u/inbox       # (a %u rule never applies to an anonymous client)
 *
 * Access is one of read, write, readwrite (the default when omitted) or deny. A deny rule that
 * matches wins over any allow; without an allow rule that matches, access is denied. `$SYS` is
 * never writable by clients, whatever the file says.
 */
import { readFileSync } from 'node:fs';
import { AuthConfigError } from '../auth/errors.js';
import { isValidTopicFilter, topicMatches } from '../topic/index.js';
import { filterCovers, filtersIntersect } from './filters.js';

export type AclAccess = 'read' | 'write' | 'readwrite' | 'deny';

export interface AclRule {
  readonly access: AclAccess;
  /** A topic filter; in a pattern rule it may contain %u and %c. */
  readonly filter: string;
  readonly pattern: boolean;
}

/** Who is asking: the user name (undefined: anonymous) and the client id. */
export interface Principal {
  readonly username: string | undefined;
  readonly clientId: string;
}

const ACCESS = new Set<AclAccess>(['read', 'write', 'readwrite', 'deny']);

export class Acl {
  constructor(
    /** Rules for anonymous clients (the `topic` lines before any `user`). */
    readonly anonymous: readonly AclRule[],
    readonly users: ReadonlyMap<string, readonly AclRule[]>,
    readonly patterns: readonly AclRule[],
  ) {}

  static parse(text: string, path?: string): Acl {
    const anonymous: AclRule[] = [];
    const users = new Map<string, AclRule[]>();
    const patterns: AclRule[] = [];
    let current = anonymous;
    text.split(/\r?\n/).forEach((raw, index) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) return;
      const fail = (why: string): never => {
        throw new AuthConfigError('AUTH_ACL_LINE', why, { path, line: index + 1 });
      };
      const [keyword, ...rest] = line.split(/\s+/);
      if (keyword === 'user') {
        const name = line.slice('user'.length).trim();
        if (name === '') fail('`user` needs a user name');
        current = users.get(name) ?? [];
        users.set(name, current);
        return;
      }
      if (keyword !== 'topic' && keyword !== 'pattern') fail(`unknown keyword ${JSON.stringify(keyword)}: expected topic, pattern or user`);
      let access: AclAccess = 'readwrite';
      let filter = rest.join(' ');
      if (rest.length > 1 && ACCESS.has(rest[0] as AclAccess)) {
        access = rest[0] as AclAccess;
        filter = rest.slice(1).join(' ');
      }
      if (filter === '') fail(`\`${String(keyword)}\` needs a topic filter`);
      const probe = filter.replaceAll('%u', 'u').replaceAll('%c', 'c');
      if (!isValidTopicFilter(probe)) fail(`invalid topic filter ${JSON.stringify(filter)}`);
      const rule: AclRule = { access, filter, pattern: keyword === 'pattern' };
      if (keyword === 'pattern') patterns.push(rule);
      else current.push(rule);
    });
    return new Acl(anonymous, users, patterns);
  }

  static read(path: string): Acl {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new AuthConfigError('AUTH_FILE_UNREADABLE', `cannot read the ACL file: ${(error as Error).message}`, { path, cause: error });
    }
    return Acl.parse(text, path);
  }

  /** The rules that apply to `who`, with %u / %c substituted. */
  private rulesFor(who: Principal): AclRule[] {
    const own = who.username === undefined ? this.anonymous : (this.users.get(who.username) ?? []);
    const out = [...own];
    for (const rule of this.patterns) {
      const filter = substitute(rule.filter, who);
      if (filter !== undefined) out.push({ ...rule, filter });
    }
    return out;
  }

  /** May `who` publish to `topic`? (`$SYS` never.) */
  canWrite(who: Principal, topic: string): boolean {
    if (topic === '$SYS' || topic.startsWith('$SYS/')) return false;
    const rules = this.rulesFor(who);
    if (rules.some((r) => r.access === 'deny' && topicMatches(r.filter, topic))) return false;
    return rules.some((r) => (r.access === 'write' || r.access === 'readwrite') && topicMatches(r.filter, topic));
  }

  /** May `who` receive `topic`? */
  canRead(who: Principal, topic: string): boolean {
    const rules = this.rulesFor(who);
    if (rules.some((r) => r.access === 'deny' && topicMatches(r.filter, topic))) return false;
    return rules.some((r) => (r.access === 'read' || r.access === 'readwrite') && topicMatches(r.filter, topic));
  }

  /**
   * May `who` subscribe to `filter`? Only when every topic it can match is readable: one read rule
   * covers it, and no deny rule could match any of its topics.
   */
  canSubscribe(who: Principal, filter: string): boolean {
    const rules = this.rulesFor(who);
    if (rules.some((r) => r.access === 'deny' && filtersIntersect(r.filter, filter))) return false;
    return rules.some((r) => (r.access === 'read' || r.access === 'readwrite') && filterCovers(r.filter, filter));
  }
}

/**
 * %u and %c replaced; undefined when the rule cannot apply: %u for an anonymous client, or a
 * value containing '/', '+' or '#' (which would widen the rule beyond one level).
 */
function substitute(filter: string, who: Principal): string | undefined {
  if (!filter.includes('%')) return filter;
  const unsafe = (v: string): boolean => v === '' || /[/+#]/.test(v);
  if (filter.includes('%u') && (who.username === undefined || unsafe(who.username))) return undefined;
  if (filter.includes('%c') && unsafe(who.clientId)) return undefined;
  return filter.replaceAll('%u', who.username ?? '').replaceAll('%c', who.clientId);
}
