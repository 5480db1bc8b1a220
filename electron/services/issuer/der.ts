/**
 * The issuer's view of the shared DER module (pki/der.ts), plus its strict readers: what EST
 * answers and sandbox CA inputs may hold is checked, not guessed (fatal UTF-8, ASCII for
 * PrintableString/IA5String, whole-second times, OIDs only under the OID tag).
 */
import { DerError, TAG, content, decodeOidBytes, type Tlv } from '../pki/der';

export {
  TAG,
  DerError,
  content,
  raw,
  readTlv,
  readOne,
  children,
  expectChildren,
  tlv,
  seq,
  set,
  explicit,
  implicitPrimitive,
  nullValue,
  octetString,
  bitString,
  boolean,
  oid,
  unsignedInteger,
  smallInteger,
  time,
  pemToDer,
  derToPem,
  pemBlocks,
  type Tlv,
} from '../pki/der';

export function decodeOid(t: Tlv): string {
  if (t.tag !== TAG.OID) throw new DerError('expected an OBJECT IDENTIFIER');
  return decodeOidBytes(content(t));
}

/** Decodes the directory string types PKIX names use. */
export function decodeString(t: Tlv): string {
  const b = content(t);
  switch (t.tag) {
    case TAG.UTF8_STRING:
      return new TextDecoder('utf-8', { fatal: true }).decode(b);
    case TAG.PRINTABLE_STRING:
    case TAG.IA5_STRING:
      return b.toString('ascii');
    case TAG.T61_STRING:
      return b.toString('latin1');
    case TAG.BMP_STRING:
      return Buffer.from(b).swap16().toString('utf16le');
    case TAG.UNIVERSAL_STRING: {
      let s = '';
      for (let i = 0; i + 3 < b.length; i += 4) s += String.fromCodePoint(b.readUInt32BE(i));
      return s;
    }
    default:
      throw new DerError(`not a string type (tag 0x${t.tag.toString(16)})`);
  }
}

export function decodeTime(t: Tlv): Date {
  const s = content(t).toString('ascii');
  let m: RegExpMatchArray | null;
  if (t.tag === TAG.UTC_TIME && (m = s.match(/^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/))) {
    const yy = Number(m[1]);
    return new Date(Date.UTC(yy < 50 ? 2000 + yy : 1900 + yy, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  }
  if (t.tag === TAG.GENERALIZED_TIME && (m = s.match(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/))) {
    return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  }
  throw new DerError(`not a DER time: ${s}`);
}
