import { OnboardError } from '../../../shared/errors';
import { TAG, children, content, decodeBitString, decodeInteger, decodeOid, decodeTime, expectTag, parseDer, whole, type Tlv } from '../proxy/der';
import { parseCertificate, type ParsedCertificate } from '../proxy/cert';
import { formatNameOneline, formatNameSlash, parseNameTlv } from '../proxy/name';
import { VOMS_OID } from './ac-build';

/** A VOMS attribute certificate, read (not yet verified: see verifyVomsAc). */
export interface VomsAc {
  readonly der: Buffer;
  /** The signed AttributeCertificateInfo. */
  readonly tbs: Buffer;
  readonly signatureAlgorithm: string;
  readonly signature: Buffer;
  readonly version: number;
  /** Holder (baseCertificateID): the DN the proxy is issued under, and that certificate's serial. */
  readonly holder: { readonly dn: string; readonly oneline: string; readonly serial: bigint };
  /** The VOMS server's DN. */
  readonly issuer: string;
  readonly issuerOneline: string;
  readonly issuerDer: Buffer;
  readonly serial: bigint;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly vo: string;
  /** `<host>:<port>` from the policy authority. */
  readonly uri: string;
  readonly host: string;
  readonly port: number;
  readonly fqans: readonly string[];
  /** Certificates in the ACCerts extension (the VOMS server's). */
  readonly certificates: readonly ParsedCertificate[];
  readonly targets: readonly string[];
  readonly extensions: readonly { readonly oid: string; readonly critical: boolean }[];
}

/** The Name inside GeneralNames (its first directoryName [4]). */
function directoryName(generalNames: Tlv): Tlv | undefined {
  for (const gn of children(generalNames)) if (gn.tag === 0xa4) return children(gn)[0];
  return undefined;
}

function algorithmOid(t: Tlv): string {
  return decodeOid(children(expectTag(t, TAG.SEQUENCE, 'AlgorithmIdentifier'))[0]);
}

/** Reads one AttributeCertificate (DER). Throws VOMS_AC_INVALID when it is not a VOMS AC. */
export function parseVomsAc(der: Buffer): VomsAc {
  try {
    return parseUnchecked(der);
  } catch (e) {
    if (e instanceof OnboardError) throw e;
    throw new OnboardError('VOMS_AC_INVALID', { detail: (e as Error).message });
  }
}

function parseUnchecked(der: Buffer): VomsAc {
  const [infoT, sigAlgT, sigT] = children(expectTag(parseDer(der), TAG.SEQUENCE, 'AttributeCertificate'));
  if (!sigT) throw new Error('AttributeCertificate is incomplete');
  const parts = children(expectTag(infoT, TAG.SEQUENCE, 'AttributeCertificateInfo'));
  let i = 0;
  let version = 1;
  if (parts[0]?.tag === TAG.INTEGER) version = Number(decodeInteger(parts[i++])) + 1;
  const [holderT, issuerT, algT, serialT, validityT, attrsT, extsT] = parts.slice(i);
  if (!attrsT) throw new Error('AttributeCertificateInfo is incomplete');

  let holderName: Tlv | undefined;
  let holderSerial = 0n;
  for (const h of children(expectTag(holderT, TAG.SEQUENCE, 'Holder'))) {
    if (h.tag === 0xa0) {
      const [names, serial] = children(h);
      holderName = directoryName(names);
      if (serial) holderSerial = decodeInteger(serial);
    } else if (h.tag === 0xa1 && !holderName) holderName = directoryName(h);
  }
  if (!holderName) throw new Error('the holder has no directory name');
  // v2Form [0] { issuerName GeneralNames, … } or v1Form GeneralNames.
  const issuerNames = issuerT.tag === 0xa0 ? children(issuerT)[0] : issuerT;
  const issuerName = issuerNames ? directoryName(issuerNames) : undefined;
  if (!issuerName) throw new Error('the issuer has no directory name');
  const [nb, na] = children(expectTag(validityT, TAG.SEQUENCE, 'AttCertValidityPeriod'));

  let vo = '';
  let uri = '';
  const fqans: string[] = [];
  for (const attr of children(expectTag(attrsT, TAG.SEQUENCE, 'attributes'))) {
    const [typ, values] = children(attr);
    if (decodeOid(typ) !== VOMS_OID.attributes) continue;
    for (const ietf of children(values)) {
      for (const part of children(ietf)) {
        if (part.tag === 0xa0) {
          for (const gn of children(part)) {
            if (gn.tag !== 0x86) continue;
            const m = /^([^:]*):\/\/(.*)$/.exec(content(gn).toString('latin1'));
            if (!m) throw new Error('the policy authority is not <vo>://<host>:<port>');
            [vo, uri] = [m[1], m[2]];
          }
        } else if (part.tag === TAG.SEQUENCE) {
          for (const v of children(part)) fqans.push(content(v).toString('utf8'));
        }
      }
    }
  }
  if (!vo) throw new Error('it carries no VOMS attributes (1.3.6.1.4.1.8005.100.100.4)');
  const hp = /^(.*):(\d+)$/.exec(uri);

  const certificates: ParsedCertificate[] = [];
  const targets: string[] = [];
  const extensions: { oid: string; critical: boolean }[] = [];
  for (const ext of extsT ? children(expectTag(extsT, TAG.SEQUENCE, 'extensions')) : []) {
    const ep = children(ext);
    const o = decodeOid(ep[0]);
    const critical = ep.length === 3 && content(ep[1])[0] !== 0;
    const value = parseDer(content(expectTag(ep[ep.length - 1], TAG.OCTET_STRING, 'extnValue')));
    extensions.push({ oid: o, critical });
    if (o === VOMS_OID.acCerts) {
      for (const list of children(value)) for (const c of children(list)) certificates.push(parseCertificate(Buffer.from(whole(c))));
    } else if (o === VOMS_OID.targetInformation) {
      for (const t of children(value)) for (const target of children(t)) for (const gn of children(target)) if (gn.tag === 0x86) targets.push(content(gn).toString('latin1'));
    } else if (critical && o !== VOMS_OID.noRevAvail && o !== VOMS_OID.authorityKeyIdentifier) {
      throw new Error(`unknown critical extension ${o}`);
    }
  }
  const holderRdns = parseNameTlv(holderName);
  const issuerRdns = parseNameTlv(issuerName);
  return {
    der,
    tbs: Buffer.from(whole(infoT)),
    signatureAlgorithm: algorithmOid(sigAlgT),
    signature: decodeBitString(expectTag(sigT, TAG.BIT_STRING, 'signature')).bytes,
    version,
    holder: { dn: formatNameSlash(holderRdns), oneline: formatNameOneline(holderRdns), serial: holderSerial },
    issuer: formatNameSlash(issuerRdns),
    issuerOneline: formatNameOneline(issuerRdns),
    issuerDer: Buffer.from(whole(issuerName)),
    serial: decodeInteger(serialT),
    notBefore: decodeTime(nb),
    notAfter: decodeTime(na),
    vo,
    uri,
    host: hp ? hp[1] : uri,
    port: hp ? Number(hp[2]) : 0,
    fqans,
    certificates,
    targets,
    extensions,
    ...(algorithmOid(algT) !== algorithmOid(sigAlgT) ? failAlg() : {}),
  };
}

function failAlg(): never {
  throw new Error('the signature algorithm inside and outside the AC differ');
}

/** ACs inside a proxy's 1.3.6.1.4.1.8005.100.100.5 extension value. */
export function parseVomsAcSequence(value: Buffer): VomsAc[] {
  try {
    const out: VomsAc[] = [];
    for (const acs of children(expectTag(parseDer(value), TAG.SEQUENCE, 'VOMS ACs'))) {
      for (const ac of children(expectTag(acs, TAG.SEQUENCE, 'ACs'))) out.push(parseVomsAc(Buffer.from(whole(ac))));
    }
    return out;
  } catch (e) {
    if (e instanceof OnboardError) throw e;
    throw new OnboardError('VOMS_AC_INVALID', { detail: (e as Error).message });
  }
}
