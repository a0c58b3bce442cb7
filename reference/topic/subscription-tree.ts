/**
 * The subscription index: a trie over topic levels. Matching a topic walks at most the
 * exact, '+' and '#' branches at each level, so its cost grows with the topic's depth and
 * the number of matching subscriptions, not with the number of subscriptions held.
 *
 * Values are keyed by subscriber (a client id); one subscriber has at most one entry per
 * filter (re-subscribing replaces, MQTT-3.8.4-3).
 */

interface Node<V> {
  children: Map<string, Node<V>> | undefined;
  /** Subscribers whose filter ends at this node. */
  subscribers: Map<string, V> | undefined;
  parent: Node<V> | undefined;
  level: string;
}

function newNode<V>(parent: Node<V> | undefined, level: string): Node<V> {
  return { children: undefined, subscribers: undefined, parent, level };
}

export class SubscriptionTree<V> {
  private readonly root: Node<V> = newNode<V>(undefined, '');
  private count = 0;

  /** Number of (subscriber, filter) pairs held. */
  get size(): number {
    return this.count;
  }

  /** Adds or replaces the subscription of `subscriber` to `filter`. Returns true when it replaced one. */
  add(filter: string, subscriber: string, value: V): boolean {
    let node = this.root;
    for (const level of filter.split('/')) {
      node.children ??= new Map();
      let child = node.children.get(level);
      if (!child) {
        child = newNode(node, level);
        node.children.set(level, child);
      }
      node = child;
    }
    node.subscribers ??= new Map();
    const replaced = node.subscribers.has(subscriber);
    node.subscribers.set(subscriber, value);
    if (!replaced) this.count++;
    return replaced;
  }

  /** Removes the subscription of `subscriber` to exactly `filter` (compared literally). Returns true when one existed. */
  remove(filter: string, subscriber: string): boolean {
    let node: Node<V> | undefined = this.root;
    for (const level of filter.split('/')) {
      node = node.children?.get(level);
      if (!node) return false;
    }
    if (!node.subscribers?.delete(subscriber)) return false;
    this.count--;
    this.prune(node);
    return true;
  }

  get(filter: string, subscriber: string): V | undefined {
    let node: Node<V> | undefined = this.root;
    for (const level of filter.split('/')) {
      node = node.children?.get(level);
      if (!node) return undefined;
    }
    return node.subscribers?.get(subscriber);
  }

  /**
   * Calls `visit(subscriber, value, filterNodeDepth)` once per subscription whose filter matches
   * `topic`. A subscriber with several matching filters is visited once per filter.
   */
  match(topic: string, visit: (subscriber: string, value: V) => void): void {
    const levels = topic.split('/');
    const dollar = topic.startsWith('$');
    this.walk(this.root, levels, 0, dollar, visit);
  }

  private walk(node: Node<V>, levels: string[], depth: number, dollar: boolean, visit: (s: string, v: V) => void): void {
    const children = node.children;
    if (!children) return;
    const wildcardsAllowed = !(dollar && depth === 0);
    if (wildcardsAllowed) {
      // '#' matches this level and everything below, including the parent level itself.
      const hash = children.get('#');
      if (hash?.subscribers) for (const [s, v] of hash.subscribers) visit(s, v);
    }
    if (depth === levels.length) return;
    const level = levels[depth] as string;
    const exact = children.get(level);
    if (exact) this.visitOrDescend(exact, levels, depth, dollar, visit);
    if (wildcardsAllowed) {
      const plus = children.get('+');
      if (plus && level !== '+') this.visitOrDescend(plus, levels, depth, dollar, visit);
    }
  }

  private visitOrDescend(node: Node<V>, levels: string[], depth: number, dollar: boolean, visit: (s: string, v: V) => void): void {
    if (depth === levels.length - 1) {
      if (node.subscribers) for (const [s, v] of node.subscribers) visit(s, v);
      // A filter 'a/#' also matches topic 'a': its '#' child is checked by walk at the next depth.
      const hash = node.children?.get('#');
      if (hash?.subscribers) for (const [s, v] of hash.subscribers) visit(s, v);
      return;
    }
    this.walk(node, levels, depth + 1, dollar, visit);
  }

  private prune(node: Node<V>): void {
    let current: Node<V> | undefined = node;
    while (current?.parent && (current.subscribers?.size ?? 0) === 0 && (current.children?.size ?? 0) === 0) {
      current.parent.children?.delete(current.level);
      current = current.parent;
    }
  }
}
