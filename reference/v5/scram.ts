/**
 * SCRAM-SHA-256 (RFC 7677 over RFC 5802) for MQTT 5.0 enhanced authentication: the server side of
 * the exchange (client-first -> server-first -> client-final -> server-final), and a client for
 * tests and tools. No channel binding (gs2 header `n,,` or `y,,`).
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export const SCRAM_SHA_256 = 'SCRAM-SHA-256';
const DEFAULT_ITERATIONS = 4096;

/** What the server keeps per user: never the password (RFC 5802 §5). */
export interface ScramCredential {
  readonly salt: Buffer;
  readonly iterations: number;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
}

const hmac = (key: Buffer, text: string | Buffer): Buffer => createHmac('sha256', key).update(text).digest();
const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();
const xor = (a: Buffer, b: Buffer): Buffer => Buffer.from(a.map((v, i) => v ^ (b[i] ?? 0)));

export function saltedPassword(password: string, salt: Buffer, iterations: number): Buffer {
  return pbkdf2Sync(Buffer.from(password.normalize('NFKC'), 'utf8'), salt, iterations, 32, 'sha256');
}

/** Derives the stored credential of a password (a fresh random salt unless one is given). */
export function scramCredential(password: string, iterations = DEFAULT_ITERATIONS, salt: Buffer = randomBytes(16)): ScramCredential {
  const salted = saltedPassword(password, salt, iterations);
  return { salt, iterations, storedKey: sha256(hmac(salted, 'Client Key')), serverKey: hmac(salted, 'Server Key') };
}

/** Parses `a=..,b=..` attribute lists (values may contain '='). */
function attributes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq === 1) out.set(part.slice(0, 1), part.slice(2));
  }
  return out;
}

const decodeSaslName = (name: string): string => name.replace(/=2C/g, ',').replace(/=3D/g, '=');
const encodeSaslName = (name: string): string => name.replace(/=/g, '=3D').replace(/,/g, '=2C');

export class ScramError extends Error {
  readonly code: 'SCRAM_MALFORMED' | 'SCRAM_BAD_PROOF' | 'SCRAM_UNKNOWN_USER' | 'SCRAM_STATE';
  constructor(code: ScramError['code'], message: string) {
    super(message);
    this.name = 'ScramError';
    this.code = code;
  }
}

/** One server-side exchange. `first()` answers the client-first message, `final()` verifies the proof. */
export class ScramServer {
  private state: 'start' | 'first-sent' | 'done' = 'start';
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';
  private gs2 = '';
  private credential: ScramCredential | undefined;
  username: string | undefined;

  constructor(
    private readonly lookup: (username: string) => ScramCredential | undefined,
    /** Secret used to invent a stable salt for unknown users, so the exchange does not reveal which users exist. */
    private readonly secret: Buffer,
    /** The server's part of the nonce (tests pass a fixed one for the RFC 7677 known answer). */
    private readonly serverNonce: () => string = () => randomBytes(18).toString('base64'),
  ) {}

  /** True once the client-first message has been answered. */
  get started(): boolean {
    return this.state !== 'start';
  }

  /** client-first-message -> server-first-message. */
  first(data: Buffer | undefined): Buffer {
    if (this.state !== 'start') throw new ScramError('SCRAM_STATE', 'client-first-message out of order');
    const text = (data ?? Buffer.alloc(0)).toString('utf8');
    const m = /^([ny]),(a=[^,]*)?,(.*)$/.exec(text);
    if (!m) throw new ScramError('SCRAM_MALFORMED', 'client-first-message must start with a gs2 header "n,," (no channel binding)');
    this.gs2 = `${m[1] as string},${m[2] ?? ''},`;
    this.clientFirstBare = m[3] as string;
    const attrs = attributes(this.clientFirstBare);
    const user = attrs.get('n');
    const clientNonce = attrs.get('r');
    if (user === undefined || user === '' || clientNonce === undefined || clientNonce === '') {
      throw new ScramError('SCRAM_MALFORMED', 'client-first-message needs n=<user> and r=<nonce>');
    }
    this.username = decodeSaslName(user);
    this.credential = this.lookup(this.username);
    const salt = this.credential?.salt ?? hmac(this.secret, this.username).subarray(0, 16);
    const iterations = this.credential?.iterations ?? DEFAULT_ITERATIONS;
    this.nonce = clientNonce + this.serverNonce();
    this.serverFirst = `r=${this.nonce},s=${salt.toString('base64')},i=${String(iterations)}`;
    this.state = 'first-sent';
    return Buffer.from(this.serverFirst, 'utf8');
  }

  /** client-final-message -> server-final-message (`v=` signature); throws when the proof is wrong. */
  final(data: Buffer | undefined): Buffer {
    if (this.state !== 'first-sent') throw new ScramError('SCRAM_STATE', 'client-final-message out of order');
    this.state = 'done';
    const text = (data ?? Buffer.alloc(0)).toString('utf8');
    const proofAt = text.lastIndexOf(',p=');
    if (proofAt < 0) throw new ScramError('SCRAM_MALFORMED', 'client-final-message has no proof');
    const withoutProof = text.slice(0, proofAt);
    const attrs = attributes(withoutProof);
    if (attrs.get('r') !== this.nonce) throw new ScramError('SCRAM_MALFORMED', 'client-final-message nonce does not match');
    if (attrs.get('c') !== Buffer.from(this.gs2, 'utf8').toString('base64')) throw new ScramError('SCRAM_MALFORMED', 'channel binding data does not match the gs2 header');
    const proof = Buffer.from(text.slice(proofAt + 3), 'base64');
    const credential = this.credential;
    if (!credential) throw new ScramError('SCRAM_UNKNOWN_USER', `unknown user ${JSON.stringify(this.username)}`);
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const clientKey = xor(proof, hmac(credential.storedKey, authMessage));
    if (proof.length !== 32 || !timingSafeEqual(sha256(clientKey), credential.storedKey)) {
      throw new ScramError('SCRAM_BAD_PROOF', `wrong proof for ${JSON.stringify(this.username)}`);
    }
    return Buffer.from(`v=${hmac(credential.serverKey, authMessage).toString('base64')}`, 'utf8');
  }
}

/** The client side, for tests and tools: `first()`, `final(serverFirst)`, `verify(serverFinal)`. */
export class ScramClient {
  private readonly clientNonce = randomBytes(18).toString('base64');
  private clientFirstBare = '';
  private serverSignature: Buffer | undefined;

  constructor(
    readonly username: string,
    private readonly password: string,
  ) {}

  first(): Buffer {
    this.clientFirstBare = `n=${encodeSaslName(this.username)},r=${this.clientNonce}`;
    return Buffer.from(`n,,${this.clientFirstBare}`, 'utf8');
  }

  final(serverFirstData: Buffer): Buffer {
    const serverFirst = serverFirstData.toString('utf8');
    const attrs = attributes(serverFirst);
    const nonce = attrs.get('r') ?? '';
    if (!nonce.startsWith(this.clientNonce)) throw new ScramError('SCRAM_MALFORMED', 'server nonce does not extend the client nonce');
    const salted = saltedPassword(this.password, Buffer.from(attrs.get('s') ?? '', 'base64'), Number(attrs.get('i')));
    const withoutProof = `c=${Buffer.from('n,,').toString('base64')},r=${nonce}`;
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const clientKey = hmac(salted, 'Client Key');
    const proof = xor(clientKey, hmac(sha256(clientKey), authMessage));
    this.serverSignature = hmac(hmac(salted, 'Server Key'), authMessage);
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`, 'utf8');
  }

  /** True when the server-final-message proves the server knows the credential. */
  verify(serverFinal: Buffer | undefined): boolean {
    const v = attributes((serverFinal ?? Buffer.alloc(0)).toString('utf8')).get('v');
    return v !== undefined && this.serverSignature !== undefined && Buffer.from(v, 'base64').equals(this.serverSignature);
  }
}
