// Credentials users bring, made with the real tools: a user certificate issued by the sandbox CA
// (its own code path, with a chosen "now" so it can be expired or near its end), then exported
// with `openssl pkcs12 -export` (default and -legacy) and `pk12util -o` (through an NSS db), or
// written as ~/.globus/usercert.pem + an encrypted userkey.pem. Also a foreign CA the app does not trust.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseSlashDn } from '../../../shared/dn';
import { buildCsr } from '../../../electron/services/credential';
import { issueUserCertificate } from '../../../electron/sandbox/ca/issue';
import type { SandboxRequest } from '../../../electron/sandbox/ca/request-store';
import type { Sandbox } from '../../../electron/sandbox';
import { SANDBOX_USER_BASE } from '../../../electron/sandbox/ca';

export function sh(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', input, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
}

export interface UserMaterial {
  readonly dir: string;
  readonly keyFile: string;
  readonly certFile: string;
  readonly caFile: string;
  readonly subject: string;
  readonly key: KeyObject;
}

/** A user certificate from the sandbox CA, issued as if at `issuedAt` (one year of validity). */
export async function sandboxUser(sandbox: Sandbox, dir: string, name: string, issuedAt = new Date()): Promise<UserMaterial> {
  mkdirSync(dir, { recursive: true });
  const ca = await sandbox.material();
  const { privateKey: key } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const subject = `${SANDBOX_USER_BASE}/CN=${name}`;
  const csr = buildCsr({ key, subject: parseSlashDn(subject) });
  const request = { csrDer: csr.der, subject, email: `${name.split(' ')[0].toLowerCase()}@example.edu` } as unknown as SandboxRequest;
  const cert = issueUserCertificate(ca, request, 'https://127.0.0.1:1/crl.der', issuedAt);
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  const caFile = path.join(dir, 'ca.pem');
  writeFileSync(keyFile, key.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
  writeFileSync(certFile, `-----BEGIN CERTIFICATE-----\n${cert.der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`);
  writeFileSync(caFile, ca.certPem);
  return { dir, keyFile, certFile, caFile, subject, key };
}

/** A CA of our own (not installed anywhere) and a user certificate from it. */
export function foreignUser(dir: string): UserMaterial {
  mkdirSync(dir, { recursive: true });
  const caKey = path.join(dir, 'foreign-ca.key');
  const caFile = path.join(dir, 'foreign-ca.pem');
  sh('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-out', caFile, '-days', '30', '-subj', '/DC=org/DC=example/CN=Foreign Grid CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  const keyFile = path.join(dir, 'key.pem');
  const csrFile = path.join(dir, 'req.pem');
  const certFile = path.join(dir, 'cert.pem');
  sh('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', csrFile, '-subj', '/DC=org/DC=example/CN=Marie Curie']);
  const ext = path.join(dir, 'ext.cnf');
  writeFileSync(ext, 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n');
  sh('openssl', ['x509', '-req', '-in', csrFile, '-CA', caFile, '-CAkey', caKey, '-CAcreateserial', '-days', '20', '-out', certFile, '-extfile', ext]);
  return { dir, keyFile, certFile, caFile, subject: '/DC=org/DC=example/CN=Marie Curie', key: undefined as unknown as KeyObject };
}

/** `openssl pkcs12 -export` (OpenSSL 3 default: AES-256/PBKDF2; `legacy`: RC2/3DES, SHA-1 MAC). */
export function opensslP12(m: UserMaterial, out: string, password: string, opts: { legacy?: boolean; name?: string } = {}): string {
  sh('openssl', ['pkcs12', '-export', ...(opts.legacy ? ['-legacy'] : []), '-inkey', m.keyFile, '-in', m.certFile, '-certfile', m.caFile, '-name', opts.name ?? 'grid', '-out', out, '-passout', 'stdin'], `${password}\n`);
  return out;
}

/** A Firefox-style backup: into a fresh NSS db with pk12util -i, out again with pk12util -o. */
export function pk12utilP12(m: UserMaterial, out: string, password: string): string {
  const db = path.join(m.dir, `nssdb-${path.basename(out)}`);
  mkdirSync(db, { recursive: true });
  sh('certutil', ['-N', '-d', `sql:${db}`, '--empty-password']);
  const first = opensslP12(m, path.join(m.dir, `for-nss-${path.basename(out)}`), password, { name: 'my grid cert' });
  const pwFile = path.join(m.dir, 'pk12.pw');
  writeFileSync(pwFile, password, { mode: 0o600 });
  sh('pk12util', ['-i', first, '-d', `sql:${db}`, '-w', pwFile]);
  sh('pk12util', ['-o', out, '-n', 'my grid cert', '-d', `sql:${db}`, '-w', pwFile]);
  return out;
}

/** ~/.globus/usercert.pem (0644) + userkey.pem (0400, encrypted: PKCS#8 AES-256 or, `traditional`, PKCS#1 3DES). */
export function globusPair(m: UserMaterial, globusDir: string, passphrase: string, opts: { traditional?: boolean } = {}): void {
  mkdirSync(globusDir, { recursive: true, mode: 0o700 });
  const keyOut = path.join(globusDir, 'userkey.pem');
  const args = opts.traditional
    ? ['rsa', '-in', m.keyFile, '-traditional', '-des3', '-out', keyOut, '-passout', 'stdin']
    : ['pkey', '-in', m.keyFile, '-aes256', '-out', keyOut, '-passout', 'stdin'];
  sh('openssl', args, `${passphrase}\n`);
  sh('chmod', ['0400', keyOut]);
  writeFileSync(path.join(globusDir, 'usercert.pem'), sh('openssl', ['x509', '-in', m.certFile]), { mode: 0o644 });
}
