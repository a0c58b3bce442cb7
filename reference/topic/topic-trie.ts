/**
 * A trie of topic names holding one value per topic (used by the retained store). Looking up
 * the topics that match a filter walks only the branches the filter allows, so a subscription
 * to `a/b/+` does not scan every retained topic.
 */

interface Node<V> {
  children: Map<string, Node<V>> | undefined;
  value: V | undefined;
  has: boolean;
  parent: Node<V> | undefined;
  level: string;
}

function newNode<V>(parent: Node<V> | undefined, level: string): Node<V> {
  return { children: undefined, value: undefined, has: false, parent, level };
}

export class TopicTrie<V> {
  private readonly root: Node<V> = newNode<V>(undefined, '');
  private count = 0;

  get size(): number {
    return this.count;
  }

  set(topic: string, value: V): void {
    let node = this.root;
    for (const level of topic.split('/')) {
      node.children ??= new Map();
      let child = node.children.get(level);
      if (!child) {
        child = newNode(node, level);
        node.children.set(level, child);
      }
      node = child;
    }
    if (!node.has) this.count++;
    node.has = true;
    node.value = value;
  }

  get(topic: string): V | undefined {
    const node = this.find(topic);
    return node?.has ? node.value : undefined;
  }

  delete(topic: string): boolean {
    const node = this.find(topic);
    if (!node?.has) return false;
    node.has = false;
    node.value = undefined;
    this.count--;
    let current: Node<V> | undefined = node;
    while (current?.parent && !current.has && (current.children?.size ?? 0) === 0) {
      current.parent.children?.delete(current.level);
      current = current.parent;
    }
    return true;
  }

  /** Visits every value whose topic matches `filter` (a valid filter), honouring the '$' rule. */
  match(filter: string, visit: (value: V) => void): void {
    this.walk(this.root, filter.split('/'), 0, visit);
  }

  *values(): IterableIterator<V> {
    const stack: Node<V>[] = [this.root];
    while (stack.length > 0) {
      const node = stack.pop() as Node<V>;
      if (node.has) yield node.value as V;
      if (node.children) for (const child of node.children.values()) stack.push(child);
    }
  }

  private find(topic: string): Node<V> | undefined {
    let node: Node<V> | undefined = this.root;
    for (const level of topic.split('/')) {
      node = node.children?.get(level);
      if (!node) return undefined;
    }
    return node;
  }

  private walk(node: Node<V>, levels: string[], depth: number, visit: (value: V) => void): void {
    if (depth === levels.length) {
      if (node.has) visit(node.value as V);
      return;
    }
    const level = levels[depth] as string;
    const children = node.children;
    if (level === '#') {
      // The parent level itself ('a/#' matches 'a'), except at the root.
      if (depth > 0 && node.has) visit(node.value as V);
      if (children) for (const [name, child] of children) if (!(depth === 0 && name.startsWith('$'))) this.visitAll(child, visit);
      return;
    }
    if (!children) return;
    if (level === '+') {
      for (const [name, child] of children) {
        if (depth === 0 && name.startsWith('$')) continue;
        this.walk(child, levels, depth + 1, visit);
      }
      return;
    }
    const child = children.get(level);
    if (child) this.walk(child, levels, depth + 1, visit);
  }

  private visitAll(node: Node<V>, visit: (value: V) => void): void {
    const stack: Node<V>[] = [node];
    while (stack.length > 0) {
      const current = stack.pop() as Node<V>;
      if (current.has) visit(current.value as V);
      if (current.children) for (const child of current.children.values()) stack.push(child);
    }
  }
}
