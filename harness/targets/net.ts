import { createServer } from 'node:net';

/** Hosts and ports for brokers this machine starts (process, container and reference targets). */

/** Hosts that mean "every interface" when a server reports its bound address; clients use loopback instead. */
const UNSPECIFIED_HOSTS = new Set(['', '0.0.0.0', '::', '[::]']);

/** The host a client should dial for a server bound to `host`. */
export function dialableHost(host: string): string {
  return UNSPECIFIED_HOSTS.has(host) ? '127.0.0.1' : host;
}

/**
 * A TCP port that was free a moment ago on `host` (bind port 0, read it, close).
 * Another process may take it before the broker binds it; process targets retry on that.
 */
export async function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error(`could not read the port bound on ${host}`));
        return;
      }
      const { port } = address;
      server.close(() => resolve(port));
    });
  });
}
