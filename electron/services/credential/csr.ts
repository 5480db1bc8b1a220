/**
 * PKCS#10 certificate requests (RFC 2986), signed with SHA-256 by Node's native `crypto.sign`.
 * The subject is written from a `Dn` by `encodeName` (string types as CAs expect, multi-valued
 * RDNs kept), never re-encoded by a library.
 */
import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { formatSlashDn, type Dn } from '../../../shared/dn';
import { OnboardError, isOnboardError } from '../../../shared/errors';
import { Asn1Error, CLASS, TAG, contentBytes, der, expectSequence, expectTag, parseAsn1, rawBytes, readOid, readSmallInt } from './asn1';
import { describeKey, publicKeyFingerprint, spkiDer, type KeyDescription } from './keys';
import { decodeName, encodeName } from './name';
import { OID } from './oids';
import { checkSize, decodePem, encodePem, looksLikePem } from './pem';

export interface Csr {
  readonly pem: string;
  readonly der: Buffer;
}

function signatureAlgorithm(key: KeyObject): { algId: Buffer; sign: (data: Buffer) => Buffer } {
  if (key.asymmetricKeyType === 'rsa') {
    return { algId: der.sequence(der.oid(OID.sha256WithRsa), der.null()), sign: (d) => sign('sha256', d, key) };
  }
  if (key.asymmetricKeyType === 'ec') {
    return { algId: der.sequence(der.oid(OID.ecdsaWithSha256)), sign: (d) => sign('sha256', d, { key, dsaEncoding: 'der' }) };
  }
  throw new OnboardError('KEY_INVALID', { what: 'the request key', detail: `${key.asymmetricKeyType} keys cannot sign a request here` });
}

/** A CSR for `subject`, signed with `key` (SHA-256). */
export function buildCsr(options: { key: KeyObject; subject: Dn }): Csr {
  const { key, subject } = options;
  if (key.type !== 'private') throw new OnboardError('KEY_INVALID', { what: 'the request key', detail: 'a private key is needed' });
  const info = der.sequence(
    der.integer(0),
    encodeName(subject),
    spkiDer(key),
    der.contextConstructed(0, Buffer.alloc(0)), // attributes: none
  );
  const alg = signatureAlgorithm(key);
  const csrDer = der.sequence(info, alg.algId, der.bitString(alg.sign(info)));
  return { der: csrDer, pem: encodePem('CERTIFICATE REQUEST', csrDer) };
}

export interface ParsedCsr {
  readonly subject: Dn;
  /** Slash form of the subject. */
  readonly subjectText: string;
  readonly publicKey: KeyObject;
  readonly publicKeyFingerprint: string;
  readonly key: KeyDescription;
  readonly der: Buffer;
}

/** Reads a CSR (PEM or DER) and checks its self-signature. Throws CSR_INVALID. */
export function readCsr(input: string | Uint8Array, what = 'the request'): ParsedCsr {
  checkSize(input, what);
  try {
    let csrDer: Buffer;
    if (looksLikePem(input)) {
      const block = decodePem(input, what).find((b) => b.label === 'CERTIFICATE REQUEST' || b.label === 'NEW CERTIFICATE REQUEST');
      if (!block) throw new OnboardError('CSR_INVALID', { what, detail: 'it holds no certificate request' });
      csrDer = block.der;
    } else csrDer = Buffer.from(input as Uint8Array);
    const root = expectSequence(parseAsn1(csrDer, { ber: false }), 'request', 3);
    const [infoNode, algNode, sigNode] = root.children;
    const info = expectSequence(infoNode, 'request body', 4);
    if (readSmallInt(info.children[0], 'version') !== 0) throw new OnboardError('CSR_INVALID', { what, detail: 'unknown version' });
    const subject = decodeName(info.children[1]);
    expectSequence(info.children[2], 'public key');
    expectTag(info.children[3], 0, 'attributes', CLASS.CONTEXT);
    const publicKey = createPublicKey({ key: rawBytes(info.children[2]), format: 'der', type: 'spki' });
    const sigAlg = readOid(expectSequence(algNode, 'signature algorithm', 1).children[0], 'signature algorithm');
    const bits = contentBytes(expectTag(sigNode, TAG.BIT_STRING, 'signature'));
    if (bits.length < 2 || bits[0] !== 0) throw new OnboardError('CSR_INVALID', { what, detail: 'bad signature bits' });
    const signature = bits.subarray(1);
    const hash = sigAlg === OID.sha256WithRsa || sigAlg === OID.ecdsaWithSha256 ? 'sha256' : undefined;
    if (!hash) throw new OnboardError('CSR_INVALID', { what, detail: `signature algorithm ${sigAlg} is not accepted` });
    const signed = rawBytes(infoNode);
    const ok = sigAlg === OID.ecdsaWithSha256 ? verify(hash, signed, { key: publicKey, dsaEncoding: 'der' }, signature) : verify(hash, signed, publicKey, signature);
    if (!ok) throw new OnboardError('CSR_INVALID', { what, detail: 'its signature does not verify' });
    return {
      subject,
      subjectText: formatSlashDn(subject),
      publicKey,
      publicKeyFingerprint: publicKeyFingerprint(publicKey),
      key: describeKey(publicKey),
      der: csrDer,
    };
  } catch (e) {
    if (isOnboardError(e)) throw e;
    const detail = e instanceof Asn1Error ? e.message : 'the request data is damaged';
    throw new OnboardError('CSR_INVALID', { what, detail }, { cause: e });
  }
}
