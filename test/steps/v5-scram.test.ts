import { describe, expect, it } from 'vitest';
import { ScramExchange } from '../../steps/v5-scram.js';

// RFC 7677 section 3: the SCRAM-SHA-256 example exchange (user "user", password "pencil").
const CLIENT_NONCE = 'rOprNGfwEbeRWgbNEkqO';
const SERVER_FIRST = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';
const CLIENT_FINAL = 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=';
const SERVER_FINAL = 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=';

describe('SCRAM-SHA-256 client of the v5 steps', () => {
  it('produces the RFC 7677 example messages', () => {
    const s = new ScramExchange('user', 'pencil', CLIENT_NONCE);
    expect(s.first().toString()).toBe(`n,,n=user,r=${CLIENT_NONCE}`);
    expect(s.final(Buffer.from(SERVER_FIRST)).toString()).toBe(CLIENT_FINAL);
    expect(s.verify(Buffer.from(SERVER_FINAL))).toBe(true);
  });

  it('rejects a wrong server signature and spoils the proof when told', () => {
    const s = new ScramExchange('user', 'pencil', CLIENT_NONCE);
    s.first();
    expect(s.final(Buffer.from(SERVER_FIRST), true).toString()).not.toBe(CLIENT_FINAL);
    expect(s.verify(Buffer.from('v=AAAA'))).toBe(false);
    expect(s.verify(undefined)).toBe(false);
  });

  it('refuses a server-first message whose nonce does not extend the client nonce', () => {
    const s = new ScramExchange('user', 'pencil', CLIENT_NONCE);
    expect(() => s.final(Buffer.from('r=other,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'))).toThrow(/server-first/);
  });
});
