import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { topicMatches } from '../topic/index.js';
import { Acl, filterCovers, filtersIntersect } from './index.js';

const ACL = `
# anonymous clients
topic read public/#
topic read $SYS/#

user alice
topic readwrite alice/#
topic read shared/+/status
topic deny alice/secret

user bob
topic write inbox/bob

pattern readwrite devices/%c/#
pattern read users/%u/#
`;

const anon = { username: undefined, clientId: 'a1' };
const alice = { username: 'alice', clientId: 'phone' };
const bob = { username: 'bob', clientId: 'b' };

describe('ACL file', () => {
  const acl = Acl.parse(ACL);

  it('applies topic lines before any user to anonymous clients, and per-user blocks to their user', () => {
    expect(acl.canRead(anon, 'public/x')).toBe(true);
    expect(acl.canWrite(anon, 'public/x')).toBe(false);
    expect(acl.canRead(alice, 'public/x')).toBe(false);
    expect(acl.canWrite(alice, 'alice/notes')).toBe(true);
    expect(acl.canWrite(bob, 'alice/notes')).toBe(false);
    expect(acl.canWrite(bob, 'inbox/bob')).toBe(true);
    expect(acl.canRead(bob, 'inbox/bob')).toBe(false);
  });

  it('lets a deny rule win over an allow rule', () => {
    expect(acl.canRead(alice, 'alice/secret')).toBe(false);
    expect(acl.canWrite(alice, 'alice/secret')).toBe(false);
    expect(acl.canSubscribe(alice, 'alice/#')).toBe(false); // could receive alice/secret
    expect(acl.canSubscribe(alice, 'alice/public/+')).toBe(true);
  });

  it('substitutes %c and %u, never for an anonymous user name or a value with / + #', () => {
    expect(acl.canWrite(alice, 'devices/phone/temp')).toBe(true);
    expect(acl.canWrite(alice, 'devices/other/temp')).toBe(false);
    expect(acl.canRead(alice, 'users/alice/inbox')).toBe(true);
    expect(acl.canRead(anon, 'users/undefined/inbox')).toBe(false);
    expect(acl.canWrite({ username: 'x', clientId: '#' }, 'devices/anything/t')).toBe(false);
    expect(acl.canWrite({ username: 'x', clientId: 'a/b' }, 'devices/a/b/t')).toBe(false);
    expect(acl.canRead({ username: '+', clientId: 'c' }, 'users/zed/x')).toBe(false);
  });

  it('never lets a client write into $SYS, even when a rule says so', () => {
    const open = Acl.parse('topic readwrite #\ntopic readwrite $SYS/#');
    expect(open.canWrite(anon, '$SYS/broker/version')).toBe(false);
    expect(open.canRead(anon, '$SYS/broker/version')).toBe(true);
  });

  it('grants a subscription only when a read rule covers every topic it can match', () => {
    expect(acl.canSubscribe(anon, 'public/#')).toBe(true);
    expect(acl.canSubscribe(anon, 'public/a/+')).toBe(true);
    expect(acl.canSubscribe(anon, '#')).toBe(false);
    expect(acl.canSubscribe(anon, '$SYS/broker/+')).toBe(true);
    expect(acl.canSubscribe(alice, 'shared/+/status')).toBe(true);
    expect(acl.canSubscribe(alice, 'shared/#')).toBe(false);
  });

  it('reports a bad line with its number (AUTH_ACL_LINE)', () => {
    for (const [text, line] of [
      ['topic read a\nbogus x', 2],
      ['user\n', 1],
      ['topic read a/#/b', 1],
      ['\n\npattern', 3],
    ] as const) {
      expect(() => Acl.parse(text, 'acl.conf')).toThrow(expect.objectContaining({ code: 'AUTH_ACL_LINE', line, path: 'acl.conf' }));
    }
  });
});

describe('filter relations (checked against topic matching over random topics)', () => {
  const level = fc.constantFrom('a', 'b', '$x');
  const topic = fc.array(level, { minLength: 1, maxLength: 4 }).map((l) => l.join('/'));
  const filter = fc
    .tuple(fc.array(fc.constantFrom('a', 'b', '+', '$x'), { minLength: 1, maxLength: 4 }), fc.boolean())
    .map(([levels, hash]) => (hash ? [...levels, '#'] : levels).join('/'));
  const anyFilter = fc.oneof(filter, fc.constant('#'));

  it('covers(rule, f): every topic matched by f is matched by rule', () => {
    fc.assert(
      fc.property(anyFilter, anyFilter, fc.array(topic, { maxLength: 30 }), (rule, f, topics) => {
        if (!filterCovers(rule, f)) return;
        for (const t of topics) if (topicMatches(f, t)) expect(topicMatches(rule, t)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('intersects is false only when no topic matches both', () => {
    fc.assert(
      fc.property(anyFilter, anyFilter, fc.array(topic, { maxLength: 30 }), (a, b, topics) => {
        if (filtersIntersect(a, b)) return;
        for (const t of topics) expect(topicMatches(a, t) && topicMatches(b, t)).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });

  it('a filter covers itself and is covered by #, except for $ topics', () => {
    expect(filterCovers('a/+', 'a/+')).toBe(true);
    expect(filterCovers('#', 'a/+/b')).toBe(true);
    expect(filterCovers('#', '$SYS/#')).toBe(false);
    expect(filterCovers('a/#', 'a')).toBe(true);
    expect(filterCovers('a/+', 'a/#')).toBe(false);
  });
});
