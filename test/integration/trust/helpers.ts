import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sha256Fingerprint, pemBlocks } from '../../../electron/services/trust/certificate';

/** Runs a real program; returns stdout (throws with stderr on failure). */
export function sh(cmd: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}): string {
  return execFileSync(cmd, args, { encoding: 'utf8', env: opts.env ?? process.env, input: opts.input, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Like sh, but returns the exit code and both streams instead of throwing. */
export function shStatus(cmd: string, args: readonly string[], env?: NodeJS.ProcessEnv): { code: number; out: string } {
  try {
    return { code: 0, out: execFileSync(cmd, args, { encoding: 'utf8', env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string };
    return { code: err.status ?? 1, out: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `osg-trust-${prefix}-`));
}

export function rmrf(...dirs: string[]): void {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}

export interface TestCa {
  readonly dir: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly pem: string;
  readonly sha256: string;
  readonly subject: string;
}

/** A self-signed CA made by openssl (EC P-256: fast), subject in slash form. */
export function makeCa(dir: string, name: string, subject: string): TestCa {
  const keyFile = path.join(dir, `${name}.key`);
  const certFile = path.join(dir, `${name}.pem`);
  sh('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', keyFile]);
  sh('openssl', [
    'req', '-x509', '-new', '-key', keyFile, '-out', certFile, '-days', '30', '-utf8', '-subj', subject,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const pem = readFileSync(certFile, 'utf8');
  return { dir, certFile, keyFile, pem, sha256: sha256Fingerprint(pemBlocks(pem)[0]), subject };
}

/** A leaf certificate signed by `ca`. */
export function makeLeaf(ca: TestCa, name: string, subject: string): string {
  const keyFile = path.join(ca.dir, `${name}.key`);
  const csr = path.join(ca.dir, `${name}.csr`);
  const certFile = path.join(ca.dir, `${name}.pem`);
  const ext = path.join(ca.dir, `${name}.ext`);
  writeFileSync(ext, 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n');
  sh('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyFile, '-out', csr, '-subj', subject]);
  sh('openssl', ['x509', '-req', '-in', csr, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-CAcreateserial', '-out', certFile, '-days', '5', '-extfile', ext]);
  return certFile;
}

/** `certutil -L` of a db as nickname → trust. */
export function nssList(db: string): Map<string, string> {
  const out = sh('certutil', ['-L', '-d', db]);
  const map = new Map<string, string>();
  for (const line of out.split('\n')) {
    const m = /^(.*\S)\s+([A-Za-z]*,[A-Za-z]*,[A-Za-z]*)\s*$/.exec(line);
    if (m && m[1] !== 'SSL,S/MIME,JAR/XPI') map.set(m[1], m[2]);
  }
  return map;
}

/** Every file under a folder, relative, sorted (to compare before/after). */
export function listTree(root: string): string[] {
  try {
    return sh('find', [root, '-mindepth', '1']).split('\n').filter(Boolean).map((p) => path.relative(root, p)).sort();
  } catch {
    return [];
  }
}
