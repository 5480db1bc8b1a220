/**
 * A small DER reader and writer: just what the trust service needs to take a certificate's
 * subject Name apart (for the OpenSSL subject hash and for display) without re-encoding it.
 */

export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

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

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  NUMERIC_STRING: 0x12,
  PRINTABLE_STRING: 0x13,
  T61_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  VISIBLE_STRING: 0x1a,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

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
  if (len < 0x80) return Uint8Array.of(len);
  const bytes: number[] = [];
  for (let n = len; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Uint8Array.from([0x80 | bytes.length, ...bytes]);
}

export function encodeTlv(tag: number, content: Uint8Array): Uint8Array {
  const len = encodeLength(content.length);
  const out = new Uint8Array(1 + len.length + content.length);
  out[0] = tag;
  out.set(len, 1);
  out.set(content, 1 + len.length);
  return out;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** DER ordering of SET OF elements, as OpenSSL sorts them (memcmp, then shorter first). */
export function compareDer(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Dotted form of an OBJECT IDENTIFIER's content octets. */
export function decodeOid(content: Uint8Array): string {
  if (content.length === 0) throw new DerError('empty OBJECT IDENTIFIER');
  const arcs: number[] = [];
  let v = 0;
  for (const b of content) {
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      arcs.push(v);
      v = 0;
    }
  }
  const first = arcs.shift() ?? 0;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs].join('.');
}
