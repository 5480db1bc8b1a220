import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { OnboardError } from '../../../shared/errors';
import type { ParsedCertificate } from './cert';
import { certificatesFromPem } from './cert-input';
import { parseCrl, type ParsedCrl } from './crl';
import { pemBlocks } from './pem';

/** Trusted CA certificates from an X509_CERT_DIR-style folder, indexed for path building. */
export interface TrustStore {
  readonly dir: string;
  readonly certificates: readonly ParsedCertificate[];
  /** Subject comparison key → certificates with that subject (CA rollover: several). */
  readonly bySubject: ReadonlyMap<string, readonly ParsedCertificate[]>;
  readonly fingerprints: ReadonlySet<string>;
  /** Globus signing policies: CA subject key → allowed subject patterns (oneline form, `*` wildcards). */
  readonly signingPolicies: ReadonlyMap<string, readonly string[]>;
  /** CRLs (`<hash>.rN`) by issuer subject key. */
  readonly crls: ReadonlyMap<string, readonly ParsedCrl[]>;
}

export function makeTrustStore(
  certificates: readonly ParsedCertificate[], dir = '(in memory)', signingPolicies = new Map<string, string[]>(), crlList: readonly ParsedCrl[] = [],
): TrustStore {
  const crls = new Map<string, ParsedCrl[]>();
  for (const c of crlList) crls.set(c.issuerKey, [...(crls.get(c.issuerKey) ?? []), c]);
  const bySubject = new Map<string, ParsedCertificate[]>();
  for (const c of certificates) {
    const list = bySubject.get(c.subjectKey) ?? [];
    list.push(c);
    bySubject.set(c.subjectKey, list);
  }
  return { dir, certificates, bySubject, fingerprints: new Set(certificates.map((c) => c.fingerprint)), signingPolicies, crls };
}

/**
 * Reads a `.signing_policy` file (EACL format):
 * `access_id_CA X509 '/C=…/CN=CA'` · `pos_rights globus CA:sign` · `cond_subjects globus '"/C=…/*" "/O=…/*"'`.
 * Returns the CA's oneline DN → subject patterns.
 */
export function parseSigningPolicy(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let ca: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const access = line.match(/^access_id_CA\s+X509\s+'([^']*)'/);
    if (access) {
      ca = access[1];
      continue;
    }
    const cond = line.match(/^cond_subjects\s+globus\s+'(.*)'\s*$/);
    if (cond && ca) {
      const patterns = [...cond[1].matchAll(/"([^"]*)"/g)].map((m) => m[1]);
      out.set(ca, [...(out.get(ca) ?? []), ...patterns]);
    }
  }
  return out;
}

/** Globus signing-policy glob: `*` matches any run of characters, `?` one. */
export function signingPolicyMatches(pattern: string, subjectOneline: string): boolean {
  const re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
  return re.test(subjectOneline);
}

const cache = new Map<string, { stamp: string; store: TrustStore }>();

/**
 * Loads `<hash>.N` certificates, `<hash>.rN` CRLs and `<hash>.signing_policy` files. Cached per folder until its
 * modification time changes (installing a CA updates it), so repeated verifications are cheap.
 */
export async function loadTrustDir(dir: string): Promise<TrustStore> {
  let names: string[];
  let stamp: string;
  try {
    const st = await fsp.stat(dir);
    if (!st.isDirectory()) throw new Error('it is not a folder');
    names = (await fsp.readdir(dir)).sort();
    stamp = `${st.mtimeMs}:${names.length}`;
  } catch (e) {
    const detail = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (e as Error).message;
    throw new OnboardError('PROXY_TRUST_DIR_INVALID', { dir, detail });
  }
  const hit = cache.get(dir);
  if (hit && hit.stamp === stamp) return hit.store;
  const certs: ParsedCertificate[] = [];
  const policies = new Map<string, string[]>();
  const crlList: ParsedCrl[] = [];
  for (const name of names) {
    if (/^[0-9a-f]{8}\.\d+$/.test(name)) {
      try {
        certs.push(...certificatesFromPem(await fsp.readFile(path.join(dir, name), 'utf8'), name));
      } catch {
        // An unreadable file in a shared trust folder must not stop every verification.
      }
    } else if (/^[0-9a-f]{8}\.r\d+$/.test(name)) {
      try {
        for (const b of pemBlocks(await fsp.readFile(path.join(dir, name), 'utf8'))) if (b.label === 'X509 CRL') crlList.push(parseCrl(b.der));
      } catch {
        // An unreadable CRL is reported as missing revocation information, not a crash.
      }
    } else if (/^[0-9a-f]{8}\.signing_policy$/.test(name)) {
      for (const [ca, pats] of parseSigningPolicy(await fsp.readFile(path.join(dir, name), 'utf8').catch(() => ''))) {
        policies.set(ca, [...(policies.get(ca) ?? []), ...pats]);
      }
    }
  }
  if (certs.length === 0) throw new OnboardError('PROXY_TRUST_DIR_INVALID', { dir, detail: 'it holds no <hash>.0 CA certificates' });
  // Key the policies by the CA certificate's subject key (the file names the CA in oneline form).
  const byKey = new Map<string, string[]>();
  for (const c of certs) {
    const pats = policies.get(c.subjectOneline);
    if (pats) byKey.set(c.subjectKey, pats);
  }
  const store = makeTrustStore(certs, dir, byKey, crlList);
  cache.set(dir, { stamp, store });
  return store;
}
