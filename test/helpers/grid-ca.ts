// A test grid CA made with the real openssl CLI (an independent oracle for our DER code):
// root (and optional intermediate) CAs, user / robot / host certificates with any subject
// (UTF-8, multi-valued RDNs), any validity window, written to a temp X509_CERT_DIR with
// `<hash>.0` and `<hash>.signing_policy` as Globus expects.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface IssuedCert {
  readonly name: string;
  readonly subject: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly certPem: string;
  /** Unencrypted PKCS#8 key PEM. */
  readonly keyPem: string;
  /** The CA chain above this certificate (excluding the root), issuer first. */
  readonly chain: readonly IssuedCert[];
}

export interface IssueOptions {
  /** Grid slash form; UTF-8 and `+` multi-valued RDNs allowed. */
  readonly subject: string;
  readonly issuer?: IssuedCert;
  readonly ca?: boolean;
  readonly pathlen?: number;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** Extra extension lines for openssl's -extfile (e.g. `certificatePolicies=1.2.3`). */
  readonly extraExtensions?: readonly string[];
  /** Replace the default keyUsage line. */
  readonly keyUsage?: string;
  readonly bits?: number;
}

export interface GridCa {
  readonly dir: string;
  /** The X509_CERT_DIR: trusted roots with `.signing_policy`. */
  readonly trustDir: string;
  readonly root: IssuedCert;
  issue(name: string, opts: IssueOptions): IssuedCert;
  /** A self-signed root (not trusted unless `trust` is called). */
  makeRoot(name: string, subject: string, opts?: { pathlen?: number }): IssuedCert;
  /** Puts a CA into the trust folder, with a signing policy allowing `patterns` (default the CA's own O). */
  trust(ca: IssuedCert, patterns: readonly string[]): void;
  hash(cert: IssuedCert): string;
  /** Marks a certificate revoked in its issuer's database (publish with `publishCrl`). */
  revoke(cert: IssuedCert, issuer?: IssuedCert): void;
  /** Writes the CA's CRL as `<hash>.r0` into the trust folder. */
  publishCrl(issuer?: IssuedCert): void;
  /** Environment for grid tools: X509_CERT_DIR, no user proxy lookups elsewhere. */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  cleanup(): void;
}

const opensslTime = (d: Date) => d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';

function run(args: string[], cwd: string): string {
  return execFileSync('openssl', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function createGridCa(opts: { rootSubject?: string; rootPatterns?: readonly string[] } = {}): GridCa {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'osg-gridca-'));
  const trustDir = path.join(dir, 'certificates');
  mkdirSync(trustDir);
  let serial = 0x1000;

  const caConfig = (caName: string) => {
    const caDir = path.join(dir, `ca-${caName}`);
    mkdirSync(path.join(caDir, 'newcerts'), { recursive: true });
    writeFileSync(path.join(caDir, 'index.txt'), '');
    writeFileSync(path.join(caDir, 'index.txt.attr'), 'unique_subject = no\n');
    const cnf = path.join(caDir, 'ca.cnf');
    writeFileSync(
      cnf,
      [
        '[ ca ]', 'default_ca = CA_default', '[ CA_default ]', `dir = ${caDir}`, 'database = $dir/index.txt',
        'new_certs_dir = $dir/newcerts', 'serial = $dir/serial', 'default_md = sha256', 'policy = policy_any',
        'unique_subject = no', 'email_in_dn = no', 'default_days = 30', '[ policy_any ]', 'commonName = supplied',
        '[ req ]', 'distinguished_name = dn', '[ dn ]', '',
      ].join('\n'),
    );
    return { caDir, cnf };
  };

  const read = (name: string, certFile: string, keyFile: string, subject: string, chain: IssuedCert[]): IssuedCert => ({
    name, subject, certFile, keyFile, certPem: readFileSync(certFile, 'utf8'), keyPem: readFileSync(keyFile, 'utf8'), chain,
  });

  const roots = new Set<string>();
  const makeRoot = (name: string, subject: string, o: { pathlen?: number } = {}): IssuedCert => {
    roots.add(name);
    const keyFile = path.join(dir, `${name}.key`);
    const certFile = path.join(dir, `${name}.pem`);
    const bc = `basicConstraints=critical,CA:TRUE${o.pathlen !== undefined ? `,pathlen:${o.pathlen}` : ''}`;
    run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '60', '-utf8', '-multivalue-rdn',
      '-subj', subject, '-addext', bc, '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-addext', 'subjectKeyIdentifier=hash'], dir);
    chmodSync(keyFile, 0o600);
    return read(name, certFile, keyFile, subject, []);
  };

  const configs = new Map<string, { caDir: string; cnf: string }>();
  const issue = (name: string, o: IssueOptions): IssuedCert => {
    const issuer = o.issuer ?? root;
    let conf = configs.get(issuer.name);
    if (!conf) {
      conf = caConfig(issuer.name);
      configs.set(issuer.name, conf);
    }
    writeFileSync(path.join(conf.caDir, 'serial'), (serial++).toString(16).toUpperCase().padStart(4, '0') + '\n');
    const keyFile = path.join(dir, `${name}.key`);
    const csr = path.join(dir, `${name}.csr`);
    const certFile = path.join(dir, `${name}.pem`);
    run(['req', '-new', '-newkey', `rsa:${o.bits ?? 2048}`, '-nodes', '-keyout', keyFile, '-out', csr, '-utf8', '-multivalue-rdn', '-subj', o.subject], dir);
    chmodSync(keyFile, 0o600);
    const ext = path.join(dir, `${name}.ext`);
    const lines = o.ca
      ? [`basicConstraints=critical,CA:TRUE${o.pathlen !== undefined ? `,pathlen:${o.pathlen}` : ''}`, o.keyUsage ?? 'keyUsage=critical,keyCertSign,cRLSign']
      : ['basicConstraints=critical,CA:FALSE', o.keyUsage ?? 'keyUsage=critical,digitalSignature,keyEncipherment,dataEncipherment'];
    writeFileSync(ext, [...lines, 'authorityKeyIdentifier=keyid', ...(o.extraExtensions ?? [])].join('\n') + '\n');
    const notBefore = o.notBefore ?? new Date(Date.now() - 3600_000);
    const notAfter = o.notAfter ?? new Date(Date.now() + 30 * 86400_000);
    run(['ca', '-config', conf.cnf, '-batch', '-in', csr, '-out', certFile, '-cert', issuer.certFile, '-keyfile', issuer.keyFile,
      '-startdate', opensslTime(notBefore), '-enddate', opensslTime(notAfter), '-extfile', ext, '-preserveDN', '-notext', '-utf8', '-multivalue-rdn'], dir);
    // The chain a file should carry: intermediates only (roots come from the trust folder).
    const isRoot = roots.has(issuer.name);
    return read(name, certFile, keyFile, o.subject, isRoot ? [] : [issuer, ...issuer.chain]);
  };

  const confFor = (issuer: IssuedCert) => {
    let conf = configs.get(issuer.name);
    if (!conf) {
      conf = caConfig(issuer.name);
      configs.set(issuer.name, conf);
    }
    return conf;
  };
  const revoke = (cert: IssuedCert, issuer: IssuedCert = root) => {
    run(['ca', '-config', confFor(issuer).cnf, '-batch', '-revoke', cert.certFile, '-cert', issuer.certFile, '-keyfile', issuer.keyFile], dir);
  };
  const publishCrl = (issuer: IssuedCert = root) => {
    const out = path.join(trustDir, `${hash(issuer)}.r0`);
    run(['ca', '-config', confFor(issuer).cnf, '-batch', '-gencrl', '-crldays', '7', '-cert', issuer.certFile, '-keyfile', issuer.keyFile, '-out', out], dir);
  };
  const hash = (c: IssuedCert) => run(['x509', '-hash', '-noout', '-in', c.certFile], dir).trim();
  const trust = (ca: IssuedCert, patterns: readonly string[]) => {
    const h = hash(ca);
    copyFileSync(ca.certFile, path.join(trustDir, `${h}.0`));
    const caOneline = run(['x509', '-noout', '-subject', '-nameopt', 'compat', '-in', ca.certFile], dir).trim().replace(/^subject=/, '');
    writeFileSync(
      path.join(trustDir, `${h}.signing_policy`),
      `access_id_CA X509 '${caOneline}'\npos_rights globus CA:sign\ncond_subjects globus '${patterns.map((p) => `"${p}"`).join(' ')}'\n`,
    );
  };

  const root = makeRoot('root', opts.rootSubject ?? '/C=US/O=OSG Onboard Test/CN=OSG Onboard Test Root CA');
  trust(root, opts.rootPatterns ?? ['/C=US/O=OSG Onboard Test/*']);

  return {
    dir,
    trustDir,
    root,
    issue,
    makeRoot,
    trust,
    hash,
    revoke,
    publishCrl,
    env: (extra = {}) => ({
      PATH: process.env.PATH,
      HOME: dir,
      X509_CERT_DIR: trustDir,
      X509_VOMS_DIR: path.join(dir, 'vomsdir'),
      LANG: 'C.UTF-8',
      ...extra,
    }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Writes `cert + key (+ chain)` as a file grid tools accept as -cert/-key, mode 0600. */
export function writeCredentialFile(file: string, parts: readonly string[]): string {
  writeFileSync(file, parts.join(''), { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}
