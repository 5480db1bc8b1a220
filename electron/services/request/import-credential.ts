/**
 * "I already have a certificate": opens a credential the user brings — a .p12/.pfx (OpenSSL,
 * `-legacy`, pk12util/Firefox, browsers) or the grid tools' `~/.globus/usercert.pem` +
 * `userkey.pem` — and checks it before anything is stored: the key is whole and is the
 * certificate's, the certificate is valid now, the chain is in order, and its issuer is a CA the
 * app's installed trust knows. The source files are only read (never changed, never removed).
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { OnboardError, isOnboardError } from '../../../shared/errors';
import {
  certificateInfo,
  checkChainOrder,
  checkKeyConsistency,
  checkValidity,
  keyMatchesPublicKey,
  readCertificates,
  readPkcs12,
  readPrivateKeyPem,
  requireOrderedChain,
  MAX_CREDENTIAL_FILE_BYTES,
  type Progress,
} from '../credential';
import { issuedBy, subjectOf } from '../credential/certificate';
import { readAppTrust } from '../trust';

/** Less than this many days left: the Request step warns and offers renewal. */
export const RENEW_WARNING_DAYS = 30;

export type ImportSource = { readonly kind: 'p12'; readonly path: string } | { readonly kind: 'globus'; readonly dir?: string };

export interface OpenedCredential {
  readonly key: KeyObject;
  readonly certificate: X509Certificate;
  /** Issuers above the certificate, ordered (from the file, then the trusted CA when missing). */
  readonly chain: readonly X509Certificate[];
  /** The trusted CA that vouches for the chain. */
  readonly anchor: X509Certificate;
  /** As shown to the user and in the journal: a file name, or `~/…`. */
  readonly display: string;
  readonly fileName: string;
  readonly warnings: readonly string[];
}

/** `~/…` for a path under the home folder, the path itself otherwise. */
export function displayPath(file: string, homeDir: string): string {
  const rel = path.relative(homeDir, file);
  if (rel === '') return '~';
  if (!rel.startsWith('..') && !path.isAbsolute(rel)) return `~/${rel.split(path.sep).join('/')}`;
  return file;
}

/** A typed path: `~/x`, relative to the home folder, or absolute. */
export function resolveUserPath(raw: string, homeDir: string): string {
  const p = raw.trim();
  if (p.includes('\0')) throw new OnboardError('REQUEST_IMPORT_FILE', { path: raw, detail: 'the path contains a NUL character' });
  if (p === '~' || p.startsWith('~/')) return path.normalize(path.join(homeDir, p.slice(1)));
  return path.normalize(path.isAbsolute(p) ? p : path.join(homeDir, p));
}

/** Reads a small regular file (credential files are a few kilobytes). */
async function readSmallFile(file: string, shown: string): Promise<Buffer> {
  let st;
  try {
    st = await fsp.stat(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const detail = code === 'ENOENT' ? 'there is no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new OnboardError('REQUEST_IMPORT_FILE', { path: shown, detail });
  }
  if (st.isDirectory()) throw new OnboardError('REQUEST_IMPORT_FILE', { path: shown, detail: 'it is a folder; choose the .p12 file in it' });
  if (!st.isFile()) throw new OnboardError('REQUEST_IMPORT_FILE', { path: shown, detail: 'it is not a regular file' });
  if (st.size > MAX_CREDENTIAL_FILE_BYTES) throw new OnboardError('INPUT_TOO_LARGE', { what: shown, size: st.size, limit: MAX_CREDENTIAL_FILE_BYTES });
  try {
    return await fsp.readFile(file);
  } catch (e) {
    throw new OnboardError('REQUEST_IMPORT_FILE', { path: shown, detail: (e as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : (e as Error).message });
  }
}

/** The installed trust as certificates (unreadable entries skipped). */
async function trustAnchors(dataDir: string): Promise<X509Certificate[]> {
  const out: X509Certificate[] = [];
  for (const pem of await readAppTrust(dataDir)) {
    try {
      out.push(new X509Certificate(pem));
    } catch {
      // an entry the trust step could not have written; not an anchor
    }
  }
  return out;
}

/**
 * Walks from the certificate up the given chain until a certificate is issued by an installed
 * CA. Returns that CA and the chain up to it (the CA added when the file did not carry it).
 */
export function findTrustedIssuer(leaf: X509Certificate, chain: readonly X509Certificate[], anchors: readonly X509Certificate[]): { anchor: X509Certificate; chain: X509Certificate[] } | null {
  const above: X509Certificate[] = [];
  let current = leaf;
  for (let depth = 0; depth <= chain.length; depth++) {
    const anchor = anchors.find((a) => issuedBy(current, a));
    if (anchor) return { anchor, chain: above.some((c) => c.raw.equals(anchor.raw)) ? above : [...above, anchor] };
    const next = chain.find((c) => issuedBy(current, c) && !c.raw.equals(current.raw));
    if (!next) return null;
    above.push(next);
    current = next;
  }
  return null;
}

interface RawCredential {
  key: KeyObject;
  certificate: X509Certificate;
  chain: X509Certificate[];
  display: string;
  fileName: string;
  warnings: string[];
}

/** A folder holding exactly one .p12/.pfx stands for that file (what a folder picker gives). */
async function p12InFolder(file: string, homeDir: string): Promise<string> {
  const st = await fsp.stat(file).catch(() => undefined);
  if (!st?.isDirectory()) return file;
  const found = (await fsp.readdir(file).catch(() => [] as string[])).filter((n) => /\.(p12|pfx)$/i.test(n)).sort();
  if (found.length === 1) return path.join(file, found[0]);
  const detail = found.length === 0
    ? 'it is a folder with no .p12 or .pfx file in it'
    : `it is a folder with ${found.length} .p12/.pfx files (${found.slice(0, 5).join(', ')}${found.length > 5 ? ', …' : ''}); name one of them`;
  throw new OnboardError('REQUEST_IMPORT_FILE', { path: displayPath(file, homeDir), detail });
}

async function openP12(given: string, homeDir: string, password: string, onProgress?: Progress): Promise<RawCredential> {
  const file = await p12InFolder(given, homeDir);
  const display = displayPath(file, homeDir);
  const fileName = path.basename(file);
  const bytes = await readSmallFile(file, display);
  const contents = await readPkcs12(bytes, password, { what: fileName, onProgress });
  return { key: contents.key, certificate: contents.certificate, chain: [...contents.chain], display, fileName, warnings: [...contents.warnings] };
}

/** `usercert.pem` (the certificate, maybe followed by its chain) and `userkey.pem` (PKCS#1 or PKCS#8, usually encrypted). */
async function openGlobus(dir: string, homeDir: string, passphrase: string): Promise<RawCredential> {
  const display = displayPath(dir, homeDir);
  const certFile = path.join(dir, 'usercert.pem');
  const keyFile = path.join(dir, 'userkey.pem');
  for (const f of [certFile, keyFile]) {
    const st = await fsp.stat(f).catch(() => undefined);
    if (!st?.isFile()) throw new OnboardError('REQUEST_IMPORT_GLOBUS_MISSING', { dir: display, detail: `${path.basename(f)} is not there` });
  }
  const certPem = await readSmallFile(certFile, displayPath(certFile, homeDir));
  const keyPem = await readSmallFile(keyFile, displayPath(keyFile, homeDir));
  const certs = readCertificates(certPem, 'usercert.pem');
  const key = readPrivateKeyPem(keyPem, passphrase, 'userkey.pem', { allowUnencrypted: true });
  const i = certs.findIndex((c) => keyMatchesPublicKey(key, c.publicKey));
  if (i < 0) throw new OnboardError('KEY_CERT_MISMATCH', { subject: subjectOf(certs[0]) });
  const warnings: string[] = [];
  const text = keyPem.toString('utf8');
  if (!/ENCRYPTED/.test(text)) warnings.push('userkey.pem is not protected by a passphrase; the copy kept by OSG Onboard is encrypted.');
  return { key, certificate: certs[i], chain: requireOrderedChain(certs[i], certs.filter((_, k) => k !== i)), display, fileName: 'usercert.pem + userkey.pem', warnings };
}

/** Whether `~/.globus` (or `dir`) holds the pair, and what its certificate says (no passphrase needed). */
export async function probeGlobus(dir: string, homeDir: string): Promise<{ subject?: string; notAfter?: string; keyEncrypted: boolean; problem?: string } | null> {
  const cert = await fsp.readFile(path.join(dir, 'usercert.pem')).catch(() => undefined);
  const key = await fsp.readFile(path.join(dir, 'userkey.pem')).catch(() => undefined);
  if (!cert || !key) return null;
  const keyEncrypted = /ENCRYPTED/.test(key.toString('utf8'));
  try {
    const c = readCertificates(cert, 'usercert.pem')[0];
    return { subject: subjectOf(c), notAfter: new Date(c.validTo).toISOString(), keyEncrypted };
  } catch (e) {
    return { keyEncrypted, problem: isOnboardError(e) ? e.message : `${displayPath(dir, homeDir)}/usercert.pem cannot be read` };
  }
}

/** `.p12` / `.pfx` files directly in the home folder, ~/.globus and ~/Downloads (shown as `~/…`). */
export async function findP12Files(homeDir: string): Promise<string[]> {
  const out: string[] = [];
  for (const dir of [homeDir, path.join(homeDir, '.globus'), path.join(homeDir, 'Downloads')]) {
    const names = await fsp.readdir(dir).catch(() => [] as string[]);
    for (const n of names.sort()) if (/\.(p12|pfx)$/i.test(n)) out.push(displayPath(path.join(dir, n), homeDir));
    if (out.length >= 20) break;
  }
  return out.slice(0, 20);
}

/**
 * Opens and checks a credential. Throws typed errors (P12_WRONG_PASSWORD, KEY_PASSPHRASE_WRONG,
 * KEY_CERT_MISMATCH, REQUEST_IMPORT_EXPIRED, CHAIN_ORDER_INVALID, REQUEST_IMPORT_CA_NOT_TRUSTED…);
 * nothing is written.
 */
export async function openCredential(o: {
  readonly source: ImportSource;
  readonly password: string;
  readonly homeDir: string;
  readonly dataDir: string;
  readonly now: Date;
  readonly onProgress?: Progress;
}): Promise<OpenedCredential> {
  const raw = o.source.kind === 'p12'
    ? await openP12(resolveUserPath(o.source.path, o.homeDir), o.homeDir, o.password, o.onProgress)
    : await openGlobus(resolveUserPath(o.source.dir ?? '~/.globus', o.homeDir), o.homeDir, o.password);
  checkKeyConsistency(raw.key, raw.fileName, raw.certificate.publicKey);
  try {
    checkValidity(raw.certificate, o.now);
  } catch (e) {
    if (isOnboardError(e) && e.code === 'CERT_EXPIRED') {
      throw new OnboardError('REQUEST_IMPORT_EXPIRED', { subject: subjectOf(raw.certificate), source: raw.display, notAfter: new Date(raw.certificate.validTo).toISOString().slice(0, 10) });
    }
    throw e;
  }
  checkChainOrder([raw.certificate, ...raw.chain]);
  const trusted = findTrustedIssuer(raw.certificate, raw.chain, await trustAnchors(o.dataDir));
  if (!trusted) {
    const top = raw.chain.length ? raw.chain[raw.chain.length - 1] : raw.certificate;
    throw new OnboardError('REQUEST_IMPORT_CA_NOT_TRUSTED', { subject: subjectOf(raw.certificate), issuer: certificateInfo(top).issuer });
  }
  const warnings = [...raw.warnings];
  const daysLeft = Math.floor((new Date(raw.certificate.validTo).getTime() - o.now.getTime()) / 86_400_000);
  if (daysLeft < RENEW_WARNING_DAYS) warnings.push(`The certificate expires in ${daysLeft} day${daysLeft === 1 ? '' : 's'} (${new Date(raw.certificate.validTo).toISOString().slice(0, 10)}): renew it soon.`);
  // The stored chain stops below the anchor when the file did not carry it: keep the CA too, as a request does.
  return { key: raw.key, certificate: raw.certificate, chain: trusted.chain, anchor: trusted.anchor, display: raw.display, fileName: raw.fileName, warnings };
}
