/** SCRAM-SHA-256 (RFC 5802 / RFC 7677), the client side, for the MQTT 5.0 enhanced authentication steps. No step definitions. */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { ClientUsageError } from '../harness/client/index.js';

const hmac = (key: Buffer, text: string | Buffer): Buffer => createHmac('sha256', key).update(text).digest();
const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();

/** One client-side SCRAM exchange: client-first, then client-final from the server-first, then the server signature check. */
export class ScramExchange {
  readonly nonce: string;
  readonly firstBare: string;
  private signature: Buffer | undefined;
  constructor(
    username: string,
    private readonly password: string,
    /** The client nonce; random unless given (tests use the RFC 7677 example). */
    nonce: string = randomBytes(18).toString('base64'),
  ) {
    this.nonce = nonce;
    this.firstBare = `n=${username.replace(/=/g, '=3D').replace(/,/g, '=2C')},r=${this.nonce}`;
  }

  first(): Buffer {
    return Buffer.from(`n,,${this.firstBare}`);
  }

  /** The client-final message; `tamper` spoils the proof (a wrong password in effect). */
  final(serverFirst: Buffer, tamper = false): Buffer {
    const text = serverFirst.toString('utf8');
    const attrs = new Map(text.split(',').map((p) => [p.slice(0, 1), p.slice(2)] as const));
    const nonce = attrs.get('r') ?? '';
    const salt = Buffer.from(attrs.get('s') ?? '', 'base64');
    const iterations = Number(attrs.get('i') ?? '0');
    if (!nonce.startsWith(this.nonce) || salt.length === 0 || !(iterations > 0)) throw new ClientUsageError(`not a SCRAM server-first-message: ${JSON.stringify(text)}`);
    const salted = pbkdf2Sync(Buffer.from(this.password.normalize('NFKC')), salt, iterations, 32, 'sha256');
    const withoutProof = `c=${Buffer.from('n,,').toString('base64')},r=${nonce}`;
    const authMessage = `${this.firstBare},${text},${withoutProof}`;
    const clientKey = hmac(salted, 'Client Key');
    const signature = hmac(sha256(clientKey), authMessage);
    const proof = Buffer.from(clientKey.map((b, i) => b ^ (signature[i] ?? 0) ^ (tamper && i === 0 ? 1 : 0)));
    this.signature = hmac(hmac(salted, 'Server Key'), authMessage);
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`);
  }

  verify(serverFinal: Buffer | undefined): boolean {
    const text = (serverFinal ?? Buffer.alloc(0)).toString('utf8');
    return text.startsWith('v=') && this.signature !== undefined && Buffer.from(text.slice(2), 'base64').equals(this.signature);
  }
}

