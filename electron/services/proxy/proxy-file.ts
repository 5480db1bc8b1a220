import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OnboardError } from '../../../shared/errors';
import { writeFileAtomic } from '../fs/atomic';
import { proxyCertInfo, type ParsedCertificate } from './cert';
import { certificatesFromPem } from './cert-input';
import { isEncryptedKeyBlock, isPrivateKeyLabel, pemBlocks } from './pem';

/** `$X509_USER_PROXY`, else `/tmp/x509up_u<uid>` (what every grid tool looks for). */
export function defaultProxyPath(env: NodeJS.ProcessEnv = process.env, uid: number = process.getuid?.() ?? 0, tmpDir = '/tmp'): string {
  if (env.X509_USER_PROXY) return env.X509_USER_PROXY;
  return path.join(process.platform === 'win32' ? os.tmpdir() : tmpDir, `x509up_u${uid}`);
}

/** `$X509_USER_CERT` / `$X509_USER_KEY`, else `~/.globus/usercert.pem` / `userkey.pem`. */
export function defaultUserCredentialPaths(env: NodeJS.ProcessEnv = process.env, home = env.HOME ?? os.homedir()): { certFile: string; keyFile: string } {
  return {
    certFile: env.X509_USER_CERT ?? path.join(home, '.globus', 'usercert.pem'),
    keyFile: env.X509_USER_KEY ?? path.join(home, '.globus', 'userkey.pem'),
  };
}

/** `$X509_CERT_DIR`, else `~/.globus/certificates` when present, else `/etc/grid-security/certificates`. */
export async function defaultTrustDir(env: NodeJS.ProcessEnv = process.env, home = env.HOME ?? os.homedir()): Promise<string> {
  if (env.X509_CERT_DIR) return env.X509_CERT_DIR;
  const mine = path.join(home, '.globus', 'certificates');
  try {
    if ((await fsp.stat(mine)).isDirectory()) return mine;
  } catch {
    // fall through to the system location
  }
  return '/etc/grid-security/certificates';
}

export interface ProxyFileContents {
  /** Leaf first, as in the file. */
  readonly certificates: readonly ParsedCertificate[];
  /** The unencrypted private key PEM block, when the file has one. */
  readonly privateKeyPem?: string;
  /** Index of the certificate the key follows (grid tools: the key comes right after the proxy certificate). */
  readonly keyAfter?: number;
}

/** Splits a proxy file (or any PEM chain) into its certificates and key. */
export function parseProxyFile(text: string, file = 'the proxy file'): ProxyFileContents {
  const blocks = pemBlocks(text);
  const certificates = certificatesFromPem(text, file);
  if (certificates.length === 0) throw new OnboardError('PROXY_FILE_INVALID', { file, detail: 'it holds no certificate' });
  let certsSeen = 0;
  let keyAfter: number | undefined;
  let privateKeyPem: string | undefined;
  for (const b of blocks) {
    if (isPrivateKeyLabel(b.label) && privateKeyPem === undefined) {
      if (isEncryptedKeyBlock(b)) throw new OnboardError('PROXY_FILE_INVALID', { file, detail: 'its private key is encrypted (a proxy key never is; is this userkey.pem?)' });
      privateKeyPem = b.text;
      keyAfter = certsSeen - 1;
    } else if (b.label.endsWith('CERTIFICATE')) certsSeen++;
  }
  return { certificates, privateKeyPem, keyAfter };
}

export async function readProxyFile(file: string): Promise<ProxyFileContents & { text: string }> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new OnboardError('PROXY_FILE_NOT_FOUND', { file });
    throw new OnboardError('IO_ERROR', { action: 'read', path: file, detail: (e as Error).message });
  }
  return { ...parseProxyFile(text, file), text };
}

async function isReplaceableProxy(file: string): Promise<boolean> {
  try {
    const text = await fsp.readFile(file, 'utf8');
    const parsed = parseProxyFile(text, file);
    return proxyCertInfo(parsed.certificates[0]) !== undefined;
  } catch {
    return false;
  }
}

/**
 * What writing a proxy to `file` does to what is there: an existing proxy is replaced (as
 * grid-proxy-init does); anything else (a user key given as --out by mistake) is kept as a backup.
 */
export async function proxyFileWritePolicy(file: string): Promise<'replace' | 'backup'> {
  return (await isReplaceableProxy(file)) ? 'replace' : 'backup';
}

/**
 * Writes a proxy file atomically with mode 0600. An existing proxy is replaced; anything else at
 * that path is kept as `<name>.bak-<stamp>` — never lost. `policy` is proxyFileWritePolicy(file),
 * when the caller looked while doing something else (the CLI does, while the proxy key is made).
 */
export async function writeProxyFile(file: string, pem: string, policy?: Promise<'replace' | 'backup'>): Promise<{ path: string; backupPath?: string }> {
  const existing = await (policy ?? proxyFileWritePolicy(file));
  try {
    return await writeFileAtomic(file, pem, { mode: 0o600, existing });
  } catch (e) {
    throw new OnboardError('IO_ERROR', { action: 'write', path: file, detail: (e as Error).message });
  }
}
