// Real programs for the credential integration tests: openssl (the CA and the reference
// PKCS#12 writer/reader), NSS certutil/pk12util, grid-proxy-init.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(cmd: string, args: readonly string[], options: { input?: string | Buffer; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  const r = spawnSync(cmd, args, { input: options.input, cwd: options.cwd, env: options.env ?? { ...process.env, LANG: 'C.UTF-8' }, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Runs and throws with stderr when the program fails. */
export function ok(cmd: string, args: readonly string[], options: Parameters<typeof run>[2] = {}): string {
  const r = run(cmd, args, options);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

export interface OpensslPki {
  readonly dir: string;
  readonly rootPem: string;
  readonly intermediatePem: string;
  readonly userPem: string;
  /** Unencrypted PKCS#8 of the user key. */
  readonly userKeyPem: string;
  readonly files: { root: string; intermediate: string; user: string; userKey: string; chain: string };
  /** X509_CERT_DIR with `<hash>.0` and `.signing_policy` for the two CAs (for grid-proxy-init). */
  readonly caDir: string;
}

/** A root CA, an intermediate and a user certificate made by openssl, the way grid CAs look. */
export function makeOpensslPki(dir: string, subject = '/DC=org/DC=example/C=US/O=Université Test/CN=Jane Doe A12345+UID=jdoe', days = 30): OpensslPki {
  mkdirSync(dir, { recursive: true });
  const f = (n: string) => path.join(dir, n);
  const caExt = f('ca.ext');
  writeFileSync(caExt, 'basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n');
  const userExt = f('user.ext');
  writeFileSync(userExt, 'basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n');
  ok('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('root.key'), '-out', f('root.pem'), '-days', '90', '-utf8', '-subj', '/DC=org/DC=example/CN=Example Root CA', '-addext', 'basicConstraints=critical,CA:true', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  ok('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('int.key'), '-out', f('int.csr'), '-utf8', '-subj', '/DC=org/DC=example/CN=Example Grid CA 1']);
  ok('openssl', ['x509', '-req', '-in', f('int.csr'), '-CA', f('root.pem'), '-CAkey', f('root.key'), '-CAcreateserial', '-out', f('int.pem'), '-days', '60', '-extfile', caExt]);
  ok('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', f('user.key')]);
  ok('openssl', ['req', '-new', '-key', f('user.key'), '-out', f('user.csr'), '-utf8', '-multivalue-rdn', '-subj', subject]);
  ok('openssl', ['x509', '-req', '-in', f('user.csr'), '-CA', f('int.pem'), '-CAkey', f('int.key'), '-CAcreateserial', '-out', f('user.pem'), '-days', String(days), '-extfile', userExt]);
  writeFileSync(f('chain.pem'), readFileSync(f('int.pem'), 'utf8') + readFileSync(f('root.pem'), 'utf8'));
  const caDir = f('certificates');
  mkdirSync(caDir, { recursive: true });
  for (const [pem, name] of [[f('root.pem'), '/DC=org/DC=example/CN=Example Root CA'], [f('int.pem'), '/DC=org/DC=example/CN=Example Grid CA 1']]) {
    const hash = ok('openssl', ['x509', '-in', pem, '-noout', '-hash']).trim();
    writeFileSync(path.join(caDir, `${hash}.0`), readFileSync(pem));
    writeFileSync(path.join(caDir, `${hash}.signing_policy`), `access_id_CA X509 '${name}'\npos_rights globus CA:sign\ncond_subjects globus '"/DC=org/DC=example/*"'\n`);
  }
  return {
    dir,
    rootPem: readFileSync(f('root.pem'), 'utf8'),
    intermediatePem: readFileSync(f('int.pem'), 'utf8'),
    userPem: readFileSync(f('user.pem'), 'utf8'),
    userKeyPem: readFileSync(f('user.key'), 'utf8'),
    files: { root: f('root.pem'), intermediate: f('int.pem'), user: f('user.pem'), userKey: f('user.key'), chain: f('chain.pem') },
    caDir,
  };
}

/** A fresh NSS database (as `certutil -N --empty-password`). */
export function newNssDb(dir: string): string {
  mkdirSync(dir, { recursive: true });
  ok('certutil', ['-N', '-d', `sql:${dir}`, '--empty-password']);
  return `sql:${dir}`;
}
