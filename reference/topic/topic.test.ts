import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SubscriptionTree, TopicTrie, topicFilterProblem, topicMatches, topicNameProblem } from './index.js';

/** The naive model: the words of MQTT 4.7, level by level, recursively. */
function naiveMatch(filter: string[], topic: string[], first = true): boolean {
  if (first && (topic[0] ?? '').startsWith('$') && (filter[0] === '+' || filter[0] === '#')) return false;
  if (filter.length === 0) return topic.length === 0;
  const [f, ...restF] = filter;
  if (f === '#') return true;
  if (topic.length === 0) return false;
  const [t, ...restT] = topic;
  if (f !== '+' && f !== t) return false;
  return naiveMatch(restF, restT, false);
}

const level = fc.constantFrom('a', 'b', 'c', '', '$SYS', '$x', 'a b', 'é');
const topicArb = fc.array(level, { minLength: 1, maxLength: 5 }).map((ls) => ls.join('/')).filter((t) => t.length > 0);
const filterArb = fc
  .tuple(fc.array(fc.oneof(level, fc.constant('+')), { minLength: 1, maxLength: 5 }), fc.boolean())
  .map(([ls, hash]) => (hash ? [...ls, '#'] : ls).join('/'))
  .chain((f) => fc.constantFrom(f, '#', '+', '+/#', f));

describe('topic filter validation', () => {
  it.each([
    ['sport/tennis/#', undefined],
    ['#', undefined],
    ['+', undefined],
    ['+/tennis/#', undefined],
    ['sport/+/player1', undefined],
    ['/', undefined],
    ['$SYS/#', undefined],
    ['sport/tennis#', 'wildcard-not-whole-level'],
    ['sport/#/ranking', 'multi-level-wildcard-not-last'],
    ['sport+', 'wildcard-not-whole-level'],
    ['', 'empty'],
    ['a\u0000b', 'null-character'],
  ])('%j -> %s', (filter, problem) => {
    expect(topicFilterProblem(filter)).toBe(problem);
  });

  it.each([
    ['a/b', undefined],
    ['/', undefined],
    ['a/+', 'wildcard-in-topic-name'],
    ['a/#', 'wildcard-in-topic-name'],
    ['', 'empty'],
    ['x'.repeat(65536), 'too-long'],
  ])('topic name %#', (topic, problem) => {
    expect(topicNameProblem(topic)).toBe(problem);
  });

  it('a filter is valid exactly when every level is literal, a whole "+", or a final whole "#"', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', '+', '#', 'a+', '#a', ''), { minLength: 1, maxLength: 5 }), (levels) => {
        const filter = levels.join('/');
        const expected =
          filter.length > 0 &&
          levels.every((l, i) => (l === '#' ? i === levels.length - 1 : !l.includes('#') && (l === '+' || !l.includes('+'))));
        expect(topicFilterProblem(filter) === undefined).toBe(expected);
      }),
    );
  });
});

describe('topic matching', () => {
  it.each([
    ['sport/tennis/player1/#', 'sport/tennis/player1', true],
    ['sport/tennis/player1/#', 'sport/tennis/player1/ranking', true],
    ['sport/#', 'sport', true],
    ['sport/tennis/+', 'sport/tennis/player1', true],
    ['sport/tennis/+', 'sport/tennis/player1/ranking', false],
    ['sport/+', 'sport', false],
    ['sport/+', 'sport/', true],
    ['+/+', '/finance', true],
    ['/+', '/finance', true],
    ['+', '/finance', false],
    ['#', '$SYS/x', false],
    ['+/monitor/Clients', '$SYS/monitor/Clients', false],
    ['$SYS/#', '$SYS/monitor/Clients', true],
    ['$SYS/monitor/+', '$SYS/monitor/Clients', true],
    ['ACCOUNTS', 'Accounts', false],
  ])('%s vs %s -> %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
    const tree = new SubscriptionTree<number>();
    tree.add(filter, 'c', 1);
    const hits: string[] = [];
    tree.match(topic, (s) => hits.push(s));
    expect(hits.length).toBe(expected ? 1 : 0);
    const trie = new TopicTrie<string>();
    trie.set(topic, topic);
    const found: string[] = [];
    trie.match(filter, (v) => found.push(v));
    expect(found.length).toBe(expected ? 1 : 0);
  });

  it('topicMatches agrees with the naive model', () => {
    fc.assert(
      fc.property(filterArb, topicArb, (filter, topic) => {
        expect(topicMatches(filter, topic)).toBe(naiveMatch(filter.split('/'), topic.split('/')));
      }),
      { numRuns: 2000 },
    );
  });

  it('the subscription tree finds exactly the matching filters, after adds and removes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(filterArb, fc.constantFrom('c1', 'c2', 'c3')), { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.array(topicArb, { minLength: 1, maxLength: 10 }),
        (subs, removals, topics) => {
          const tree = new SubscriptionTree<string>();
          const model = new Map<string, [string, string]>();
          for (const [filter, client] of subs) {
            tree.add(filter, client, filter);
            model.set(`${client}\u0000${filter}`, [filter, client]);
          }
          const keys = [...model.keys()];
          for (const r of removals) {
            const key = keys.length > 0 ? keys[r % keys.length] : undefined;
            if (key === undefined || !model.has(key)) continue;
            const [filter, client] = model.get(key) as [string, string];
            expect(tree.remove(filter, client)).toBe(true);
            model.delete(key);
          }
          expect(tree.size).toBe(model.size);
          for (const topic of topics) {
            const got: string[] = [];
            tree.match(topic, (client, filter) => got.push(`${client}\u0000${filter}`));
            const want = [...model.entries()]
              .filter(([, [filter]]) => naiveMatch(filter.split('/'), topic.split('/')))
              .map(([k]) => k);
            expect(got.sort()).toEqual(want.sort());
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('the topic trie finds exactly the matching topics, after sets and deletes', () => {
    fc.assert(
      fc.property(fc.array(topicArb, { maxLength: 30 }), fc.array(topicArb, { maxLength: 10 }), fc.array(filterArb, { minLength: 1, maxLength: 10 }), (topics, deletions, filters) => {
        const trie = new TopicTrie<string>();
        const model = new Set<string>();
        for (const t of topics) {
          trie.set(t, t);
          model.add(t);
        }
        for (const t of deletions) expect(trie.delete(t)).toBe(model.delete(t));
        expect(trie.size).toBe(model.size);
        expect([...trie.values()].sort()).toEqual([...model].sort());
        for (const filter of filters) {
          const got: string[] = [];
          trie.match(filter, (v) => got.push(v));
          expect(got.sort()).toEqual([...model].filter((t) => naiveMatch(filter.split('/'), t.split('/'))).sort());
        }
      }),
      { numRuns: 500 },
    );
  });

  it('removing the last subscription prunes the tree so a later match finds nothing', () => {
    const tree = new SubscriptionTree<number>();
    tree.add('a/b/c', 'x', 1);
    expect(tree.add('a/b/c', 'x', 2)).toBe(true);
    expect(tree.get('a/b/c', 'x')).toBe(2);
    expect(tree.remove('a/b/c', 'x')).toBe(true);
    expect(tree.remove('a/b/c', 'x')).toBe(false);
    let hits = 0;
    tree.match('a/b/c', () => hits++);
    expect(hits).toBe(0);
    expect(tree.size).toBe(0);
  });
});
