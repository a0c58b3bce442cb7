import { Given } from './support/cucumber.js';
import type { MqttWorld } from './support/world.js';

/**
 * Cluster targets (`@needs:cluster`): a client name is placed on one node of the broker; every
 * later connection of that name dials that node. The other steps are the ordinary ones.
 */
Given('{client} is on node {int}', function (this: MqttWorld, name: string, node: number) {
  const nodes = this.target.capabilities.nodes ?? [];
  const endpoint = nodes[node - 1];
  if (endpoint === undefined) throw new Error(`node ${String(node)} does not exist: the target has ${String(nodes.length)} node(s)`);
  this.nodeOf.set(name, endpoint);
});
