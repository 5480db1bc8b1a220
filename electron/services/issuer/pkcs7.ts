import forge from 'node-forge';
import { DerError, TAG, children, decodeOid, explicit, expectChildren, oid, raw, readOne, seq, set, smallInteger, tlv, type Tlv } from './der';

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_DATA = '1.2.840.113549.1.7.1';

/**
 * A degenerate ("certs-only") PKCS#7 SignedData holding these certificates, as EST's
 * `/cacerts` and `/simpleenroll` answer (RFC 7030 §4.1.3, §4.2.3). Certificates are copied
 * byte for byte.
 */
export function encodeCertsOnly(certsDer: readonly Uint8Array[]): Buffer {
  const signedData = seq(
    smallInteger(1),
    set(),
    seq(oid(OID_DATA)),
    tlv(0xa0, ...certsDer),
    set(),
  );
  return seq(oid(OID_SIGNED_DATA), explicit(0, signedData));
}

/** BER (indefinite lengths, as some servers send) re-written with definite lengths. */
function berToDer(bytes: Uint8Array): Buffer {
  try {
    // The typings only know the boolean form; the options object is forge's documented API.
    const fromDer = forge.asn1.fromDer as unknown as (b: forge.util.ByteStringBuffer, o: object) => forge.asn1.Asn1;
    const parsed = fromDer(forge.util.createBuffer(Buffer.from(bytes).toString('binary')), { strict: false, decodeBitStrings: false });
    return Buffer.from(forge.asn1.toDer(parsed).getBytes(), 'binary');
  } catch (e) {
    throw new DerError(`not a PKCS#7 structure (${(e as Error).message})`);
  }
}

/** Reads the certificates (DER, as sent) out of a certs-only PKCS#7 given as DER or BER. */
export function decodeCertsOnly(bytes: Uint8Array): Buffer[] {
  let top: Tlv;
  try {
    top = readOne(bytes, TAG.SEQUENCE);
  } catch {
    top = readOne(berToDer(bytes), TAG.SEQUENCE);
  }
  const [typeTlv, wrapped] = expectChildren(top, TAG.SEQUENCE, 2, 'ContentInfo');
  const type = decodeOid(typeTlv);
  if (type !== OID_SIGNED_DATA) throw new DerError(`the PKCS#7 content is ${type}, not SignedData`);
  if (wrapped.tag !== 0xa0) throw new DerError('ContentInfo has no content');
  const [signedData] = children(wrapped);
  const parts = expectChildren(signedData, TAG.SEQUENCE, 3, 'SignedData');
  const certSet = parts.find((p) => p.tag === 0xa0);
  if (!certSet) return [];
  return children(certSet)
    .filter((c) => c.tag === TAG.SEQUENCE)
    .map(raw);
}

/**
 * EST answers are base64 of the DER (Content-Transfer-Encoding: base64); some servers send raw
 * DER or PEM instead. Returns the DER.
 */
export function estBodyToDer(body: Uint8Array): Buffer {
  const b = Buffer.from(body);
  if (b[0] === TAG.SEQUENCE) return b;
  const text = b.toString('latin1').replace(/-----(BEGIN|END) [A-Z0-9 ]+-----/g, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) throw new DerError('the answer is neither base64 nor DER');
  return Buffer.from(text, 'base64');
}

/** base64 with 64-column LF lines (what `base64 -d` and `openssl base64 -d` read). */
export function base64Lines(der: Uint8Array): string {
  return (Buffer.from(der).toString('base64').match(/.{1,64}/g) ?? []).join('\n') + '\n';
}
