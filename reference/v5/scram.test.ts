import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScramClient, ScramError, ScramServer, scramCredential } from './scram.js';

const SECRET = Buffer.alloc(32, 7);

describe('SCRAM-SHA-256 (RFC 7677)', () => {
  it('matches the RFC 7677 section 3 example exchange byte for byte', () => {
    const credential = scramCredential('pencil', 4096, Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'));
    const server = new ScramServer((u) => (u === 'user' ? credential : undefined), SECRET, () => '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0');
    const serverFirst = server.first(Buffer.from('n,,n=user,r=rOprNGfwEbeRWgbNEkqO'));
    expect(serverFirst.toString()).toBe('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
    const serverFinal = server.final(Buffer.from('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ='));
    expect(serverFinal.toString()).toBe('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
  });

  it('client and server agree for any user name and password; a wrong password is refused (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ maxLength: 20 }), fc.string({ minLength: 1, maxLength: 20 }), (user, password, other) => {
        const credential = scramCredential(password, 64);
        const lookup = (u: string) => (u === user ? credential : undefined);
        const client = new ScramClient(user, password);
        const server = new ScramServer(lookup, SECRET);
        const final = client.final(server.first(client.first()));
        expect(client.verify(server.final(final))).toBe(true);
        if (other !== password) {
          const bad = new ScramClient(user, other);
          const s2 = new ScramServer(lookup, SECRET);
          const f2 = bad.final(s2.first(bad.first()));
          expect(() => s2.final(f2)).toThrow(ScramError);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('an unknown user gets a stable made-up salt, then SCRAM_UNKNOWN_USER', () => {
    const a = new ScramServer(() => undefined, SECRET).first(Buffer.from('n,,n=ghost,r=abc')).toString();
    const b = new ScramServer(() => undefined, SECRET).first(Buffer.from('n,,n=ghost,r=abc')).toString();
    expect(a.split(',')[1]).toBe(b.split(',')[1]);
    const client = new ScramClient('ghost', 'x');
    const server = new ScramServer(() => undefined, SECRET);
    const final = client.final(server.first(client.first()));
    expect(() => server.final(final)).toThrow(expect.objectContaining({ code: 'SCRAM_UNKNOWN_USER' }));
  });

  it('refuses malformed messages and out-of-order steps with typed codes', () => {
    const server = new ScramServer(() => undefined, SECRET);
    expect(() => server.final(Buffer.from('c=biws,r=x,p=AAAA'))).toThrow(expect.objectContaining({ code: 'SCRAM_STATE' }));
    expect(() => server.first(Buffer.from('p=tls-unique,,n=u,r=x'))).toThrow(expect.objectContaining({ code: 'SCRAM_MALFORMED' }));
    expect(() => new ScramServer(() => undefined, SECRET).first(Buffer.from('n,,r=only-nonce'))).toThrow(expect.objectContaining({ code: 'SCRAM_MALFORMED' }));
    const credential = scramCredential('pw', 64);
    const s = new ScramServer(() => credential, SECRET);
    const client = new ScramClient('u', 'pw');
    s.first(client.first());
    expect(() => s.final(Buffer.from('c=biws,r=wrong-nonce,p=AAAA'))).toThrow(expect.objectContaining({ code: 'SCRAM_MALFORMED' }));
  });
});
