/** Test support: a throw-away CA, a server certificate for 127.0.0.1/localhost and client certificates, made with openssl. */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCertificates {
  ca: string;
  serverCert: string;
  serverKey: string;
  /** Client certificate and key files by CN. */
  clients: Record<string, { cert: string; key: string }>;
  /** A client certificate from another CA (must be refused). */
  stranger: { cert: string; key: string };
}

const openssl = (args: string[], cwd: string): void => {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
};

function signed(dir: string, name: string, subject: string, ca: { cert: string; key: string }, ext?: string): { cert: string; key: string } {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.crt`);
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', csr, '-subj', subject], dir);
  const args = ['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', cert, '-days', '2'];
  if (ext !== undefined) {
    const extFile = join(dir, `${name}.ext`);
    writeFileSync(extFile, ext);
    args.push('-extfile', extFile);
  }
  openssl(args, dir);
  return { cert, key };
}

function authority(dir: string, name: string): { cert: string; key: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.crt`);
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${name}`], dir);
  return { cert, key };
}

export function makeTestCertificates(dir: string, clientNames: string[] = ['alice']): TestCertificates {
  const ca = authority(dir, 'test-ca');
  const server = signed(dir, 'server', '/CN=localhost', ca, 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  const clients: TestCertificates['clients'] = {};
  for (const cn of clientNames) clients[cn] = signed(dir, `client-${cn}`, `/CN=${cn}`, ca, 'extendedKeyUsage=clientAuth\n');
  const other = authority(dir, 'other-ca');
  const stranger = signed(dir, 'stranger', '/CN=stranger', other, 'extendedKeyUsage=clientAuth\n');
  return { ca: ca.cert, serverCert: server.cert, serverKey: server.key, clients, stranger };
}
