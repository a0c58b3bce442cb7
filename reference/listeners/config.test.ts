import { describe, expect, it } from 'vitest';
import { validateAuthOptions } from '../auth/index.js';
import { validateListenerConfigs } from './index.js';

describe('config validation (the broker config file keys "listeners" and "auth")', () => {
  it('accepts well-formed listeners and auth', () => {
    const listeners = [{ protocol: 'mqtt', port: 1883 }, { protocol: 'wss', port: 8884, host: '0.0.0.0', tls: { cert: 'c.pem', key: 'k.pem', ca: 'ca.pem', requireClientCert: true } }];
    expect(validateListenerConfigs(listeners)).toEqual(listeners);
    expect(validateAuthOptions({ allowAnonymous: false, passwordFile: 'pw' })).toEqual({ allowAnonymous: false, passwordFile: 'pw' });
  });

  it('names what is wrong (LISTENER_CONFIG, AUTH_OPTIONS)', () => {
    const bad: [unknown, RegExp][] = [
      [[], /non-empty array/],
      [[{ protocol: 'quic' }], /unknown protocol/],
      [[{ protocol: 'mqtts' }], /needs "tls"/],
      [[{ protocol: 'mqtt', tls: { cert: 'a', key: 'b' } }], /only for mqtts and wss/],
      [[{ protocol: 'mqtt', port: 70000 }], /port must be/],
      [[{ protocol: 'mqtts', tls: { cert: 'a', key: 'b', requireClientCert: true } }], /need "ca"/],
      [[{ protocol: 'mqtt', bogus: 1 }], /unknown key "bogus"/],
      [[{ protocol: 'wss', tls: { cert: 'a', key: 'b', pfx: 'x' } }], /unknown key "tls.pfx"/],
    ];
    for (const [value, message] of bad) expect(() => validateListenerConfigs(value)).toThrow(expect.objectContaining({ code: 'LISTENER_CONFIG', message: expect.stringMatching(message) }));
    expect(() => validateAuthOptions({ allowAnonymous: 'no' })).toThrow(expect.objectContaining({ code: 'AUTH_OPTIONS' }));
    expect(() => validateAuthOptions({ users: [] })).toThrow(expect.objectContaining({ code: 'AUTH_OPTIONS' }));
  });
});
