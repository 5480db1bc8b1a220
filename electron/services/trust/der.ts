/**
 * The trust service's DER: the writer, OID decoding and DER SET ordering come from the shared
 * module (pki/der.ts); the reader here is its own view-based one (content and whole encoding as
 * views, high tag numbers skipped) that takes a certificate's subject Name apart for the OpenSSL
 * subject hash and for display without re-encoding it.
 */
import { DerError, lengthOctets, tlv as derTlv } from '../pki/der';

export { DerError, TAG, compareDer, decodeOidBytes as decodeOid } from '../pki/der';

/** One TLV: its tag byte(s), where its content sits, and the whole encoding. */
export interface Tlv {
  /** First identifier octet (class, constructed bit, low tag number). */
  readonly tag: number;
  readonly constructed: boolean;
  /** The whole TLV (header + content). */
  readonly raw: Uint8Array;
  /** Only the content octets. */
  readonly content: Uint8Array;
}

/** Reads one TLV at `offset`; returns it and the offset just after it. */
export function readTlv(buf: Uint8Array, offset = 0): { tlv: Tlv; next: number } {
  let p = offset;
  if (p >= buf.length) throw new DerError('unexpected end of data');
  const tag = buf[p++];
  if ((tag & 0x1f) === 0x1f) {
    // High tag number form: skip the continuation octets.
    while (p < buf.length && buf[p] & 0x80) p++;
    p++;
  }
  if (p >= buf.length) throw new DerError('unexpected end of data in a length');
  let len = buf[p++];
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) throw new DerError('indefinite length is not DER');
    if (n > 4) throw new DerError('length too large');
    len = 0;
    for (let i = 0; i < n; i++) {
      if (p >= buf.length) throw new DerError('unexpected end of data in a length');
      len = len * 256 + buf[p++];
    }
  }
  const end = p + len;
  if (end > buf.length) throw new DerError('a length runs past the end of the data');
  return {
    tlv: { tag, constructed: (tag & 0x20) !== 0, raw: buf.subarray(offset, end), content: buf.subarray(p, end) },
    next: end,
  };
}

/** The TLVs inside a constructed TLV's content, in order. */
export function children(tlv: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let p = 0;
  while (p < tlv.content.length) {
    const { tlv: child, next } = readTlv(tlv.content, p);
    out.push(child);
    p = next;
  }
  return out;
}

/** Reads exactly one TLV spanning the whole buffer. */
export function parseDer(buf: Uint8Array): Tlv {
  const { tlv, next } = readTlv(buf, 0);
  if (next !== buf.length) throw new DerError('trailing data after the DER value');
  return tlv;
}

export function encodeLength(len: number): Uint8Array {
  return lengthOctets(len);
}

export function encodeTlv(tag: number, content: Uint8Array): Uint8Array {
  return derTlv(tag, content);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}
