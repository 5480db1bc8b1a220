import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { Dn } from '../../../shared/dn';
import { DerError, TAG, children, content, decodeOid, expectChildren, raw, readOne, readTlv } from './der';
import { attributeValues, decodeName } from './x509-name';

/** What a PKCS#10 request says, read from its DER. */
export interface CsrInfo {
  readonly subject: Dn;
  /** SubjectPublicKeyInfo, byte for byte. */
  readonly spkiDer: Buffer;
  /** SHA-256 of the SubjectPublicKeyInfo, lower-case hex: the request's identity in EST polling. */
  readonly keyFingerprint: string;
  readonly publicKey: KeyObject;
  readonly keyType: string;
  /** RSA modulus bits, or the EC curve's size. */
  readonly keyBits: number | undefined;
  readonly namedCurve: string | undefined;
  /** E-mail addresses from the subject (emailAddress) and the requested subjectAltName. */
  readonly emails: readonly string[];
  readonly signatureAlgorithm: string;
  /** Whether the request is signed by the key it carries (proof of possession). */
  readonly signatureValid: boolean;
}

const SIGNATURE_HASH: Readonly<Record<string, string | null>> = {
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.3.101.112': null, // Ed25519
};

const OID_EXTENSION_REQUEST = '1.2.840.113549.1.9.14';
const OID_SUBJECT_ALT_NAME = '2.5.29.17';

/** SHA-256 of a SubjectPublicKeyInfo, lower-case hex. */
export function spkiFingerprint(spkiDer: Uint8Array): string {
  return createHash('sha256').update(spkiDer).digest('hex');
}

function requestedEmails(attributes: Buffer | undefined): string[] {
  if (!attributes) return [];
  const out: string[] = [];
  const attrSet = readOne(attributes);
  for (const attr of children(attrSet)) {
    const [typeTlv, valuesTlv] = expectChildren(attr, TAG.SEQUENCE, 2, 'Attribute');
    if (decodeOid(typeTlv) !== OID_EXTENSION_REQUEST) continue;
    for (const exts of children(valuesTlv)) {
      for (const ext of expectChildren(exts, TAG.SEQUENCE, 0, 'Extensions')) {
        const parts = expectChildren(ext, TAG.SEQUENCE, 2, 'Extension');
        if (decodeOid(parts[0]) !== OID_SUBJECT_ALT_NAME) continue;
        const names = readOne(content(parts[parts.length - 1]), TAG.SEQUENCE);
        for (const gn of children(names)) if (gn.tag === 0x81) out.push(content(gn).toString('ascii'));
      }
    }
  }
  return out;
}

/**
 * Reads a DER PKCS#10 request and checks its signature with Node's crypto. Throws DerError when
 * the bytes are not a certification request.
 */
export function parseCsr(der: Uint8Array): CsrInfo {
  const top = readOne(der);
  const [infoTlv, algTlv, sigTlv] = expectChildren(top, TAG.SEQUENCE, 3, 'CertificationRequest');
  const info = expectChildren(infoTlv, TAG.SEQUENCE, 3, 'CertificationRequestInfo');
  if (info[0].tag !== TAG.INTEGER || !content(info[0]).equals(Buffer.from([0]))) throw new DerError('only version 1 requests are supported');
  const subject = decodeName(info[1]);
  const spkiDer = raw(info[2]);
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: spkiDer, format: 'der', type: 'spki' });
  } catch (e) {
    throw new DerError(`the public key cannot be read (${(e as Error).message})`);
  }
  const attrs = info[3] && info[3].tag === 0xa0 ? Buffer.concat([Buffer.from([TAG.SET]), raw(info[3]).subarray(1)]) : undefined;
  const signatureAlgorithm = decodeOid(expectChildren(algTlv, TAG.SEQUENCE, 1, 'AlgorithmIdentifier')[0]);
  if (sigTlv.tag !== TAG.BIT_STRING) throw new DerError('signature is not a BIT STRING');
  const sig = content(sigTlv).subarray(1);
  let signatureValid = false;
  if (signatureAlgorithm in SIGNATURE_HASH) {
    try {
      signatureValid = verify(SIGNATURE_HASH[signatureAlgorithm], raw(infoTlv), publicKey, sig);
    } catch {
      signatureValid = false;
    }
  }
  const details = publicKey.asymmetricKeyDetails ?? {};
  const emails = [...attributeValues(subject, 'emailAddress'), ...requestedEmails(attrs)];
  return {
    subject,
    spkiDer,
    keyFingerprint: spkiFingerprint(spkiDer),
    publicKey,
    keyType: publicKey.asymmetricKeyType ?? 'unknown',
    keyBits: details.modulusLength ?? (details.namedCurve === 'prime256v1' ? 256 : details.namedCurve === 'secp384r1' ? 384 : undefined),
    namedCurve: details.namedCurve,
    emails: [...new Set(emails.map((e) => e.trim()).filter(Boolean))],
    signatureAlgorithm,
    signatureValid,
  };
}

/** Accepts DER, base64 (EST's wire form) or PEM and returns DER. */
export function csrToDer(input: Uint8Array | string): Buffer {
  if (typeof input !== 'string') {
    const b = Buffer.from(input);
    // Already DER when it starts with a SEQUENCE that spans the buffer.
    try {
      if (b[0] === TAG.SEQUENCE && readTlv(b).end === b.length) return b;
    } catch {
      /* not DER: read as text */
    }
    return csrToDer(b.toString('latin1'));
  }
  const text = input.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length === 0) throw new DerError('the request is neither DER, base64 nor PEM');
  return Buffer.from(text, 'base64');
}
