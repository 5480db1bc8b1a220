import { attributeOid, attributeTypeOf, normalizeAttributeType, type Dn, type DnAttribute } from '../../../shared/dn';
import { DerError, TAG, decodeOid, decodeString, expectChildren, oid, raw, seq, set, tlv, type Tlv } from './der';

/** Reads an X.501 Name (SEQUENCE OF RDN) into RDNs, most significant first. */
export function decodeName(t: Tlv): Dn {
  return expectChildren(t, TAG.SEQUENCE, 0, 'Name').map((rdnTlv) => {
    const attrs = expectChildren(rdnTlv, TAG.SET, 1, 'RDN');
    return attrs.map((a): DnAttribute => {
      const [typeTlv, valueTlv] = expectChildren(a, TAG.SEQUENCE, 2, 'AttributeTypeAndValue');
      const o = decodeOid(typeTlv);
      let value: string;
      try {
        value = decodeString(valueTlv);
      } catch {
        value = '#' + raw(valueTlv).toString('hex');
      }
      return { type: attributeTypeOf(o), value };
    });
  });
}

const PRINTABLE_RE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/**
 * Encodes a Name: DC and emailAddress as IA5String (RFC 4519 / PKCS#9), C as PrintableString,
 * other values as PrintableString when they fit, else UTF8String (RFC 5280 §4.1.2.4).
 */
export function encodeName(dn: Dn): Buffer {
  return seq(
    ...dn.map((rdn) =>
      set(
        ...rdn.map((a) => {
          const o = attributeOid(a.type);
          if (!o) throw new DerError(`unknown attribute type ${a.type}`);
          const t = a.type.toUpperCase();
          let tag: number;
          if (t === 'DC' || t === 'EMAILADDRESS') {
            if (!/^[\x20-\x7e]*$/.test(a.value)) throw new DerError(`${a.type} must be ASCII`);
            tag = TAG.IA5_STRING;
          } else if (PRINTABLE_RE.test(a.value)) tag = TAG.PRINTABLE_STRING;
          else tag = TAG.UTF8_STRING;
          const bytes = tag === TAG.UTF8_STRING ? Buffer.from(a.value, 'utf8') : Buffer.from(a.value, 'ascii');
          return seq(oid(o), tlv(tag, bytes));
        }),
      ),
    ),
  );
}

/** The values of one attribute type (e.g. every CN), most significant first. */
export function attributeValues(dn: Dn, type: string): string[] {
  const want = normalizeAttributeType(type);
  return dn.flatMap((rdn) => rdn.filter((a) => a.type === want).map((a) => a.value));
}
