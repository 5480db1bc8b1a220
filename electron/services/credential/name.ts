/**
 * X.501 Name ⇄ `Dn` (shared/dn.ts). Written the way CAs expect (RFC 5280 §4.1.2.4 and grid CAs'
 * profiles): C as PrintableString of two letters, DC and emailAddress as IA5String,
 * serialNumber as PrintableString, other values as PrintableString when every character
 * allows it, else UTF8String. Multi-valued RDNs stay one SET (sorted, as DER requires).
 */
import { DN_ATTRIBUTE_OIDS, attributeOid, attributeTypeOf, formatSlashDn, type Dn, type DnAttribute } from '../../../shared/dn';
import { OnboardError } from '../../../shared/errors';
import { Asn1Error, CLASS, TAG, der, expectSequence, expectTag, readOid, readString, type Asn1Node } from './asn1';

const PRINTABLE_RE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/** RFC 5280 upper bounds (characters) that CAs enforce. */
const UPPER_BOUNDS: Readonly<Record<string, number>> = {
  CN: 64, O: 64, OU: 64, L: 128, ST: 128, C: 2, SERIALNUMBER: 64, emailAddress: 255, UID: 256, DC: 63,
};

function invalid(detail: string): OnboardError {
  return new OnboardError('SUBJECT_INVALID', { detail });
}

function encodeValue(attr: DnAttribute, oid: string): Buffer {
  const { type, value } = attr;
  if (value.length === 0) throw invalid(`${type} is empty`);
  const bound = UPPER_BOUNDS[type];
  if (bound !== undefined && [...value].length > bound) throw invalid(`${type} is longer than ${bound} characters`);
  if (/[\u0000-\u001f\u007f]/.test(value)) throw invalid(`${type} contains a control character`);
  const oidIs = (t: string) => oid === DN_ATTRIBUTE_OIDS[t];
  if (oidIs('C')) {
    if (!/^[A-Z]{2}$/.test(value)) throw invalid(`C must be a two-letter country code in capitals (like US), not “${value}”`);
    return der.printable(value);
  }
  if (oidIs('DC') || oidIs('EMAILADDRESS')) {
    if (!/^[\x20-\x7e]+$/.test(value)) throw invalid(`${type} may only hold plain ASCII characters`);
    return der.ia5(value);
  }
  if (oidIs('SERIALNUMBER')) {
    if (!PRINTABLE_RE.test(value)) throw invalid(`serialNumber may only hold letters, digits and simple punctuation`);
    return der.printable(value);
  }
  return PRINTABLE_RE.test(value) ? der.printable(value) : der.utf8(value);
}

/** DER of an X.501 Name. Throws SUBJECT_INVALID with the reason. */
export function encodeName(dn: Dn): Buffer {
  if (dn.length === 0) throw invalid('it is empty');
  const rdns = dn.map((rdn) => {
    if (rdn.length === 0) throw invalid('an empty part');
    return der.set(
      ...rdn.map((attr) => {
        const oid = attributeOid(attr.type);
        if (!oid) throw invalid(`unknown attribute type “${attr.type}” (use a known name like CN, O, OU, DC or a dotted OID)`);
        let oidDer: Buffer;
        try {
          oidDer = der.oid(oid);
        } catch {
          throw invalid(`“${attr.type}” is not a valid OID`);
        }
        return der.sequence(oidDer, encodeValue(attr, oid));
      }),
    );
  });
  return der.sequence(...rdns);
}

/** Reads a Name element into a `Dn` (types by short name when known, else dotted OID). */
export function decodeName(node: Asn1Node): Dn {
  expectSequence(node, 'name');
  return node.children.map((set) => {
    expectTag(set, TAG.SET, 'name part');
    if (set.children.length === 0) throw new Asn1Error('empty name part');
    return set.children.map((atv) => {
      expectSequence(atv, 'name attribute', 2);
      const oid = readOid(atv.children[0], 'attribute type');
      const v = atv.children[1];
      if (v.cls !== CLASS.UNIVERSAL) throw new Asn1Error('attribute value is not a string');
      return { type: attributeTypeOf(oid), value: readString(v) };
    });
  });
}

/** Slash form of a Name element, e.g. for messages. */
export function nameToSlash(node: Asn1Node): string {
  return formatSlashDn(decodeName(node));
}
