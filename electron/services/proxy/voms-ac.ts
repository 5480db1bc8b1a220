import { TAG, children, content, decodeInteger, decodeOid, decodeTime, expectTag, parseDer, type Tlv } from './der';
import { formatNameOneline, formatNameSlash, parseNameTlv } from './name';

/** VOMS attribute certificates (RFC 5755 ACs) in the proxy extension 1.3.6.1.4.1.8005.100.100.5. */
export const VOMS_AC_EXTENSION_OID = '1.3.6.1.4.1.8005.100.100.5';
export const VOMS_ATTRIBUTES_OID = '1.3.6.1.4.1.8005.100.100.4';

export interface VomsAttributeCertificate {
  /** VO name (from the policy authority `<vo>://<host>:<port>`). */
  readonly vo: string;
  /** Holder DN (the user), Unicode slash form and OpenSSL oneline form. */
  readonly subject: string;
  readonly subjectOneline: string;
  /** The VOMS server's DN. */
  readonly issuer: string;
  readonly issuerOneline: string;
  /** FQANs, e.g. `/cms/Role=NULL/Capability=NULL`. */
  readonly attributes: readonly string[];
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** `<host>:<port>` of the VOMS server. */
  readonly uri: string;
  readonly serial: string;
}

/** The Name inside GeneralNames (the first directoryName [4]). */
function directoryName(generalNames: Tlv): Tlv | undefined {
  for (const gn of children(generalNames)) {
    if (gn.tag === 0xa4) return children(gn)[0];
  }
  return undefined;
}

function parseAc(ac: Tlv): VomsAttributeCertificate {
  const [info] = children(expectTag(ac, TAG.SEQUENCE, 'AttributeCertificate'));
  const parts = children(expectTag(info, TAG.SEQUENCE, 'AttributeCertificateInfo'));
  let i = parts[0].tag === TAG.INTEGER ? 1 : 0;
  const holder = parts[i++];
  const issuerT = parts[i++];
  i++; // signature algorithm
  const serialT = parts[i++];
  const validity = parts[i++];
  const attrs = parts[i++];

  // Holder: baseCertificateID [0] IssuerSerial { issuer GeneralNames, serial }. VOMS writes the user's DN there.
  let subjectName: Tlv | undefined;
  for (const h of children(holder)) {
    if (h.tag === 0xa0) subjectName = directoryName(children(h)[0]);
    else if (h.tag === 0xa1 && !subjectName) subjectName = directoryName(h);
  }
  // Issuer: v2Form [0] { issuerName GeneralNames } or v1Form GeneralNames.
  const issuerNames = issuerT.tag === 0xa0 ? children(issuerT)[0] : issuerT;
  const issuerName = issuerNames ? directoryName(issuerNames) : undefined;
  const [nb, na] = children(validity);

  let vo = '';
  let uri = '';
  const attributes: string[] = [];
  for (const attr of children(attrs)) {
    const [typ, values] = children(attr);
    if (decodeOid(typ) !== VOMS_ATTRIBUTES_OID) continue;
    for (const ietf of children(values)) {
      for (const part of children(ietf)) {
        if (part.tag === 0xa0) {
          // policyAuthority GeneralNames: uniformResourceIdentifier [6] "<vo>://<host>:<port>"
          for (const gn of children(part)) {
            if (gn.tag === 0x86) {
              const text = content(gn).toString('latin1');
              const m = text.match(/^([^:]*):\/\/(.*)$/);
              vo = m ? m[1] : text;
              uri = m ? m[2] : '';
            }
          }
        } else if (part.tag === TAG.SEQUENCE) {
          for (const v of children(part)) attributes.push(content(v).toString('utf8'));
        }
      }
    }
  }
  const subjectRdns = subjectName ? parseNameTlv(subjectName) : [];
  const issuerRdns = issuerName ? parseNameTlv(issuerName) : [];
  return {
    vo,
    subject: formatNameSlash(subjectRdns),
    subjectOneline: formatNameOneline(subjectRdns),
    issuer: formatNameSlash(issuerRdns),
    issuerOneline: formatNameOneline(issuerRdns),
    attributes,
    notBefore: decodeTime(nb),
    notAfter: decodeTime(na),
    uri,
    serial: decodeInteger(serialT).toString(16).toUpperCase(),
  };
}

/** Parses the VOMS extension value: SEQUENCE OF SEQUENCE OF AttributeCertificate. */
export function parseVomsExtension(value: Buffer): VomsAttributeCertificate[] {
  const out: VomsAttributeCertificate[] = [];
  for (const acs of children(expectTag(parseDer(value), TAG.SEQUENCE, 'VOMS ACs'))) {
    for (const ac of children(expectTag(acs, TAG.SEQUENCE, 'ACs'))) out.push(parseAc(ac));
  }
  return out;
}
