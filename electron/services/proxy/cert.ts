import { createHash } from 'node:crypto';
import {
  TAG, children, content, decodeBitString, decodeBoolean, decodeInteger, decodeOid, decodeTime, expectTag, parseDer, readTlv, whole, type Tlv,
} from './der';
import { formatNameOneline, formatNameSlash, nameKey, parseNameTlv, type NameRdn } from './name';

export const OID = {
  proxyCertInfo: '1.3.6.1.5.5.7.1.14',
  proxyCertInfoGt3: '1.3.6.1.4.1.3536.1.222',
  pplInheritAll: '1.3.6.1.5.5.7.21.1',
  pplIndependent: '1.3.6.1.5.5.7.21.2',
  /** Globus limited-proxy policy language. */
  pplGlobusLimited: '1.3.6.1.4.1.3536.1.1.1.9',
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  certificatePolicies: '2.5.29.32',
  extKeyUsage: '2.5.29.37',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  vomsAc: '1.3.6.1.4.1.8005.100.100.5',
  rsaEncryption: '1.2.840.113549.1.1.1',
  ecPublicKey: '1.2.840.10045.2.1',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
} as const;

/** Signature algorithm OID → Node digest name and key kind (what path validation accepts). */
export const SIGNATURE_ALGORITHMS: Readonly<Record<string, { digest: string; key: 'rsa' | 'ec' }>> = {
  '1.2.840.113549.1.1.5': { digest: 'sha1', key: 'rsa' },
  '1.2.840.113549.1.1.11': { digest: 'sha256', key: 'rsa' },
  '1.2.840.113549.1.1.12': { digest: 'sha384', key: 'rsa' },
  '1.2.840.113549.1.1.13': { digest: 'sha512', key: 'rsa' },
  '1.2.840.10045.4.3.2': { digest: 'sha256', key: 'ec' },
  '1.2.840.10045.4.3.3': { digest: 'sha384', key: 'ec' },
  '1.2.840.10045.4.3.4': { digest: 'sha512', key: 'ec' },
};

export interface Extension {
  readonly oid: string;
  readonly critical: boolean;
  /** The extnValue OCTET STRING's content (the extension's own DER). */
  readonly value: Buffer;
}

export interface ProxyCertInfo {
  readonly critical: boolean;
  /** pCPathLenConstraint; undefined = unlimited. */
  readonly pathLength?: number;
  readonly policyLanguage: string;
}

/** A certificate parsed once; raw bytes kept for signatures and name matching. */
export interface ParsedCertificate {
  readonly der: Buffer;
  readonly tbs: Buffer;
  readonly serial: bigint;
  readonly serialHex: string;
  readonly signatureAlgorithm: string;
  readonly tbsSignatureAlgorithm: string;
  readonly signature: Buffer;
  readonly issuerDer: Buffer;
  readonly subjectDer: Buffer;
  readonly issuer: readonly NameRdn[];
  readonly subject: readonly NameRdn[];
  /** Unicode slash forms. */
  readonly issuerDn: string;
  readonly subjectDn: string;
  /** OpenSSL `X509_NAME_oneline` forms (what grid tools print). */
  readonly issuerOneline: string;
  readonly subjectOneline: string;
  readonly issuerKey: string;
  readonly subjectKey: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly spki: Buffer;
  readonly publicKeyAlgorithm: string;
  readonly extensions: readonly Extension[];
  readonly version: number;
  /** SHA-256 of the DER, hex. */
  readonly fingerprint: string;
}

export class CertificateParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CertificateParseError';
  }
}

export function parseCertificate(der: Buffer): ParsedCertificate {
  try {
    return parseCertificateUnchecked(der);
  } catch (e) {
    if (e instanceof CertificateParseError) throw e;
    throw new CertificateParseError(`not an X.509 certificate (${(e as Error).message})`);
  }
}

function algorithmOid(t: Tlv): string {
  const [o] = children(expectTag(t, TAG.SEQUENCE, 'AlgorithmIdentifier'));
  return decodeOid(expectTag(o, TAG.OID, 'algorithm'));
}

function parseCertificateUnchecked(der: Buffer): ParsedCertificate {
  const cert = expectTag(parseDer(der), TAG.SEQUENCE, 'Certificate');
  const [tbsT, sigAlgT, sigT] = children(cert);
  if (!tbsT || !sigAlgT || !sigT) throw new CertificateParseError('Certificate is incomplete');
  const tbsParts = children(expectTag(tbsT, TAG.SEQUENCE, 'TBSCertificate'));
  let i = 0;
  let version = 1;
  if (tbsParts[0]?.tag === 0xa0) {
    version = Number(decodeInteger(readTlv(der, tbsParts[0].contentStart, tbsParts[0].end))) + 1;
    i = 1;
  }
  const [serialT, tbsSigT, issuerT, validityT, subjectT, spkiT] = tbsParts.slice(i, i + 6);
  if (!spkiT) throw new CertificateParseError('TBSCertificate is incomplete');
  const [nb, na] = children(expectTag(validityT, TAG.SEQUENCE, 'Validity'));
  const extensions: Extension[] = [];
  for (const t of tbsParts.slice(i + 6)) {
    if (t.tag !== 0xa3) continue;
    const [list] = children(t);
    for (const ext of children(expectTag(list, TAG.SEQUENCE, 'Extensions'))) {
      const parts = children(ext);
      const o = decodeOid(parts[0]);
      const critical = parts.length === 3 ? decodeBoolean(parts[1]) : false;
      const value = content(expectTag(parts[parts.length - 1], TAG.OCTET_STRING, 'extnValue'));
      extensions.push({ oid: o, critical, value });
    }
  }
  const issuer = parseNameTlv(issuerT);
  const subject = parseNameTlv(subjectT);
  const serialBytes = content(expectTag(serialT, TAG.INTEGER, 'serialNumber'));
  const [spkiAlg] = children(expectTag(spkiT, TAG.SEQUENCE, 'SubjectPublicKeyInfo'));
  return {
    der,
    tbs: whole(tbsT),
    serial: decodeInteger(serialT),
    serialHex: serialBytes.toString('hex').toUpperCase(),
    signatureAlgorithm: algorithmOid(sigAlgT),
    tbsSignatureAlgorithm: algorithmOid(tbsSigT),
    signature: decodeBitString(expectTag(sigT, TAG.BIT_STRING, 'signature')).bytes,
    issuerDer: whole(issuerT),
    subjectDer: whole(subjectT),
    issuer,
    subject,
    issuerDn: formatNameSlash(issuer),
    subjectDn: formatNameSlash(subject),
    issuerOneline: formatNameOneline(issuer),
    subjectOneline: formatNameOneline(subject),
    issuerKey: nameKey(issuer),
    subjectKey: nameKey(subject),
    notBefore: decodeTime(nb),
    notAfter: decodeTime(na),
    spki: whole(spkiT),
    publicKeyAlgorithm: algorithmOid(spkiAlg),
    extensions,
    version,
    fingerprint: createHash('sha256').update(der).digest('hex'),
  };
}

export function findExtension(c: ParsedCertificate, oidStr: string): Extension | undefined {
  return c.extensions.find((e) => e.oid === oidStr);
}

/** Key usage bit names in RFC 5280 order. */
export const KEY_USAGE_BITS = [
  'digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement',
  'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly',
] as const;
export type KeyUsageBit = (typeof KEY_USAGE_BITS)[number];

/** Key usage bits set, or undefined when the extension is absent. */
export function keyUsage(c: ParsedCertificate): Set<KeyUsageBit> | undefined {
  const ext = findExtension(c, OID.keyUsage);
  if (!ext) return undefined;
  const { bytes } = decodeBitString(expectTag(parseDer(ext.value), TAG.BIT_STRING, 'keyUsage'));
  const out = new Set<KeyUsageBit>();
  KEY_USAGE_BITS.forEach((name, bit) => {
    const byte = bytes[bit >> 3] ?? 0;
    if (byte & (0x80 >> (bit & 7))) out.add(name);
  });
  return out;
}

export function basicConstraints(c: ParsedCertificate): { ca: boolean; pathLength?: number } | undefined {
  const ext = findExtension(c, OID.basicConstraints);
  if (!ext) return undefined;
  const parts = children(expectTag(parseDer(ext.value), TAG.SEQUENCE, 'basicConstraints'));
  let ca = false;
  let pathLength: number | undefined;
  for (const p of parts) {
    if (p.tag === TAG.BOOLEAN) ca = decodeBoolean(p);
    else if (p.tag === TAG.INTEGER) pathLength = Number(decodeInteger(p));
  }
  return { ca, pathLength };
}

/** RFC 3820 proxyCertInfo (or the pre-RFC GT3 one), when present. */
export function proxyCertInfo(c: ParsedCertificate): (ProxyCertInfo & { rfc: boolean }) | undefined {
  let ext = findExtension(c, OID.proxyCertInfo);
  let rfc = true;
  if (!ext) {
    ext = findExtension(c, OID.proxyCertInfoGt3);
    rfc = false;
  }
  if (!ext) return undefined;
  const parts = children(expectTag(parseDer(ext.value), TAG.SEQUENCE, 'ProxyCertInfo'));
  let pathLength: number | undefined;
  let policy: Tlv | undefined;
  for (const p of parts) {
    if (p.tag === TAG.INTEGER) pathLength = Number(decodeInteger(p));
    else if (p.tag === TAG.SEQUENCE) policy = p;
  }
  if (!policy) throw new CertificateParseError('proxyCertInfo has no ProxyPolicy');
  const [lang] = children(policy);
  return { critical: ext.critical, pathLength, policyLanguage: decodeOid(expectTag(lang, TAG.OID, 'policyLanguage')), rfc };
}

/** certificatePolicies policy OIDs (empty when absent). */
export function certificatePolicies(c: ParsedCertificate): string[] {
  const ext = findExtension(c, OID.certificatePolicies);
  if (!ext) return [];
  return children(parseDer(ext.value)).map((pi) => decodeOid(children(pi)[0]));
}

/** The value of the last RDN when it is a single CN, else undefined. */
export function lastCn(c: ParsedCertificate): string | undefined {
  const last = c.subject[c.subject.length - 1];
  return last && last.length === 1 && last[0].oid === '2.5.4.3' ? last[0].value : undefined;
}

/** Size of the public key in bits (RSA modulus or EC field). */
export function publicKeyBits(spki: Buffer): number {
  const [alg, bits] = children(parseDer(spki));
  const algOid = decodeOid(children(alg)[0]);
  if (algOid === OID.rsaEncryption) {
    const rsa = parseDer(decodeBitString(bits).bytes);
    const n = content(children(rsa)[0]);
    let start = 0;
    while (start < n.length && n[start] === 0) start++;
    const top = n[start] ?? 0;
    return (n.length - start - 1) * 8 + (top ? 32 - Math.clz32(top) : 0);
  }
  if (algOid === OID.ecPublicKey) {
    const point = decodeBitString(bits).bytes;
    return ((point.length - 1) / 2) * 8;
  }
  return 0;
}
