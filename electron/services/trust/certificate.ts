import { X509Certificate, createHash } from 'node:crypto';
import { formatSlashDn } from '../../../shared/dn';
import { certificateNames, decodeName, x509NameHash } from './name-hash';

/** What the UI and the targets need to know about one CA certificate (public data only). */
export interface CaCertificateInfo {
  /** Short display name: the subject's CN (or the whole subject). */
  readonly name: string;
  /** Subject in grid slash form, e.g. `/C=US/O=Internet2/CN=InCommon RSA IGTF Server CA 3`. */
  readonly subject: string;
  readonly issuer: string;
  /** SHA-256 of the DER, upper-case hex with colons (as `openssl x509 -fingerprint -sha256`). */
  readonly sha256: string;
  /** SHA-1 of the DER, upper-case hex without colons (as macOS `security` and Windows `certutil` print it). */
  readonly sha1: string;
  /** `openssl x509 -subject_hash`. */
  readonly subjectHash: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly selfSigned: boolean;
  readonly isCa: boolean;
}

/** A parsed CA certificate: public info plus the canonical PEM and DER. */
export interface ParsedCa extends CaCertificateInfo {
  /** Canonical PEM (LF line ends, 64-column base64, one trailing newline). */
  readonly pem: string;
  readonly der: Uint8Array;
}

/** `AB:CD:…` form; accepts any case, with or without colons/spaces. */
export function normalizeFingerprint(fp: string): string {
  const hex = fp.replace(/[\s:]/g, '').toUpperCase();
  return hex.match(/../g)?.join(':') ?? '';
}

export function sha256Fingerprint(der: Uint8Array): string {
  return normalizeFingerprint(createHash('sha256').update(der).digest('hex'));
}

const PEM_RE = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;

/** DER of every certificate in a PEM text, in order. */
export function pemBlocks(text: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const m of text.matchAll(PEM_RE)) {
    const b64 = m[1].replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw new Error('the PEM block has characters that are not base64');
    out.push(new Uint8Array(Buffer.from(b64, 'base64')));
  }
  return out;
}

export function derToPem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** Parses one certificate (PEM or DER). Throws a plain Error with a short reason when unreadable. */
export function parseCa(input: string | Uint8Array): ParsedCa {
  let der: Uint8Array;
  if (typeof input === 'string') {
    const blocks = pemBlocks(input);
    if (blocks.length !== 1) throw new Error(blocks.length === 0 ? 'no PEM certificate found' : 'more than one certificate in one entry');
    der = blocks[0];
  } else {
    der = input;
  }
  const x = new X509Certificate(der);
  const names = certificateNames(der);
  const subjectDn = decodeName(names.subject);
  const subject = formatSlashDn(subjectDn);
  const cn = [...subjectDn].reverse().flat().find((a) => a.type === 'CN')?.value;
  const selfSigned = Buffer.compare(Buffer.from(names.issuer), Buffer.from(names.subject)) === 0 && x.verify(x.publicKey);
  return {
    name: cn ?? subject,
    subject,
    issuer: formatSlashDn(decodeName(names.issuer)),
    sha256: sha256Fingerprint(der),
    sha1: createHash('sha1').update(der).digest('hex').toUpperCase(),
    subjectHash: x509NameHash(names.subject),
    notBefore: new Date(x.validFrom).toISOString(),
    notAfter: new Date(x.validTo).toISOString(),
    selfSigned,
    isCa: x.ca,
    pem: derToPem(der),
    der,
  };
}

/** Public part only (what crosses the contract). */
export function publicInfo(ca: ParsedCa): CaCertificateInfo {
  const { name, subject, issuer, sha256, sha1, subjectHash, notBefore, notAfter, selfSigned, isCa } = ca;
  return { name, subject, issuer, sha256, sha1, subjectHash, notBefore, notAfter, selfSigned, isCa };
}
