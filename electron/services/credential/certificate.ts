/** X.509 certificates: reading (PEM or DER), the facts the UI shows, validity and chain order. */
import { X509Certificate, createHash } from 'node:crypto';
import { formatSlashDn, type Dn } from '../../../shared/dn';
import { OnboardError, isOnboardError } from '../../../shared/errors';
import { Asn1Error, CLASS, expectSequence, parseAsn1 } from './asn1';
import { decodeName } from './name';
import { checkSize, decodePem, encodePem, looksLikePem } from './pem';
import { describeKey, publicKeyFingerprint, type KeyDescription } from './keys';

/** Public facts about a certificate: safe to show and to send across the contract. */
export interface CertificateInfo {
  /** Grid slash form, e.g. `/DC=org/DC=cilogon/C=US/O=…/CN=…`. */
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** SHA-256 of the certificate DER, hex with colons. */
  readonly fingerprintSha256: string;
  readonly publicKeyFingerprint: string;
  readonly key: KeyDescription;
}

function certInvalid(what: string, detail: string, cause?: unknown): OnboardError {
  return new OnboardError('CERT_INVALID', { what, detail }, { cause });
}

function fromDer(der: Buffer, what: string): X509Certificate {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der);
  } catch (e) {
    throw certInvalid(what, 'the certificate data is damaged', e);
  }
  // Our own read of the names must succeed too (the UI shows them).
  try {
    certificateNames(cert);
  } catch (e) {
    throw certInvalid(what, 'its names cannot be read', e);
  }
  return cert;
}

/** Every certificate in a PEM text (any number of blocks) or one DER certificate. */
export function readCertificates(input: string | Uint8Array, what = 'the certificate file'): X509Certificate[] {
  checkSize(input, what);
  if (looksLikePem(input)) {
    const blocks = decodePem(input, what).filter((b) => b.label === 'CERTIFICATE' || b.label === 'X509 CERTIFICATE' || b.label === 'TRUSTED CERTIFICATE');
    if (blocks.length === 0) throw certInvalid(what, 'it holds no certificate');
    return blocks.map((b) => fromDer(b.der, what));
  }
  const der = Buffer.from(input as Uint8Array);
  if (der.length === 0) throw certInvalid(what, 'the file is empty');
  return [fromDer(der, what)];
}

/** Exactly one certificate. */
export function readCertificate(input: string | Uint8Array, what = 'the certificate file'): X509Certificate {
  const certs = readCertificates(input, what);
  if (certs.length !== 1) throw certInvalid(what, `it holds ${certs.length} certificates where one is expected`);
  return certs[0];
}

export function certificatePem(cert: X509Certificate): string {
  return encodePem('CERTIFICATE', cert.raw);
}

const nameCache = new WeakMap<X509Certificate, { subject: Dn; issuer: Dn }>();

/** Subject and issuer as `Dn`, read from the DER (Node's strings flatten multi-valued RDNs). */
export function certificateNames(cert: X509Certificate): { subject: Dn; issuer: Dn } {
  const cached = nameCache.get(cert);
  if (cached) return cached;
  const root = parseAsn1(cert.raw, { ber: false });
  const tbs = expectSequence(expectSequence(root, 'certificate', 3).children[0], 'certificate body', 6);
  const off = tbs.children[0].cls === CLASS.CONTEXT && tbs.children[0].tag === 0 ? 1 : 0;
  const issuerNode = tbs.children[off + 2];
  const subjectNode = tbs.children[off + 4];
  if (!issuerNode || !subjectNode) throw new Asn1Error('certificate names are missing');
  const names = { subject: decodeName(subjectNode), issuer: decodeName(issuerNode) };
  nameCache.set(cert, names);
  return names;
}

function colonHex(b: Buffer): string {
  return b.toString('hex').toUpperCase().match(/../g)!.join(':');
}

export function notAfter(cert: X509Certificate): Date {
  return new Date(cert.validTo);
}

export function notBefore(cert: X509Certificate): Date {
  return new Date(cert.validFrom);
}

export function certificateInfo(cert: X509Certificate): CertificateInfo {
  const names = certificateNames(cert);
  return {
    subject: formatSlashDn(names.subject),
    issuer: formatSlashDn(names.issuer),
    serialNumber: cert.serialNumber.toUpperCase(),
    notBefore: notBefore(cert).toISOString(),
    notAfter: notAfter(cert).toISOString(),
    fingerprintSha256: colonHex(createHash('sha256').update(cert.raw).digest()),
    publicKeyFingerprint: publicKeyFingerprint(cert.publicKey),
    key: describeKey(cert.publicKey),
  };
}

export function subjectOf(cert: X509Certificate): string {
  return formatSlashDn(certificateNames(cert).subject);
}

/** Throws CERT_EXPIRED / CERT_NOT_YET_VALID. */
export function checkValidity(cert: X509Certificate, now: Date): void {
  const subject = subjectOf(cert);
  if (now.getTime() > notAfter(cert).getTime()) {
    throw new OnboardError('CERT_EXPIRED', { subject, notAfter: notAfter(cert).toISOString() });
  }
  if (now.getTime() < notBefore(cert).getTime()) {
    throw new OnboardError('CERT_NOT_YET_VALID', { subject, notBefore: notBefore(cert).toISOString() });
  }
}

/** True when `issuer` issued `cert` (names match and the signature verifies). */
export function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

export function isSelfSigned(cert: X509Certificate): boolean {
  return issuedBy(cert, cert);
}

/**
 * Orders `candidates` into the chain above `leaf` (its issuer first, up to a self-signed root
 * or as far as the candidates go). Certificates that do not fit are returned apart.
 */
export function orderChain(leaf: X509Certificate, candidates: readonly X509Certificate[]): { chain: X509Certificate[]; unrelated: X509Certificate[] } {
  const left = candidates.filter((c) => !c.raw.equals(leaf.raw));
  const chain: X509Certificate[] = [];
  let current = leaf;
  while (left.length > 0 && !isSelfSigned(current)) {
    const i = left.findIndex((c) => issuedBy(current, c));
    if (i < 0) break;
    current = left.splice(i, 1)[0];
    chain.push(current);
  }
  // Duplicates of chain members are not "unrelated".
  const unrelated = left.filter((c) => !chain.some((x) => x.raw.equals(c.raw)));
  return { chain, unrelated };
}

/** Orders a chain given in any order; any certificate that does not fit is an error. */
export function requireOrderedChain(leaf: X509Certificate, candidates: readonly X509Certificate[]): X509Certificate[] {
  const { chain, unrelated } = orderChain(leaf, candidates);
  if (unrelated.length > 0) {
    const first = unrelated[0];
    let name = 'a certificate';
    try {
      name = subjectOf(first);
    } catch (e) {
      if (!isOnboardError(e)) name = 'a certificate';
    }
    throw new OnboardError('CHAIN_ORDER_INVALID', { detail: `${name} did not issue any certificate of the chain` });
  }
  return chain;
}

/** Checks an already ordered list (leaf first): each certificate is issued by the next. */
export function checkChainOrder(certs: readonly X509Certificate[]): void {
  for (let i = 0; i + 1 < certs.length; i++) {
    if (!issuedBy(certs[i], certs[i + 1])) {
      throw new OnboardError('CHAIN_ORDER_INVALID', {
        detail: `${subjectOf(certs[i + 1])} (position ${i + 2}) did not issue ${subjectOf(certs[i])}`,
      });
    }
  }
}
