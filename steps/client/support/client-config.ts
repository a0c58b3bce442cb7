import { ENV } from '../../../contract/index.js';

/** Env var through which the CLI hands the client under test to cucumber (and its workers). */
export const CLIENT_ENV = ENV.client;

/**
 * The client under test as the CLI hands it over: the adapter command (with `{host}` and `{port}`),
 * the protocol versions it speaks, and what it declares it cannot be told to do (capability ->
 * why), which makes the scenarios needing it not applicable.
 */
export interface ClientUnderTestConfig {
  name: string;
  version?: string;
  command: string;
  versions: (4 | 5)[];
  lacks: Record<string, string>;
}

/** Capabilities a client scenario may need (`@needs:<name>`); a client lacks one only by declaration. */
export const CLIENT_CAPABILITIES: Record<string, string> = {
  idle: 'stays connected after CONNECT without publishing or subscribing',
  'publish-and-subscribe': 'publishes and subscribes on one connection',
  'several-topics': 'publishes to several topics, or at several QoS levels, on one connection',
  session: 'keeps a session (CleanSession 0 / Clean Start 0) and reconnects by itself after the connection drops',
  'topic-alias': 'can be told to publish with a Topic Alias (5.0)',
  'enhanced-auth': 'answers an AUTH challenge of the server (5.0 enhanced authentication, section 4.12)',
};

export function clientFromEnv(env: NodeJS.ProcessEnv = process.env): ClientUnderTestConfig | undefined {
  const text = env[CLIENT_ENV];
  if (text === undefined || text === '') return undefined;
  const v = JSON.parse(text) as Partial<ClientUnderTestConfig>;
  if (typeof v.command !== 'string' || !Array.isArray(v.versions) || typeof v.lacks !== 'object' || v.lacks === null) {
    throw new Error(`${CLIENT_ENV} must be {name, command, versions, lacks}; got ${text.slice(0, 200)}`);
  }
  return v as ClientUnderTestConfig;
}
