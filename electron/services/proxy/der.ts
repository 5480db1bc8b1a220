/**
 * The proxy service's view of the shared DER module (pki/der.ts), plus the lenient readers that
 * path validation and VOMS attribute certificates need: any certificate a grid tool accepts must
 * be readable here (UTCTime without seconds, fractional GeneralizedTime, Latin-1 for the legacy
 * string types). Dependency-free so `osg-onboard proxy init` starts fast.
 */
import { DerError, TAG, boolean, content, decodeOidBytes, nullValue, readOne, time, type Tlv } from '../pki/der';

export {
  TAG,
  DerError,
  tlv,
  seq,
  set,
  octetString,
  explicit,
  bitString,
  unsignedInteger,
  smallInteger,
  oid,
  readTlv,
  content,
  whole,
  children,
  expectTag,
  decodeInteger,
  decodeBitString,
  type Tlv,
} from '../pki/der';

export const derNull = nullValue;
export const derBoolean = boolean;
/** UTCTime for 1950–2049, GeneralizedTime otherwise (RFC 5280 §4.1.2.5); whole seconds. */
export const derTime = time;

/** Parses a buffer that must hold exactly one TLV. */
export function parseDer(buf: Buffer): Tlv {
  return readOne(buf);
}

/** Dotted OID of a TLV's content (the tag is not checked). */
export function decodeOid(t: Tlv): string {
  return decodeOidBytes(content(t));
}

export function decodeBoolean(t: Tlv): boolean {
  return content(t)[0] !== 0;
}

export function decodeTime(t: Tlv): Date {
  const s = content(t).toString('latin1');
  let m: RegExpMatchArray | null;
  if (t.tag === TAG.UTC_TIME && (m = s.match(/^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/))) {
    const yy = Number(m[1]);
    return new Date(Date.UTC(yy >= 50 ? 1900 + yy : 2000 + yy, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)));
  }
  if (t.tag === TAG.GENERALIZED_TIME && (m = s.match(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/))) {
    return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  }
  throw new DerError(`not a DER time: ${s}`);
}

/** Decodes an X.500 DirectoryString-like value to text. */
export function decodeString(t: Tlv): string {
  const b = content(t);
  switch (t.tag) {
    case TAG.UTF8_STRING:
      return b.toString('utf8');
    case TAG.BMP_STRING: {
      const sw = Buffer.from(b);
      sw.swap16();
      return sw.toString('utf16le');
    }
    case TAG.UNIVERSAL_STRING: {
      let s = '';
      for (let i = 0; i + 3 < b.length; i += 4) s += String.fromCodePoint(b.readUInt32BE(i));
      return s;
    }
    default:
      // PrintableString, IA5String, VisibleString, T61String (read as Latin-1, as OpenSSL does).
      return b.toString('latin1');
  }
}
