import { attributeTypeOf, formatSlashDn, type Dn } from '../../../shared/dn';
import { TAG, children, content, decodeOid, decodeString, expectTag, oid, parseDer, seq, set, tlv, whole, type Tlv } from './der';

/** One attribute of a parsed Name, with its raw encoding kept. */
export interface NameAttribute {
  readonly oid: string;
  /** Short name as shared/dn spells it (CN, O, DC, UID, emailAddress…) or the dotted OID. */
  readonly type: string;
  readonly value: string;
  /** ASN.1 string tag of the value (UTF8String 0x0c, PrintableString 0x13…). */
  readonly tag: number;
  readonly rawValue: Buffer;
}
export type NameRdn = readonly NameAttribute[];

/** OpenSSL's short names (what `X509_NAME_oneline`, grid-proxy-info and grid-mapfiles print). */
const OPENSSL_SN: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.41': 'name',
  '2.5.4.42': 'GN',
  '2.5.4.43': 'initials',
  '2.5.4.46': 'dnQualifier',
  '2.5.4.65': 'pseudonym',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

export const CN_OID = '2.5.4.3';

/** Parses a DER Name (SEQUENCE OF SET OF AttributeTypeAndValue), most significant RDN first. */
export function parseName(nameDer: Buffer): NameRdn[] {
  return parseNameTlv(parseDer(nameDer));
}

export function parseNameTlv(t: Tlv): NameRdn[] {
  expectTag(t, TAG.SEQUENCE, 'Name');
  return children(t).map((rdnSet) => {
    expectTag(rdnSet, TAG.SET, 'RDN');
    return children(rdnSet).map((atv) => {
      const [typ, val] = children(expectTag(atv, TAG.SEQUENCE, 'AttributeTypeAndValue'));
      if (!typ || !val) throw new Error('AttributeTypeAndValue is incomplete');
      const o = decodeOid(typ);
      return { oid: o, type: attributeTypeOf(o), value: decodeString(val), tag: val.tag, rawValue: content(val) };
    });
  });
}

export function nameToDn(rdns: readonly NameRdn[]): Dn {
  return rdns.map((r) => r.map((a) => ({ type: a.type, value: a.value })));
}

/** Unicode slash form, e.g. `/C=US/O=Test Grid/CN=Zoë Müller+UID=zm`. */
export function formatNameSlash(rdns: readonly NameRdn[]): string {
  return formatSlashDn(nameToDn(rdns));
}

/**
 * The form OpenSSL's `X509_NAME_oneline` prints and grid tools show (grid-proxy-info,
 * voms-proxy-info, myproxy-server logs, grid-mapfiles): bytes outside printable ASCII as
 * `\xHH`, multi-valued RDNs joined with `+`.
 */
export function formatNameOneline(rdns: readonly NameRdn[]): string {
  let out = '';
  for (const rdn of rdns) {
    rdn.forEach((a, i) => {
      out += (i === 0 ? '/' : '+') + (OPENSSL_SN[a.oid] ?? a.oid) + '=';
      for (const byte of a.rawValue) {
        out += byte < 0x20 || byte > 0x7e ? '\\x' + byte.toString(16).toUpperCase().padStart(2, '0') : String.fromCharCode(byte);
      }
    });
  }
  return out;
}

/** PrintableString alphabet (X.680): a CN made only of these is written as PrintableString. */
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/** One RDN `SET { SEQUENCE { id-at-commonName, value } }`. */
export function cnRdn(value: string): Buffer {
  const v = PRINTABLE.test(value) ? tlv(TAG.PRINTABLE_STRING, Buffer.from(value, 'latin1')) : tlv(TAG.UTF8_STRING, Buffer.from(value, 'utf8'));
  return set(seq(oid(CN_OID), v));
}

/**
 * The issuer's subject as raw DER plus one `CN=<value>` RDN (RFC 3820 §3.4). The issuer's
 * RDNs are copied byte for byte, so non-ASCII and multi-valued RDNs keep their encoding.
 */
export function appendCn(nameDer: Buffer, value: string): Buffer {
  const t = expectTag(parseDer(nameDer), TAG.SEQUENCE, 'Name');
  return seq(t.buf.subarray(t.contentStart, t.end), cnRdn(value));
}

/** The raw RDN encodings of a Name (each a full SET TLV). */
export function rdnEncodings(nameDer: Buffer): Buffer[] {
  return children(parseDer(nameDer)).map(whole);
}

/**
 * Comparison key for names as OpenSSL matches issuer to subject: string types folded to
 * UTF-8, case folded, inner whitespace collapsed (RFC 5280 §7.1 simplified).
 */
export function nameKey(rdns: readonly NameRdn[]): string {
  return rdns
    .map((r) =>
      r
        .map((a) => `${a.oid}=${a.value.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase()}`)
        .sort()
        .join('+'),
    )
    .join('/');
}
