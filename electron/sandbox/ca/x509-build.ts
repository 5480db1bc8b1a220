import { createHash, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import {
  TAG,
  bitString,
  boolean,
  content,
  expectChildren,
  explicit,
  implicitPrimitive,
  nullValue,
  octetString,
  oid,
  readOne,
  seq,
  smallInteger,
  time,
  unsignedInteger,
} from '../../services/issuer/der';

/**
 * X.509 certificates and CRLs written as DER and signed with Node's crypto (DESIGN §5:
 * native signing, names kept as raw DER, positive minimal serials).
 */

export const OIDS = {
  sha256WithRSA: '1.2.840.113549.1.1.11',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  subjectAltName: '2.5.29.17',
  crlDistributionPoints: '2.5.29.31',
  crlNumber: '2.5.29.20',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  emailProtection: '1.3.6.1.5.5.7.3.4',
} as const;

/** RSA PKCS#1 v1.5 with SHA-256 (the sandbox CA's key is RSA). */
const SIGNATURE_ALGORITHM = seq(oid(OIDS.sha256WithRSA), nullValue());

/** A fresh random serial: 16 bytes, first byte in 0x40–0x7f so it is positive and minimal. */
export function randomSerial(): Buffer {
  const b = randomBytes(16);
  b[0] = (b[0] & 0x3f) | 0x40;
  return b;
}

/** RFC 5280 method 1: SHA-1 of the subjectPublicKey bits. */
export function keyIdentifier(spkiDer: Uint8Array): Buffer {
  const [, bits] = expectChildren(readOne(spkiDer), TAG.SEQUENCE, 2, 'SubjectPublicKeyInfo');
  return createHash('sha1').update(content(bits).subarray(1)).digest();
}

export function extension(extnId: string, critical: boolean, valueDer: Uint8Array): Buffer {
  return critical ? seq(oid(extnId), boolean(true), octetString(valueDer)) : seq(oid(extnId), octetString(valueDer));
}

/** KeyUsage bits by name, as a DER BIT STRING (named bits, trailing zeros dropped). */
export function keyUsage(bits: readonly ('digitalSignature' | 'keyEncipherment' | 'keyCertSign' | 'cRLSign')[]): Buffer {
  const position = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 } as const;
  let byte = 0;
  let highest = 0;
  for (const b of bits) {
    byte |= 0x80 >> position[b];
    highest = Math.max(highest, position[b]);
  }
  return extension(OIDS.keyUsage, true, bitString(Buffer.from([byte]), 7 - highest));
}

export const basicConstraints = (ca: boolean): Buffer => extension(OIDS.basicConstraints, true, ca ? seq(boolean(true)) : seq());
export const extKeyUsage = (...purposes: string[]): Buffer => extension(OIDS.extKeyUsage, false, seq(...purposes.map(oid)));
export const subjectKeyId = (spkiDer: Uint8Array): Buffer => extension(OIDS.subjectKeyIdentifier, false, octetString(keyIdentifier(spkiDer)));
export const authorityKeyId = (keyId: Uint8Array): Buffer => extension(OIDS.authorityKeyIdentifier, false, seq(implicitPrimitive(0, keyId)));

/** cRLDistributionPoints with one fullName URI. */
export function crlDistributionPoint(url: string): Buffer {
  return extension(OIDS.crlDistributionPoints, false, seq(seq(explicit(0, explicit(0, implicitPrimitive(6, Buffer.from(url, 'ascii')))))));
}

/** subjectAltName from e-mail addresses, DNS names and IP addresses. */
export function subjectAltName(names: { emails?: readonly string[]; dns?: readonly string[]; ips?: readonly string[] }): Buffer {
  const parts: Buffer[] = [];
  for (const e of names.emails ?? []) parts.push(implicitPrimitive(1, Buffer.from(e, 'ascii')));
  for (const d of names.dns ?? []) parts.push(implicitPrimitive(2, Buffer.from(d, 'ascii')));
  for (const ip of names.ips ?? []) parts.push(implicitPrimitive(7, ipBytes(ip)));
  return extension(OIDS.subjectAltName, false, seq(...parts));
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  if (isIP(ip) === 6) {
    const [head, tail = ''] = ip.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
    return Buffer.concat(groups.map((g) => Buffer.from(g.padStart(4, '0'), 'hex')));
  }
  throw new Error(`not an IP address: ${ip}`);
}

export interface CertificateTemplate {
  readonly serial: Uint8Array;
  readonly issuerDer: Uint8Array;
  readonly subjectDer: Uint8Array;
  readonly spkiDer: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly extensions: readonly Uint8Array[];
}

/** A v3 certificate, signed by `signer` (RSA, SHA-256). */
export function buildCertificate(t: CertificateTemplate, signer: KeyObject): Buffer {
  const tbs = seq(
    explicit(0, smallInteger(2)),
    unsignedInteger(t.serial),
    SIGNATURE_ALGORITHM,
    t.issuerDer,
    seq(time(t.notBefore), time(t.notAfter)),
    t.subjectDer,
    t.spkiDer,
    explicit(3, seq(...t.extensions)),
  );
  return seq(tbs, SIGNATURE_ALGORITHM, bitString(sign('sha256', tbs, signer)));
}

export interface RevokedEntry {
  readonly serial: Uint8Array;
  readonly revokedAt: Date;
}

/** A v2 CRL with authorityKeyIdentifier and cRLNumber (RFC 5280 §5). */
export function buildCrl(
  c: { issuerDer: Uint8Array; issuerKeyId: Uint8Array; thisUpdate: Date; nextUpdate: Date; crlNumber: number; revoked: readonly RevokedEntry[] },
  signer: KeyObject,
): Buffer {
  const revoked = c.revoked.length ? [seq(...c.revoked.map((r) => seq(unsignedInteger(r.serial), time(r.revokedAt))))] : [];
  const tbs = seq(
    smallInteger(1),
    SIGNATURE_ALGORITHM,
    c.issuerDer,
    time(c.thisUpdate),
    time(c.nextUpdate),
    ...revoked,
    explicit(0, seq(authorityKeyId(c.issuerKeyId), extension(OIDS.crlNumber, false, smallInteger(c.crlNumber)))),
  );
  return seq(tbs, SIGNATURE_ALGORITHM, bitString(sign('sha256', tbs, signer)));
}
