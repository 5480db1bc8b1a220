import { createHash, sign as nodeSign, type KeyObject } from 'node:crypto';
import { OnboardError } from '../../../shared/errors';
import { bitString, explicit, implicitPrimitive, nullValue, octetString, oid, seq, smallInteger, tlv, unsignedInteger, boolean as derBoolean, TAG } from '../pki/der';
import { findExtension, OID, type ParsedCertificate } from '../proxy/cert';
import { randomSerial } from '../proxy/make-proxy';
import { children, content, parseDer } from '../proxy/der';
import { longFqan, parseFqan } from './fqan';

/** OIDs VOMS ACs use. */
export const VOMS_OID = {
  /** Attribute: IetfAttrSyntax with the FQANs, policyAuthority `<vo>://<host>:<port>`. */
  attributes: '1.3.6.1.4.1.8005.100.100.4',
  /** Proxy extension holding SEQUENCE OF SEQUENCE OF AttributeCertificate. */
  acSequence: '1.3.6.1.4.1.8005.100.100.5',
  /** AC extension ACCerts: SEQUENCE { SEQUENCE OF Certificate } (the VOMS server's certificate). */
  acCerts: '1.3.6.1.4.1.8005.100.100.10',
  /** AC extension with generic attributes (tags). */
  acTags: '1.3.6.1.4.1.8005.100.100.11',
  noRevAvail: '2.5.29.56',
  targetInformation: '2.5.29.55',
  authorityKeyIdentifier: '2.5.29.35',
  sha256WithRSA: '1.2.840.113549.1.1.11',
} as const;

export interface VomsAcSpec {
  /** The user's end-entity certificate (the AC's holder). */
  readonly holder: ParsedCertificate;
  /** The VOMS server's certificate and key (RSA). */
  readonly serverCert: ParsedCertificate;
  readonly serverKey: KeyObject;
  readonly vo: string;
  /** Host and port of the VOMS server, as in vomses (and the `.lsc` file name). */
  readonly host: string;
  readonly port: number;
  /** FQANs granted, in any form (`/vo`, `/vo/Role=x`); written in the long form. */
  readonly fqans: readonly string[];
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** AC serial magnitude (default: 8 random bytes). */
  readonly serial?: Buffer;
  /** Target host names (`-target`); the targetInformation extension only when given. */
  readonly targets?: readonly string[];
}

/** A GeneralNames holding one directoryName [4] (explicit: Name is a CHOICE). */
const directoryNames = (nameDer: Buffer): Buffer => seq(explicit(4, nameDer));

function keyIdOf(cert: ParsedCertificate): Buffer {
  const ski = findExtension(cert, OID.subjectKeyIdentifier);
  if (ski) return content(parseDer(ski.value));
  // RFC 5280 method 1: SHA-1 of the subjectPublicKey bits.
  const [, bits] = children(parseDer(cert.spki));
  return createHash('sha1').update(content(bits).subarray(1)).digest();
}

const extension = (o: string, critical: boolean, value: Buffer): Buffer =>
  seq(oid(o), ...(critical ? [derBoolean(true)] : []), octetString(value));

/**
 * Builds and signs a VOMS AC (RFC 5755 v2) as voms-server and voms-proxy-fake make them:
 * holder = baseCertificateID { the holder certificate's subject, its serial } (VOMS names the
 * holder by the DN the proxy is issued under, which is what voms-proxy-info prints as the VO
 * block's subject), issuer = v2Form { directoryName of the server }, sha256WithRSA, GeneralizedTime
 * validity, the FQAN attribute, then the extensions in VOMS order: ACCerts, [targets,]
 * noRevAvail, authorityKeyIdentifier.
 */
export function buildVomsAc(spec: VomsAcSpec): Buffer {
  if (spec.serverKey.asymmetricKeyType !== 'rsa') {
    throw new OnboardError('VOMS_AC_INVALID', { detail: 'the VOMS server key must be RSA (VOMS signs with sha256WithRSA)' });
  }
  if (!/^[A-Za-z0-9._-]+$/.test(spec.vo)) throw new OnboardError('VOMS_AC_INVALID', { detail: `VO name “${spec.vo}”` });
  if (!/^[A-Za-z0-9.:[\]-]+$/.test(spec.host) || !Number.isInteger(spec.port) || spec.port < 1 || spec.port > 65535) {
    throw new OnboardError('VOMS_AC_INVALID', { detail: `VOMS server address “${spec.host}:${spec.port}”` });
  }
  if (spec.fqans.length === 0) throw new OnboardError('VOMS_AC_INVALID', { detail: 'no FQAN to grant' });
  if (!(spec.notAfter.getTime() > spec.notBefore.getTime())) throw new OnboardError('VOMS_AC_INVALID', { detail: 'the validity ends before it starts' });
  const fqans = spec.fqans.map((f) => longFqan(parseFqan(f, spec.vo)));

  const sigAlg = seq(oid(VOMS_OID.sha256WithRSA), nullValue());
  const holder = seq(explicit(0, directoryNames(spec.holder.subjectDer), unsignedInteger(bigintBytes(spec.holder.serial))));
  const issuer = explicit(0, directoryNames(spec.serverCert.subjectDer));
  const policyAuthority = explicit(0, implicitPrimitive(6, Buffer.from(`${spec.vo}://${spec.host}:${spec.port}`, 'ascii')));
  const values = seq(...fqans.map((f) => octetString(Buffer.from(f, 'utf8'))));
  const attribute = seq(oid(VOMS_OID.attributes), tlv(TAG.SET, seq(policyAuthority, values)));
  const extensions = [
    extension(VOMS_OID.acCerts, false, seq(seq(spec.serverCert.der))),
    ...(spec.targets?.length
      ? [extension(VOMS_OID.targetInformation, true, seq(seq(...spec.targets.map((t) => explicit(0, implicitPrimitive(6, Buffer.from(t, 'ascii')))))))]
      : []),
    extension(VOMS_OID.noRevAvail, false, nullValue()),
    extension(VOMS_OID.authorityKeyIdentifier, false, seq(implicitPrimitive(0, keyIdOf(spec.serverCert)))),
  ];
  const info = seq(
    smallInteger(1), // v2
    holder,
    issuer,
    sigAlg,
    unsignedInteger(spec.serial ?? randomSerial()),
    seq(generalizedTime(spec.notBefore), generalizedTime(spec.notAfter)),
    seq(attribute),
    seq(...extensions),
  );
  const signature = nodeSign('sha256', info, spec.serverKey);
  return seq(info, sigAlg, bitString(signature));
}

/** VOMS writes GeneralizedTime whatever the year (RFC 5755 §4.2.6). */
function generalizedTime(d: Date): Buffer {
  const s = d.toISOString().slice(0, 19).replace(/[-T:]/g, '') + 'Z';
  return tlv(TAG.GENERALIZED_TIME, Buffer.from(s, 'ascii'));
}

function bigintBytes(v: bigint): Buffer {
  let hex = (v < 0n ? -v : v).toString(16);
  if (hex.length % 2) hex = '0' + hex;
  return Buffer.from(hex, 'hex');
}

/** The proxy extension value 1.3.6.1.4.1.8005.100.100.5: SEQUENCE OF SEQUENCE OF AttributeCertificate. */
export function vomsExtensionValue(acs: readonly Buffer[]): Buffer {
  return seq(seq(...acs));
}
