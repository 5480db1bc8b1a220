import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A throw-away PKI made by the real `openssl` for the registration tests: a CA, a server
 * certificate for 127.0.0.1 and user certificates. Independent of the sandbox CA on purpose.
 */
const run = promisify(execFile);

export interface TestCa {
  readonly subject: string;
  readonly certPem: string;
  readonly certPath: string;
  readonly keyPath: string;
}

export interface TestCert {
  readonly subject: string;
  readonly certPem: string;
  readonly keyPem: string;
}

export class TestPki {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'osg-reg-pki-'));
  private n = 0;

  async ca(subject: string): Promise<TestCa> {
    const id = `ca${++this.n}`;
    const keyPath = path.join(this.dir, `${id}.key`);
    const certPath = path.join(this.dir, `${id}.pem`);
    await run('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-utf8', '-keyout', keyPath, '-out', certPath, '-days', '3', '-subj', subject,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    return { subject, certPem: readFileSync(certPath, 'utf8'), certPath, keyPath };
  }

  /** A certificate signed by `ca`; `kind` sets the extended key usage (and the SAN for servers). */
  async issue(ca: TestCa, subject: string, kind: 'client' | 'server'): Promise<TestCert> {
    const id = `c${++this.n}`;
    const key = path.join(this.dir, `${id}.key`);
    const csr = path.join(this.dir, `${id}.csr`);
    const cert = path.join(this.dir, `${id}.pem`);
    const ext = path.join(this.dir, `${id}.ext`);
    writeFileSync(
      ext,
      [
        'basicConstraints=critical,CA:FALSE',
        `keyUsage=critical,digitalSignature,keyEncipherment`,
        `extendedKeyUsage=${kind === 'server' ? 'serverAuth' : 'clientAuth'}`,
        ...(kind === 'server' ? ['subjectAltName=IP:127.0.0.1,DNS:localhost'] : []),
      ].join('\n') + '\n',
    );
    await run('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-utf8', '-keyout', key, '-out', csr, '-subj', subject]);
    await run('openssl', ['x509', '-req', '-in', csr, '-CA', ca.certPath, '-CAkey', ca.keyPath, '-set_serial', `0x${Date.now().toString(16)}${this.n}`, '-days', '2', '-extfile', ext, '-out', cert]);
    return { subject, certPem: readFileSync(cert, 'utf8'), keyPem: readFileSync(key, 'utf8') };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
