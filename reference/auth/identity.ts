/**
 * The user name a transport vouches for: a TLS listener configured with `identityAsUsername`
 * records the client certificate's CN for the socket; authentication then uses it instead of the
 * CONNECT's user name and password.
 */
const identities = new WeakMap<object, string>();

export function setTransportIdentity(stream: object, username: string): void {
  identities.set(stream, username);
}

export function transportIdentity(stream: object): string | undefined {
  return identities.get(stream);
}
