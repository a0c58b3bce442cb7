/**
 * Topic name and topic filter validation (MQTT 3.1.1 section 4.7, 5.0 section 4.7).
 * UTF-8 well-formedness and U+0000 are the codec's job; these rules are about the
 * topic structure itself.
 */

export type TopicProblem =
  | 'empty'
  | 'too-long'
  | 'null-character'
  | 'wildcard-in-topic-name'
  | 'multi-level-wildcard-not-last'
  | 'wildcard-not-whole-level';

/** The statement each problem breaks. */
export const TOPIC_PROBLEM_STATEMENTS: Readonly<Record<TopicProblem, string>> = {
  empty: 'MQTT-4.7.3-1',
  'too-long': 'MQTT-4.7.3-3',
  'null-character': 'MQTT-4.7.3-2',
  'wildcard-in-topic-name': 'MQTT-3.3.2-2',
  'multi-level-wildcard-not-last': 'MQTT-4.7.1-2',
  'wildcard-not-whole-level': 'MQTT-4.7.1-3',
};

const MAX_TOPIC_BYTES = 65535;

function commonProblem(s: string): TopicProblem | undefined {
  if (s.length === 0) return 'empty';
  if (s.includes('\u0000')) return 'null-character';
  // A UTF-16 length over the limit is over it in UTF-8 too; only measure near the edge.
  if (s.length > MAX_TOPIC_BYTES / 3 && Buffer.byteLength(s, 'utf8') > MAX_TOPIC_BYTES) return 'too-long';
  return undefined;
}

/** Why `topic` is not a valid topic name for PUBLISH (or a will), or undefined when it is. */
export function topicNameProblem(topic: string): TopicProblem | undefined {
  const common = commonProblem(topic);
  if (common) return common;
  if (topic.includes('+') || topic.includes('#')) return 'wildcard-in-topic-name';
  return undefined;
}

/** Why `filter` is not a valid topic filter for SUBSCRIBE, or undefined when it is. */
export function topicFilterProblem(filter: string): TopicProblem | undefined {
  const common = commonProblem(filter);
  if (common) return common;
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] as string;
    if (level.includes('#')) {
      if (level !== '#') return 'wildcard-not-whole-level';
      if (i !== levels.length - 1) return 'multi-level-wildcard-not-last';
    } else if (level.includes('+') && level !== '+') {
      return 'wildcard-not-whole-level';
    }
  }
  return undefined;
}

export function isValidTopicName(topic: string): boolean {
  return topicNameProblem(topic) === undefined;
}

export function isValidTopicFilter(filter: string): boolean {
  return topicFilterProblem(filter) === undefined;
}
