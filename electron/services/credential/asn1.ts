/**
 * A small, strict-enough ASN.1 reader (BER, as NSS writes PKCS#12 with indefinite lengths) and a
 * DER writer. Hand-written rather than node-forge's so that every malformed input ends in one
 * error type, in time linear in the input, with a depth bound.
 */
import { tlv as derTlv } from '../pki/der';

export class Asn1Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Asn1Error';
  }
}

export const TAG = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OID: 6,
  UTF8_STRING: 12,
  SEQUENCE: 16,
  SET: 17,
  NUMERIC_STRING: 18,
  PRINTABLE_STRING: 19,
  T61_STRING: 20,
  IA5_STRING: 22,
  UTC_TIME: 23,
  GENERALIZED_TIME: 24,
  VISIBLE_STRING: 26,
  UNIVERSAL_STRING: 28,
  BMP_STRING: 30,
} as const;

export const CLASS = { UNIVERSAL: 0, APPLICATION: 1, CONTEXT: 2, PRIVATE: 3 } as const;

export interface Asn1Node {
  readonly cls: number;
  readonly constructed: boolean;
  readonly tag: number;
  /** Offset of the first header byte in `buf`. */
  readonly start: number;
  /** Offset of the first content byte. */
  readonly contentStart: number;
  /** Offset just past the content (before the end-of-contents octets when indefinite). */
  readonly contentEnd: number;
  /** Offset just past the whole element (after the end-of-contents octets when indefinite). */
  readonly end: number;
  readonly children: readonly Asn1Node[];
  readonly buf: Buffer;
}

export interface ParseOptions {
  /** Deepest nesting accepted (PKCS#12 needs about 12). */
  readonly maxDepth?: number;
  /** Accept indefinite lengths and constructed strings (BER). */
  readonly ber?: boolean;
}

/** Parses exactly one element filling `buf`. */
export function parseAsn1(buf: Buffer, options: ParseOptions = {}): Asn1Node {
  if (buf.length === 0) throw new Asn1Error('it is empty');
  const maxDepth = options.maxDepth ?? 40;
  const ber = options.ber ?? true;
  const node = parseAt(buf, 0, buf.length, 0, maxDepth, ber);
  if (node.end !== buf.length) throw new Asn1Error(`${buf.length - node.end} unexpected bytes after the data`);
  return node;
}

function parseAt(buf: Buffer, pos: number, limit: number, depth: number, maxDepth: number, ber: boolean): Asn1Node {
  if (depth > maxDepth) throw new Asn1Error('the data is nested too deeply');
  const start = pos;
  if (pos >= limit) throw new Asn1Error('the data ends too early');
  const b0 = buf[pos++];
  const cls = b0 >> 6;
  const constructed = (b0 & 0x20) !== 0;
  let tag = b0 & 0x1f;
  if (tag === 0x1f) {
    tag = 0;
    for (let n = 0; ; n++) {
      if (pos >= limit || n > 3) throw new Asn1Error('bad tag');
      const b = buf[pos++];
      tag = tag * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  if (pos >= limit) throw new Asn1Error('the data ends too early');
  const l0 = buf[pos++];
  let length = -1;
  if (l0 < 0x80) length = l0;
  else if (l0 === 0x80) {
    if (!ber || !constructed) throw new Asn1Error('bad indefinite length');
  } else {
    const n = l0 & 0x7f;
    if (n > 4) throw new Asn1Error('length too large');
    length = 0;
    for (let i = 0; i < n; i++) {
      if (pos >= limit) throw new Asn1Error('the data ends too early');
      length = length * 256 + buf[pos++];
    }
  }
  const contentStart = pos;
  const children: Asn1Node[] = [];
  if (length >= 0) {
    const contentEnd = contentStart + length;
    if (contentEnd > limit) throw new Asn1Error('an element is longer than the data');
    if (constructed) {
      let p = contentStart;
      while (p < contentEnd) {
        const child = parseAt(buf, p, contentEnd, depth + 1, maxDepth, ber);
        children.push(child);
        p = child.end;
      }
    }
    return { cls, constructed, tag, start, contentStart, contentEnd, end: contentEnd, children, buf };
  }
  // Indefinite length: children until the end-of-contents octets 00 00.
  let p = contentStart;
  for (;;) {
    if (p + 2 > limit) throw new Asn1Error('missing end-of-contents');
    if (buf[p] === 0 && buf[p + 1] === 0) break;
    const child = parseAt(buf, p, limit, depth + 1, maxDepth, ber);
    children.push(child);
    p = child.end;
  }
  return { cls, constructed, tag, start, contentStart, contentEnd: p, end: p + 2, children, buf };
}

// ---------- reading helpers ----------

const names: Record<number, string> = {
  1: 'BOOLEAN', 2: 'INTEGER', 3: 'BIT STRING', 4: 'OCTET STRING', 5: 'NULL', 6: 'OBJECT IDENTIFIER',
  16: 'SEQUENCE', 17: 'SET',
};

function describe(cls: number, tag: number): string {
  if (cls === CLASS.CONTEXT) return `[${tag}]`;
  return names[tag] ?? `tag ${tag}`;
}

/** Checks the node's class and tag (universal by default). */
export function expectTag(node: Asn1Node | undefined, tag: number, what: string, cls: number = CLASS.UNIVERSAL): Asn1Node {
  if (!node) throw new Asn1Error(`${what} is missing`);
  if (node.cls !== cls || node.tag !== tag) {
    throw new Asn1Error(`${what}: expected ${describe(cls, tag)}, found ${describe(node.cls, node.tag)}`);
  }
  return node;
}

export function expectSequence(node: Asn1Node | undefined, what: string, minChildren = 0): Asn1Node {
  expectTag(node, TAG.SEQUENCE, what);
  if (!node!.constructed) throw new Asn1Error(`${what}: not constructed`);
  if (node!.children.length < minChildren) throw new Asn1Error(`${what}: too few elements`);
  return node!;
}

/** The element's complete encoding (header, content and any end-of-contents). */
export function rawBytes(node: Asn1Node): Buffer {
  return node.buf.subarray(node.start, node.end);
}

/** Content octets; a BER constructed string is the concatenation of its segments. */
export function contentBytes(node: Asn1Node): Buffer {
  if (!node.constructed) return node.buf.subarray(node.contentStart, node.contentEnd);
  const parts: Buffer[] = [];
  const walk = (n: Asn1Node) => {
    for (const c of n.children) {
      if (c.cls !== CLASS.UNIVERSAL || (c.tag !== TAG.OCTET_STRING && c.tag !== node.tag)) {
        throw new Asn1Error('bad segment in a constructed string');
      }
      if (c.constructed) walk(c);
      else parts.push(c.buf.subarray(c.contentStart, c.contentEnd));
    }
  };
  walk(node);
  return Buffer.concat(parts);
}

export function readOctets(node: Asn1Node | undefined, what: string): Buffer {
  return contentBytes(expectTag(node, TAG.OCTET_STRING, what));
}

export function readOid(node: Asn1Node | undefined, what: string): string {
  const n = expectTag(node, TAG.OID, what);
  if (n.constructed) throw new Asn1Error(`${what}: bad OID`);
  return decodeOid(contentBytes(n));
}

export function decodeOid(b: Buffer): string {
  if (b.length === 0 || b.length > 64) throw new Asn1Error('bad OID');
  const arcs: number[] = [];
  let v = 0;
  for (let i = 0; i < b.length; i++) {
    if (v === 0 && b[i] === 0x80) throw new Asn1Error('bad OID');
    v = v * 128 + (b[i] & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 256) throw new Asn1Error('bad OID');
    if ((b[i] & 0x80) === 0) {
      arcs.push(v);
      v = 0;
    } else if (i === b.length - 1) throw new Asn1Error('bad OID');
  }
  const first = arcs[0];
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join('.');
}

/** A small non-negative INTEGER (versions, iteration counts). */
export function readSmallInt(node: Asn1Node | undefined, what: string, max = 0x7fffffff): number {
  const n = expectTag(node, TAG.INTEGER, what);
  const b = contentBytes(n);
  if (b.length === 0 || b.length > 5 || (b[0] & 0x80) !== 0) throw new Asn1Error(`${what}: not a small positive number`);
  let v = 0;
  for (const x of b) v = v * 256 + x;
  if (v > max) throw new Asn1Error(`${what}: ${v} is too large`);
  return v;
}

/** Decodes the character string types found in names and PKCS#12 attributes. */
export function readString(node: Asn1Node): string {
  if (node.cls !== CLASS.UNIVERSAL) throw new Asn1Error('expected a string');
  const b = contentBytes(node);
  switch (node.tag) {
    case TAG.UTF8_STRING: {
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(b);
      } catch {
        throw new Asn1Error('bad UTF-8 text');
      }
    }
    case TAG.PRINTABLE_STRING:
    case TAG.IA5_STRING:
    case TAG.VISIBLE_STRING:
    case TAG.NUMERIC_STRING:
    case TAG.T61_STRING:
      return b.toString('latin1');
    case TAG.BMP_STRING:
      if (b.length % 2) throw new Asn1Error('bad BMPString');
      return Buffer.from(b).swap16().toString('utf16le');
    case TAG.UNIVERSAL_STRING: {
      if (b.length % 4) throw new Asn1Error('bad UniversalString');
      let s = '';
      for (let i = 0; i < b.length; i += 4) {
        const cp = b.readUInt32BE(i);
        if (cp > 0x10ffff) throw new Asn1Error('bad UniversalString');
        s += String.fromCodePoint(cp);
      }
      return s;
    }
    default:
      throw new Asn1Error(`expected a string, found tag ${node.tag}`);
  }
}

// ---------- DER writer ----------

/** One element from its identifier octet and content (the shared DER writer, pki/der.ts). */
export function tlv(identifier: number, content: Buffer): Buffer {
  return derTlv(identifier, content);
}

export const der = {
  sequence: (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items)),
  /** SET OF in DER order (elements sorted by their encodings). */
  set: (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat([...items].sort(Buffer.compare))),
  integer: (v: number | bigint | Buffer): Buffer => {
    let b: Buffer;
    if (Buffer.isBuffer(v)) b = v;
    else {
      let hex = BigInt(v).toString(16);
      if (hex.length % 2) hex = '0' + hex;
      b = Buffer.from(hex, 'hex');
    }
    let i = 0;
    while (i < b.length - 1 && b[i] === 0 && (b[i + 1] & 0x80) === 0) i++;
    b = b.subarray(i);
    if (b.length === 0) b = Buffer.from([0]);
    if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
    return tlv(0x02, b);
  },
  oid: (dotted: string): Buffer => tlv(0x06, encodeOid(dotted)),
  null: (): Buffer => Buffer.from([0x05, 0x00]),
  octetString: (b: Buffer): Buffer => tlv(0x04, b),
  bitString: (b: Buffer): Buffer => tlv(0x03, Buffer.concat([Buffer.from([0]), b])),
  utf8: (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8')),
  printable: (s: string): Buffer => tlv(0x13, Buffer.from(s, 'latin1')),
  ia5: (s: string): Buffer => tlv(0x16, Buffer.from(s, 'latin1')),
  bmp: (s: string): Buffer => tlv(0x1e, Buffer.from(s, 'utf16le').swap16()),
  /** [n] EXPLICIT / constructed context tag around already-encoded content. */
  contextConstructed: (n: number, content: Buffer): Buffer => tlv(0xa0 | n, content),
  /** [n] IMPLICIT primitive context tag. */
  contextPrimitive: (n: number, content: Buffer): Buffer => tlv(0x80 | n, content),
};

export function encodeOid(dotted: string): Buffer {
  const parts = dotted.split('.').map((p) => {
    if (!/^\d+$/.test(p)) throw new Asn1Error(`bad OID ${dotted}`);
    return Number(p);
  });
  if (parts.length < 2 || parts[0] > 2 || (parts[0] < 2 && parts[1] >= 40)) throw new Asn1Error(`bad OID ${dotted}`);
  const arcs = [parts[0] * 40 + parts[1], ...parts.slice(2)];
  const out: number[] = [];
  for (const arc of arcs) {
    const chunk: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return Buffer.from(out);
}
