/**
 * The one small DER reader and writer shared by the proxy, issuer and trust services (and the
 * sandbox CA). Dependency-free on purpose: `osg-onboard proxy init` must start fast (no zod, no
 * node-forge on that path), and certificates and names are kept as their raw bytes, never
 * re-encoded (DESIGN §5: forge double-encodes UTF8String and flattens multi-valued RDNs).
 * PKCS#12 needs a BER reader with depth bounds: that one is credential/asn1.ts.
 */

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
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

export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

// ---------- writer ----------

/** DER length octets (definite, minimal). */
export function lengthOctets(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** One TLV from a single-byte tag and its content parts. */
export function tlv(tag: number, ...parts: readonly Uint8Array[]): Buffer {
  const body = parts.length === 1 ? parts[0] : Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), lengthOctets(body.length), body]);
}

export const seq = (...parts: readonly Uint8Array[]): Buffer => tlv(TAG.SEQUENCE, ...parts);
/** SET with its elements in the order given (sort them yourself for a DER SET OF). */
export const set = (...parts: readonly Uint8Array[]): Buffer => tlv(TAG.SET, ...parts);
/** `[n] EXPLICIT` (constructed context tag). */
export const explicit = (n: number, ...parts: readonly Uint8Array[]): Buffer => tlv(0xa0 | n, ...parts);
/** `[n] IMPLICIT` on a primitive value. */
export const implicitPrimitive = (n: number, value: Uint8Array): Buffer => tlv(0x80 | n, value);
export const nullValue = (): Buffer => Buffer.from([TAG.NULL, 0]);
export const octetString = (b: Uint8Array): Buffer => tlv(TAG.OCTET_STRING, b);
/** BIT STRING; no unused bits by default (signatures, public keys). */
export const bitString = (b: Uint8Array, unusedBits = 0): Buffer => tlv(TAG.BIT_STRING, Buffer.from([unusedBits]), b);
export const boolean = (v: boolean): Buffer => Buffer.from([TAG.BOOLEAN, 1, v ? 0xff : 0]);

/** A minimal DER INTEGER from unsigned big-endian magnitude bytes (always positive). */
export function unsignedInteger(magnitude: Uint8Array): Buffer {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  let body = Buffer.from(magnitude.subarray(i));
  if (body.length === 0) body = Buffer.from([0]);
  if (body[0] & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return tlv(TAG.INTEGER, body);
}

export function smallInteger(n: number): Buffer {
  if (!Number.isSafeInteger(n) || n < 0) throw new DerError(`not a small non-negative integer: ${n}`);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return unsignedInteger(Buffer.from(bytes.length ? bytes : [0]));
}

/** OBJECT IDENTIFIER from its dotted form (arcs of any size). */
export function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map((p) => {
    if (!/^\d+$/.test(p)) throw new DerError(`not an OID: ${dotted}`);
    return BigInt(p);
  });
  if (parts.length < 2) throw new DerError(`not an OID: ${dotted}`);
  const out: number[] = [];
  const push = (v: bigint) => {
    const stack: number[] = [Number(v & 0x7fn)];
    for (v >>= 7n; v > 0n; v >>= 7n) stack.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...stack);
  };
  push(parts[0] * 40n + parts[1]);
  for (const p of parts.slice(2)) push(p);
  return tlv(TAG.OID, Buffer.from(out));
}

/** UTCTime for 1950–2049, GeneralizedTime otherwise (RFC 5280 §4.1.2.5); whole seconds. */
export function time(d: Date): Buffer {
  const y = d.getUTCFullYear();
  const rest = d.toISOString().slice(5, 19).replace(/[-T:]/g, '') + 'Z';
  if (y >= 1950 && y < 2050) return tlv(TAG.UTC_TIME, Buffer.from(String(y).slice(2) + rest, 'ascii'));
  return tlv(TAG.GENERALIZED_TIME, Buffer.from(String(y).padStart(4, '0') + rest, 'ascii'));
}

// ---------- reader ----------

/** One parsed TLV (single-byte tags only, which is all PKIX uses); offsets are absolute in `buf`. */
export interface Tlv {
  readonly buf: Buffer;
  /** The identifier octet. */
  readonly tag: number;
  /** Offset of the identifier octet. */
  readonly start: number;
  /** Offset of the first content octet. */
  readonly contentStart: number;
  /** Offset just past the content. */
  readonly end: number;
}

const asBuffer = (b: Uint8Array): Buffer => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** Reads the TLV at `offset` (definite lengths only: DER). */
export function readTlv(buf: Uint8Array, offset = 0, limit = buf.length): Tlv {
  if (offset + 2 > limit) throw new DerError('truncated element');
  const tag = buf[offset];
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags are not supported');
  let len = buf[offset + 1];
  let p = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) throw new DerError('indefinite length is not DER');
    if (n > 4) throw new DerError('element too long');
    if (p + n > limit) throw new DerError('truncated length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i];
    p += n;
  }
  if (p + len > limit) throw new DerError('truncated element');
  return { buf: asBuffer(buf), tag, start: offset, contentStart: p, end: p + len };
}

/** Reads a whole buffer that must be exactly one TLV, optionally of a given tag. */
export function readOne(buf: Uint8Array, expectTag?: number): Tlv {
  const t = readTlv(buf, 0);
  if (t.end !== buf.length) throw new DerError('trailing bytes after the element');
  if (expectTag !== undefined && t.tag !== expectTag) throw new DerError(`expected tag 0x${expectTag.toString(16)}, found 0x${t.tag.toString(16)}`);
  return t;
}

/** The content octets (a view into `buf`). */
export function content(t: Tlv): Buffer {
  return t.buf.subarray(t.contentStart, t.end);
}

/** The whole encoding (tag + length + content), a view into `buf`. */
export function whole(t: Tlv): Buffer {
  return t.buf.subarray(t.start, t.end);
}

/** The whole encoding, byte for byte as it was read, as a copy. */
export function raw(t: Tlv): Buffer {
  return Buffer.from(whole(t));
}

/** The elements inside a constructed TLV. */
export function children(t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = t.contentStart; p < t.end; ) {
    const c = readTlv(t.buf, p, t.end);
    out.push(c);
    p = c.end;
  }
  return out;
}

export function expectTag(t: Tlv, tag: number, what: string): Tlv {
  if (t.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, found 0x${t.tag.toString(16)}`);
  return t;
}

/** Children with a check of the tag and of how many there must be (at least). */
export function expectChildren(t: Tlv, tag: number, min: number, what: string): Tlv[] {
  if (t.tag !== tag) throw new DerError(`${what}: unexpected tag 0x${t.tag.toString(16)}`);
  const c = children(t);
  if (c.length < min) throw new DerError(`${what}: too few elements`);
  return c;
}

/** Dotted form of OBJECT IDENTIFIER content octets (arcs of any size). */
export function decodeOidBytes(b: Uint8Array): string {
  if (b.length === 0) throw new DerError('empty OBJECT IDENTIFIER');
  const out: bigint[] = [];
  let v = 0n;
  for (const byte of b) {
    v = (v << 7n) | BigInt(byte & 0x7f);
    if (!(byte & 0x80)) {
      out.push(v);
      v = 0n;
    }
  }
  const first = out.shift() ?? 0n;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...out].join('.');
}

/** INTEGER as a bigint (two's complement). */
export function decodeInteger(t: Tlv): bigint {
  const b = content(t);
  if (b.length === 0) return 0n;
  let v = BigInt('0x' + b.toString('hex'));
  if (b[0] & 0x80) v -= 1n << BigInt(b.length * 8);
  return v;
}

/** BIT STRING content without the unused-bits byte, and that count. */
export function decodeBitString(t: Tlv): { bytes: Buffer; unused: number } {
  const b = content(t);
  if (b.length === 0) throw new DerError('empty BIT STRING');
  return { bytes: b.subarray(1), unused: b[0] };
}

/** DER ordering of SET OF elements, as OpenSSL sorts them (memcmp, then shorter first). */
export function compareDer(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

// ---------- PEM ----------

export function pemToDer(pem: string, label?: string): Buffer {
  const re = label
    ? new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`)
    : /-----BEGIN [A-Z0-9 ]+-----([\s\S]*?)-----END [A-Z0-9 ]+-----/;
  const m = pem.match(re);
  if (!m) throw new DerError(`no PEM ${label ?? ''} block`.trim());
  return Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
}

/** PEM with LF line endings and 64-column lines. */
export function derToPem(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** All PEM blocks with this label, as DER. */
export function pemBlocks(text: string, label: string): Buffer[] {
  const re = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, 'g');
  return [...text.matchAll(re)].map((m) => Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
}
