import { sign as nodeSign, type KeyObject } from 'node:crypto';
import { bitString, derBoolean, derNull, derTime, explicit, octetString, oid, seq, smallInteger, tlv, TAG, unsignedInteger } from './der';
import { KEY_USAGE_BITS, OID, type KeyUsageBit } from './cert';

/**
 * Who signs a certificate. A Node KeyObject becomes one with `keySigner`; a PKCS#11 token
 * (the credential translator) implements `sign` itself. `sign` gets the DER TBSCertificate
 * and returns the signature (RSA PKCS#1 v1.5 over SHA-256, or DER ECDSA over SHA-256).
 */
export interface ProxySigner {
  readonly keyType: 'rsa' | 'ec';
  sign(tbsDer: Buffer): Promise<Buffer>;
}

export function keySigner(key: KeyObject): ProxySigner {
  const t = key.asymmetricKeyType;
  if (t !== 'rsa' && t !== 'ec') throw new TypeError(`unsupported key type ${t}`);
  return { keyType: t, sign: async (tbs) => nodeSign('sha256', tbs, key) };
}

export function isProxySigner(v: unknown): v is ProxySigner {
  return typeof v === 'object' && v !== null && typeof (v as ProxySigner).sign === 'function' && 'keyType' in v;
}

export function signatureAlgorithmFor(keyType: 'rsa' | 'ec'): Buffer {
  return keyType === 'rsa' ? seq(oid(OID.sha256WithRSA), derNull()) : seq(oid(OID.ecdsaWithSha256));
}

export interface ExtensionSpec {
  readonly oid: string;
  readonly critical: boolean;
  /** The extension's own DER (goes into extnValue verbatim). */
  readonly value: Buffer;
}

export interface TbsSpec {
  /** Serial magnitude, big-endian (written as a minimal positive INTEGER). */
  readonly serial: Buffer;
  /** Raw DER of the issuer Name (copied from the issuer's subject, never re-encoded). */
  readonly issuerDer: Buffer;
  readonly subjectDer: Buffer;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** DER SubjectPublicKeyInfo. */
  readonly spki: Buffer;
  readonly extensions: readonly ExtensionSpec[];
}

export function encodeExtension(e: ExtensionSpec): Buffer {
  return seq(oid(e.oid), ...(e.critical ? [derBoolean(true)] : []), octetString(e.value));
}

export function encodeTbs(spec: TbsSpec, keyType: 'rsa' | 'ec'): Buffer {
  return seq(
    explicit(0, smallInteger(2)),
    unsignedInteger(spec.serial),
    signatureAlgorithmFor(keyType),
    spec.issuerDer,
    seq(derTime(spec.notBefore), derTime(spec.notAfter)),
    spec.subjectDer,
    spec.spki,
    ...(spec.extensions.length ? [explicit(3, seq(...spec.extensions.map(encodeExtension)))] : []),
  );
}

/** Builds and signs a certificate; returns its DER. */
export async function buildCertificate(spec: TbsSpec, signer: ProxySigner): Promise<Buffer> {
  const tbs = encodeTbs(spec, signer.keyType);
  const signature = await signer.sign(tbs);
  return seq(tbs, signatureAlgorithmFor(signer.keyType), bitString(signature));
}

/** proxyCertInfo value: `SEQUENCE { [pathLen INTEGER,] SEQUENCE { policyLanguage } }`. */
export function proxyCertInfoValue(policyLanguage: string, pathLength?: number): Buffer {
  return seq(...(pathLength === undefined ? [] : [smallInteger(pathLength)]), seq(oid(policyLanguage)));
}

/** keyUsage value: a BIT STRING with the trailing zero bits counted as unused (DER). */
export function keyUsageValue(bits: readonly KeyUsageBit[]): Buffer {
  const idx = bits.map((b) => KEY_USAGE_BITS.indexOf(b));
  const highest = Math.max(...idx);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const i of idx) bytes[i >> 3] |= 0x80 >> (i & 7);
  const unused = 7 - (highest % 8);
  return tlv(TAG.BIT_STRING, Buffer.concat([Buffer.from([unused]), bytes]));
}

/** What grid-proxy-init puts in a proxy: critical digitalSignature, keyEncipherment, dataEncipherment. */
export const PROXY_KEY_USAGE: readonly KeyUsageBit[] = ['digitalSignature', 'keyEncipherment', 'dataEncipherment'];
