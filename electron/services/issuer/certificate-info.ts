import { X509Certificate } from 'node:crypto';
import { formatSlashDn } from '../../../shared/dn';
import { TAG, content, decodeTime, derToPem, expectChildren, raw, readOne } from './der';
import { spkiFingerprint } from './csr-info';
import { decodeName } from './x509-name';

/** Public facts about a certificate a CA returned (safe to show and to send over the contract). */
export interface CertificateInfo {
  /** PEM (LF), the DER exactly as the CA sent it. */
  readonly pem: string;
  /** Subject in the grid slash form. */
  readonly subject: string;
  readonly issuer: string;
  /** Serial number, upper-case hex. */
  readonly serial: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** SHA-256 fingerprint of the certificate, `AA:BB:…`. */
  readonly fingerprint256: string;
  /** SHA-256 of the SubjectPublicKeyInfo, lower-case hex (matches the CSR's). */
  readonly keyFingerprint: string;
  readonly isCa: boolean;
}

/** The pieces of a certificate's TBS we read ourselves (names raw, not re-encoded). */
export function certificateParts(der: Uint8Array) {
  const top = readOne(der, TAG.SEQUENCE);
  const [tbs] = expectChildren(top, TAG.SEQUENCE, 3, 'Certificate');
  const f = expectChildren(tbs, TAG.SEQUENCE, 6, 'TBSCertificate');
  const i = f[0].tag === 0xa0 ? 1 : 0;
  const [notBefore, notAfter] = expectChildren(f[i + 3], TAG.SEQUENCE, 2, 'Validity');
  return {
    serialHex: content(f[i]).toString('hex').replace(/^(00)+(?=.)/, '').toUpperCase(),
    issuerDer: raw(f[i + 2]),
    issuer: decodeName(f[i + 2]),
    notBefore: decodeTime(notBefore),
    notAfter: decodeTime(notAfter),
    subjectDer: raw(f[i + 4]),
    subject: decodeName(f[i + 4]),
    spkiDer: raw(f[i + 5]),
    extensions: f.slice(i + 6).find((t) => t.tag === 0xa3),
  };
}

export function describeCertificate(der: Uint8Array): CertificateInfo {
  const p = certificateParts(der);
  const x = new X509Certificate(Buffer.from(der));
  return {
    pem: derToPem(der, 'CERTIFICATE'),
    subject: formatSlashDn(p.subject),
    issuer: formatSlashDn(p.issuer),
    serial: p.serialHex,
    notBefore: p.notBefore.toISOString(),
    notAfter: p.notAfter.toISOString(),
    fingerprint256: x.fingerprint256,
    keyFingerprint: spkiFingerprint(p.spkiDer),
    isCa: x.ca,
  };
}
