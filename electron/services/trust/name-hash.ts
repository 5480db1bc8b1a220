import { createHash } from 'node:crypto';
import { attributeTypeOf, type Dn, type DnAttribute } from '../../../shared/dn';
import { DerError, TAG, children, compareDer, concatBytes, decodeOid, encodeTlv, parseDer, type Tlv } from './der';

/**
 * OpenSSL's subject-name hash (`openssl x509 -subject_hash`, the `<hash>.0` file names of an
 * X509_CERT_DIR), computed the way OpenSSL 1.0+ does in X509_NAME_hash_ex / x509_name_canon:
 * - every string value of the types below is converted to UTF-8, leading and trailing
 *   whitespace dropped, inner runs of whitespace collapsed to one space, ASCII lower-cased
 *   (non-ASCII bytes are kept as they are), and re-encoded as a UTF8String;
 * - values of other types are kept verbatim;
 * - each RDN is re-encoded as a DER SET (elements sorted), and the SETs are concatenated
 *   WITHOUT the outer SEQUENCE header;
 * - the hash is the first 4 bytes of SHA-1 over that, read little-endian.
 */

/** Value types OpenSSL canonicalises (ASN1_MASK_CANON). */
const CANON_TYPES = new Set<number>([
  TAG.UTF8_STRING,
  TAG.BMP_STRING,
  TAG.UNIVERSAL_STRING,
  TAG.PRINTABLE_STRING,
  TAG.T61_STRING,
  TAG.IA5_STRING,
  TAG.VISIBLE_STRING,
]);

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** Decodes a directory string value to text as OpenSSL reads it (1-byte types as Latin-1). */
export function decodeStringValue(tag: number, content: Uint8Array): string {
  switch (tag) {
    case TAG.UTF8_STRING:
      try {
        return utf8Strict.decode(content);
      } catch {
        throw new DerError('a UTF8String is not valid UTF-8');
      }
    case TAG.BMP_STRING: {
      if (content.length % 2) throw new DerError('a BMPString has an odd length');
      let s = '';
      for (let i = 0; i < content.length; i += 2) {
        const cp = (content[i] << 8) | content[i + 1];
        if (cp >= 0xd800 && cp <= 0xdfff) throw new DerError('a BMPString holds a surrogate');
        s += String.fromCharCode(cp);
      }
      return s;
    }
    case TAG.UNIVERSAL_STRING: {
      if (content.length % 4) throw new DerError('a UniversalString length is not a multiple of 4');
      let s = '';
      for (let i = 0; i < content.length; i += 4) {
        const cp = ((content[i] << 24) | (content[i + 1] << 16) | (content[i + 2] << 8) | content[i + 3]) >>> 0;
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new DerError('a UniversalString holds an invalid character');
        s += String.fromCodePoint(cp);
      }
      return s;
    }
    default:
      // PrintableString, T61String, IA5String, VisibleString, NumericString…: one byte, one character.
      return Array.from(content, (b) => String.fromCharCode(b)).join('');
  }
}

const isSpace = (b: number) => b === 0x20 || (b >= 0x09 && b <= 0x0d);

/** asn1_string_canon on UTF-8 bytes. */
export function canonicalizeUtf8(bytes: Uint8Array): Uint8Array {
  let start = 0;
  let end = bytes.length;
  while (start < end && isSpace(bytes[start])) start++;
  while (end > start && isSpace(bytes[end - 1])) end--;
  const out: number[] = [];
  for (let i = start; i < end; ) {
    const b = bytes[i];
    if (b >= 0x80) {
      out.push(b);
      i++;
    } else if (isSpace(b)) {
      out.push(0x20);
      while (i < end && isSpace(bytes[i])) i++;
    } else {
      out.push(b >= 0x41 && b <= 0x5a ? b + 0x20 : b);
      i++;
    }
  }
  return Uint8Array.from(out);
}

interface NameEntry {
  readonly oid: Tlv;
  readonly value: Tlv;
}

function nameRdns(nameDer: Uint8Array): NameEntry[][] {
  const name = parseDer(nameDer);
  if (name.tag !== TAG.SEQUENCE) throw new DerError('a Name is not a SEQUENCE');
  return children(name).map((set) => {
    if (set.tag !== TAG.SET) throw new DerError('an RDN is not a SET');
    const entries = children(set).map((atv) => {
      if (atv.tag !== TAG.SEQUENCE) throw new DerError('an attribute is not a SEQUENCE');
      const parts = children(atv);
      if (parts.length !== 2 || parts[0].tag !== TAG.OID) throw new DerError('an attribute is not (type, value)');
      return { oid: parts[0], value: parts[1] };
    });
    if (entries.length === 0) throw new DerError('an RDN is empty');
    return entries;
  });
}

/** The canonical encoding OpenSSL hashes (x509_name_canon). */
export function canonicalNameEncoding(nameDer: Uint8Array): Uint8Array {
  const sets = nameRdns(nameDer).map((entries) => {
    const encoded = entries.map(({ oid, value }) => {
      let v: Uint8Array = value.raw;
      if (CANON_TYPES.has(value.tag)) {
        const text = decodeStringValue(value.tag, value.content);
        v = encodeTlv(TAG.UTF8_STRING, canonicalizeUtf8(new TextEncoder().encode(text)));
      }
      return encodeTlv(TAG.SEQUENCE, concatBytes([oid.raw, v]));
    });
    encoded.sort(compareDer);
    return encodeTlv(TAG.SET, concatBytes(encoded));
  });
  return concatBytes(sets);
}

/** `openssl x509 -subject_hash` of a Name given as DER: 8 lower-case hex digits. */
export function x509NameHash(nameDer: Uint8Array): string {
  const digest = createHash('sha1').update(canonicalNameEncoding(nameDer)).digest();
  return digest.readUInt32LE(0).toString(16).padStart(8, '0');
}

/** The TBSCertificate fields we need, as raw DER. */
export interface CertificateNames {
  readonly issuer: Uint8Array;
  readonly subject: Uint8Array;
}

/** Finds issuer and subject Names inside a certificate's DER without re-encoding them. */
export function certificateNames(certDer: Uint8Array): CertificateNames {
  const cert = parseDer(certDer);
  if (cert.tag !== TAG.SEQUENCE) throw new DerError('a certificate is not a SEQUENCE');
  const [tbs] = children(cert);
  if (!tbs || tbs.tag !== TAG.SEQUENCE) throw new DerError('no TBSCertificate');
  const fields = children(tbs);
  let i = 0;
  if (fields[0]?.tag === 0xa0) i++; // [0] EXPLICIT version
  // serialNumber, signature, issuer, validity, subject
  const issuer = fields[i + 2];
  const subject = fields[i + 4];
  if (!issuer || !subject || issuer.tag !== TAG.SEQUENCE || subject.tag !== TAG.SEQUENCE) {
    throw new DerError('issuer or subject missing in the TBSCertificate');
  }
  return { issuer: issuer.raw, subject: subject.raw };
}

/** `openssl x509 -subject_hash` of a certificate (DER). */
export function certificateSubjectHash(certDer: Uint8Array): string {
  return x509NameHash(certificateNames(certDer).subject);
}

/** A Name as RDNs (X.500 order) for display and for shared/dn.ts formatting. */
export function decodeName(nameDer: Uint8Array): Dn {
  return nameRdns(nameDer).map((entries) =>
    entries.map(({ oid, value }): DnAttribute => {
      const dotted = decodeOid(oid.content);
      const type = attributeTypeOf(dotted);
      const text = value.constructed ? `#${Buffer.from(value.raw).toString('hex')}` : decodeStringValue(value.tag, value.content);
      return { type, value: text };
    }),
  );
}
