/** vitest fixture: one broker per test file, every client opened through it destroyed after each test. */
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { ConnectPacket, ProtocolVersion } from '../../../harness/codec/index.js';
import { startBroker, type BrokerOptions, type LogRecord, type RunningBroker } from '../../../reference/index.js';
import { RawClient } from './raw-client.js';

export interface Fixture {
  readonly broker: RunningBroker;
  readonly port: number;
  readonly logs: LogRecord[];
  open(version?: ProtocolVersion): Promise<RawClient>;
  connect(clientId: string, opts?: Partial<Omit<ConnectPacket, 'type'>>): Promise<RawClient>;
  connectWithSession(clientId: string, opts?: Partial<Omit<ConnectPacket, 'type'>>): Promise<{ client: RawClient; sessionPresent: boolean }>;
}

export function useBroker(options: BrokerOptions = {}): Fixture {
  let broker: RunningBroker | undefined;
  const clients: RawClient[] = [];
  const logs: LogRecord[] = [];
  beforeAll(async () => {
    broker = await startBroker({ sysIntervalSeconds: 0, logLevel: 'debug', logger: (r) => logs.push(r), ...options });
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.destroy();
  });
  afterAll(async () => {
    await broker?.close();
  });
  const get = (): RunningBroker => {
    if (!broker) throw new Error('broker not started (use the fixture inside a test)');
    return broker;
  };
  const fixture: Fixture = {
    get broker() {
      return get();
    },
    get port() {
      return get().address.port;
    },
    logs,
    async open(version = 4) {
      const c = await RawClient.open(get().address.port, version);
      clients.push(c);
      return c;
    },
    async connect(clientId, opts = {}) {
      return (await fixture.connectWithSession(clientId, opts)).client;
    },
    async connectWithSession(clientId, opts = {}) {
      const r = await RawClient.connected(get().address.port, clientId, opts);
      clients.push(r.client);
      return r;
    },
  };
  return fixture;
}
