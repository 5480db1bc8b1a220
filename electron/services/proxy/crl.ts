import { TAG, children, decodeBitString, decodeInteger, decodeOid, decodeTime, expectTag, parseDer, whole, type Tlv } from './der';
import { formatNameSlash, nameKey, parseNameTlv } from './name';

/** A CRL (`<hash>.r0` in a trust folder), parsed enough to check revocation. */
export interface ParsedCrl {
  readonly der: Buffer;
  readonly tbs: Buffer;
  readonly signatureAlgorithm: string;
  readonly signature: Buffer;
  readonly issuerKey: string;
  readonly issuerDn: string;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
  /** Revoked serial numbers. */
  readonly revoked: ReadonlySet<bigint>;
}

const isTime = (t: Tlv | undefined) => t !== undefined && (t.tag === TAG.UTC_TIME || t.tag === TAG.GENERALIZED_TIME);

export function parseCrl(der: Buffer): ParsedCrl {
  const [tbsT, algT, sigT] = children(expectTag(parseDer(der), TAG.SEQUENCE, 'CertificateList'));
  const parts = children(expectTag(tbsT, TAG.SEQUENCE, 'TBSCertList'));
  let i = parts[0].tag === TAG.INTEGER ? 1 : 0;
  i++; // signature algorithm
  const issuer = parseNameTlv(parts[i++]);
  const thisUpdate = decodeTime(parts[i++]);
  const nextUpdate = isTime(parts[i]) ? decodeTime(parts[i++]) : undefined;
  const revoked = new Set<bigint>();
  if (parts[i]?.tag === TAG.SEQUENCE) {
    for (const entry of children(parts[i])) revoked.add(decodeInteger(children(entry)[0]));
  }
  return {
    der,
    tbs: whole(tbsT),
    signatureAlgorithm: decodeOid(children(algT)[0]),
    signature: decodeBitString(sigT).bytes,
    issuerKey: nameKey(issuer),
    issuerDn: formatNameSlash(issuer),
    thisUpdate,
    nextUpdate,
    revoked,
  };
}
