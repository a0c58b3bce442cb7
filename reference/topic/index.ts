export { topicMatches } from './match.js';
export { SubscriptionTree } from './subscription-tree.js';
export { TopicTrie } from './topic-trie.js';
export {
  isValidTopicFilter,
  isValidTopicName,
  topicFilterProblem,
  topicNameProblem,
  TOPIC_PROBLEM_STATEMENTS,
  type TopicProblem,
} from './validate.js';
