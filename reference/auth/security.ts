/**
 * Authentication and authorisation for the broker: anonymous access on or off, a password file
 * of salted scrypt hashes, an ACL file. The broker asks it three questions: may this CONNECT
 * proceed (CONNACK 4 bad user name or password, 5 not authorised), may this client publish to a
 * topic (3.1.1: a denied PUBLISH is acknowledged and dropped, MQTT-3.3.5-2), may it subscribe to a
 * filter (SUBACK 0x80 for that filter, MQTT-3.9.3-2).
 */
import type { ConnectPacket, Packet } from '../../harness/codec/index.js';
import { Acl, type Principal } from '../acl/index.js';
import { violation, type HandlerResult } from '../violation.js';
import { transportIdentity } from './identity.js';
import { readPasswordFile, type PasswordEntries } from './password-file.js';
import { credentialKey, DEFAULT_SCRYPT, hashPassword, parseHash, verifyPassword, type ParsedHash } from './scrypt-hash.js';

export interface AuthOptions {
  /** Accept clients that send no user name (default true). */
  allowAnonymous?: boolean;
  /** `username:hash` lines written by `mqtt-conformance passwd`; without one, any user name is accepted. */
  passwordFile?: string;
  /** ACL rules (see reference/acl); without one, every topic is readable and writable (but `$SYS`). */
  aclFile?: string;
}

/** What a CONNECT's credential check needs of its connection. */
export interface AuthSubject {
  readonly stream: object;
  /** Stops handling this connection's input, keeping `packet` and what follows for `release()`. */
  hold(packet: Packet): void;
  /** Handles the held packets, in order. */
  release(): void;
}

const CACHE_LIMIT = 10_000;

export class Security {
  private readonly principals = new WeakMap<object, Principal>();
  private readonly verdicts = new WeakMap<object, HandlerResult>();
  /** Credentials already verified (keyed by a hash, never the password): a reconnect costs no scrypt. */
  private readonly verified = new Set<string>();
  /** Verified against for unknown users, so a missing user costs the same time as a wrong password. */
  private decoyHash: ParsedHash | undefined;

  constructor(
    readonly allowAnonymous: boolean,
    readonly passwords: PasswordEntries | undefined,
    readonly acl: Acl | undefined,
  ) {}

  static fromOptions(options: AuthOptions = {}): Security {
    return new Security(
      options.allowAnonymous ?? true,
      options.passwordFile !== undefined ? readPasswordFile(options.passwordFile) : undefined,
      options.aclFile !== undefined ? Acl.read(options.aclFile) : undefined,
    );
  }

  /** Anyone may connect, read and write (everything but `$SYS`). */
  get open(): boolean {
    return this.allowAnonymous && this.passwords === undefined && this.acl === undefined;
  }

  /**
   * The credential step of CONNECT: a violation (refused), undefined (accepted), or 'pending' when
   * the password is being verified off the event loop: the connection is held and its CONNECT is
   * handled again, with the verdict ready, once the check ends.
   */
  checkConnect(subject: AuthSubject, packet: ConnectPacket): HandlerResult | 'pending' {
    if (this.open) return undefined;
    if (this.verdicts.has(subject)) {
      const verdict = this.verdicts.get(subject);
      this.verdicts.delete(subject);
      return verdict ?? this.checkWill(subject, packet);
    }
    const identity = transportIdentity(subject.stream);
    if (identity !== undefined) return this.admit(subject, packet, identity);
    const username = packet.username;
    if (username === undefined) {
      if (!this.allowAnonymous) return violation('NOT_AUTHORIZED', 'MQTT-3.1.4-5', 'anonymous clients are not allowed: CONNACK 5');
      return this.admit(subject, packet, undefined);
    }
    if (!this.passwords) return this.admit(subject, packet, username);
    const encoded = this.passwords.get(username);
    const password = packet.password ?? Buffer.alloc(0);
    if (encoded !== undefined && this.verified.has(credentialKey(username, password, encoded))) return this.admit(subject, packet, username);
    const parsed = encoded !== undefined ? parseHash(encoded) : this.decoy();
    subject.hold(packet);
    const settle = (ok: boolean): void => {
      if (ok && encoded !== undefined) {
        if (this.verified.size >= CACHE_LIMIT) this.verified.clear();
        this.verified.add(credentialKey(username, password, encoded));
        this.principals.set(subject, { username, clientId: packet.clientId });
        this.verdicts.set(subject, undefined);
      } else {
        this.verdicts.set(subject, violation('BAD_CREDENTIALS', 'MQTT-3.1.4-5', `bad user name or password for ${JSON.stringify(username)}: CONNACK 4`));
      }
      subject.release();
    };
    if (!parsed) settle(false);
    else verifyPassword(password, parsed).then((ok) => settle(ok && encoded !== undefined), () => settle(false));
    return 'pending';
  }

  /** With the parameters of the file's own hashes (its first valid one), so the decoy costs what a real check costs. */
  private decoy(): ParsedHash | undefined {
    if (this.decoyHash) return this.decoyHash;
    let params = DEFAULT_SCRYPT;
    for (const encoded of this.passwords?.values() ?? []) {
      const parsed = parseHash(encoded);
      if (parsed) {
        params = parsed.params;
        break;
      }
    }
    this.decoyHash = parseHash(hashPassword('decoy', params));
    return this.decoyHash;
  }

  /**
   * A client authenticated by MQTT 5.0 enhanced authentication (reference/v5: SCRAM-SHA-256) instead
   * of a password: the ACL judges it as `username`, and its will is checked as for any client.
   */
  admitAuthenticated(subject: AuthSubject, packet: ConnectPacket, username: string): HandlerResult {
    return this.admit(subject, packet, username);
  }

  private admit(subject: AuthSubject, packet: ConnectPacket, username: string | undefined): HandlerResult {
    this.principals.set(subject, { username, clientId: packet.clientId });
    return this.checkWill(subject, packet);
  }

  /** A will the client may not publish is refused at CONNECT (CONNACK 5) rather than dropped later. */
  private checkWill(subject: AuthSubject, packet: ConnectPacket): HandlerResult {
    if (!packet.will || !this.acl) return undefined;
    if (this.acl.canWrite(this.principal(subject, packet.clientId), packet.will.topic)) return undefined;
    return violation('NOT_AUTHORIZED', 'MQTT-3.1.4-5', `will topic ${JSON.stringify(packet.will.topic.slice(0, 100))} is not writable by this client: CONNACK 5`);
  }

  principal(subject: object, clientId: string): Principal {
    return this.principals.get(subject) ?? { username: undefined, clientId };
  }

  canPublish(subject: object, clientId: string, topic: string): boolean {
    return !this.acl || this.acl.canWrite(this.principal(subject, clientId), topic);
  }

  canSubscribe(subject: object, clientId: string, filter: string): boolean {
    return !this.acl || this.acl.canSubscribe(this.principal(subject, clientId), filter);
  }
}
