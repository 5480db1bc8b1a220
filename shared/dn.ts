/**
 * Distinguished names in the two spellings scientists meet:
 * - grid "slash" form, most significant first: `/DC=org/DC=cilogon/C=US/O=Univ/CN=Jane Doe A123`
 * - RFC 4514, least significant first: `CN=Jane Doe A123,O=Univ,C=US,DC=cilogon,DC=org`
 * A DN is kept as RDNs in X.500 order (most significant first); a multi-valued RDN
 * (`CN=x+UID=y`) is one RDN with several attributes.
 */

export interface DnAttribute {
  /** Short name (CN, O, OU, C, DC, L, ST, UID, emailAddress…) or a dotted OID. */
  readonly type: string;
  readonly value: string;
}
export type Rdn = readonly DnAttribute[];
export type Dn = readonly Rdn[];

export class DnSyntaxError extends Error {
  constructor(readonly input: string, readonly reason: string) {
    super(`Not a valid distinguished name (${reason}): ${input}`);
    this.name = 'DnSyntaxError';
  }
}

/** Short names and their OIDs (those grid CAs use). */
export const DN_ATTRIBUTE_OIDS: Readonly<Record<string, string>> = {
  CN: '2.5.4.3',
  SN: '2.5.4.4',
  SERIALNUMBER: '2.5.4.5',
  C: '2.5.4.6',
  L: '2.5.4.7',
  ST: '2.5.4.8',
  STREET: '2.5.4.9',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  T: '2.5.4.12',
  GN: '2.5.4.42',
  DC: '0.9.2342.19200300.100.1.25',
  UID: '0.9.2342.19200300.100.1.1',
  EMAILADDRESS: '1.2.840.113549.1.9.1',
};

const TYPE_ALIASES: Readonly<Record<string, string>> = {
  E: 'emailAddress',
  EMAIL: 'emailAddress',
  EMAILADDRESS: 'emailAddress',
  USERID: 'UID',
  S: 'ST',
};

const TYPE_RE = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)$/;

/** Canonical spelling of an attribute type: upper-case short names, `emailAddress`, OIDs as is. */
export function normalizeAttributeType(raw: string): string {
  const t = raw.trim();
  if (!TYPE_RE.test(t)) throw new DnSyntaxError(raw, `“${raw}” is not an attribute type`);
  if (/^\d/.test(t)) return t;
  const upper = t.toUpperCase();
  return TYPE_ALIASES[upper] ?? upper;
}

export function attributeOid(type: string): string | undefined {
  if (/^\d/.test(type)) return type;
  return DN_ATTRIBUTE_OIDS[type.toUpperCase()];
}

const TYPE_BY_OID: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(DN_ATTRIBUTE_OIDS).map(([short, oid]) => [oid, short === 'EMAILADDRESS' ? 'emailAddress' : short]),
);

/** The short name of an attribute type OID as `normalizeAttributeType` spells it (CN, DC, emailAddress…), else the dotted OID. */
export function attributeTypeOf(oid: string): string {
  return TYPE_BY_OID[oid] ?? oid;
}

// ---------- slash form ----------

/**
 * Parses the grid slash form. A `/` or `+` inside a value is kept when it is not followed by
 * `TYPE=` (as OpenSSL's `-nameopt compat` output is read by grid tools).
 */
export function parseSlashDn(input: string): Dn {
  const s = input.trim();
  if (!s.startsWith('/')) throw new DnSyntaxError(input, 'the slash form starts with “/”');
  const rdns: DnAttribute[][] = [];
  // Split points: "/" or "+" followed by TYPE= .
  const re = /([/+])([A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)=/g;
  const marks: { index: number; sep: string; type: string; valueStart: number }[] = [];
  for (let m = re.exec(s); m; m = re.exec(s)) {
    marks.push({ index: m.index, sep: m[1], type: m[2], valueStart: m.index + m[0].length });
  }
  if (marks.length === 0 || marks[0].index !== 0) throw new DnSyntaxError(input, 'expected /TYPE=value');
  if (marks[0].sep !== '/') throw new DnSyntaxError(input, 'expected /TYPE=value');
  marks.forEach((mark, i) => {
    const end = i + 1 < marks.length ? marks[i + 1].index : s.length;
    const value = s.slice(mark.valueStart, end);
    if (value.length === 0) throw new DnSyntaxError(input, `empty value for ${mark.type}`);
    const attr = { type: normalizeAttributeType(mark.type), value };
    if (mark.sep === '+' && rdns.length > 0) rdns[rdns.length - 1].push(attr);
    else rdns.push([attr]);
  });
  return rdns;
}

export function formatSlashDn(dn: Dn): string {
  return dn.map((rdn) => '/' + rdn.map((a) => `${a.type}=${a.value}`).join('+')).join('');
}

// ---------- RFC 4514 ----------

function escape4514(value: string): string {
  let out = value.replace(/[\\,+"<>;=]/g, (c) => '\\' + c);
  if (out.startsWith('#') || out.startsWith(' ')) out = '\\' + out;
  if (out.endsWith(' ') && !out.endsWith('\\ ')) out = out.slice(0, -1) + '\\ ';
  return out;
}

/** Formats as RFC 4514 (least significant RDN first). */
export function formatRfc4514Dn(dn: Dn): string {
  return [...dn]
    .reverse()
    .map((rdn) => rdn.map((a) => `${a.type}=${escape4514(a.value)}`).join('+'))
    .join(',');
}

/** Parses RFC 4514 (`CN=a,O=b,C=US`), including `\,` `\+` `\XX` escapes. */
export function parseRfc4514Dn(input: string): Dn {
  const s = input.trim();
  if (s.length === 0) throw new DnSyntaxError(input, 'it is empty');
  const rdns: DnAttribute[][] = [];
  let current: DnAttribute[] = [];
  let i = 0;
  while (i < s.length) {
    const eq = s.indexOf('=', i);
    if (eq < 0) throw new DnSyntaxError(input, 'expected TYPE=value');
    const type = normalizeAttributeType(s.slice(i, eq));
    i = eq + 1;
    const bytes: number[] = [];
    const pushText = (t: string) => bytes.push(...new TextEncoder().encode(t));
    let done = false;
    while (i < s.length && !done) {
      const c = s[i];
      if (c === '\\') {
        const next = s.slice(i + 1, i + 3);
        if (/^[0-9A-Fa-f]{2}$/.test(next)) {
          bytes.push(parseInt(next, 16));
          i += 3;
        } else if (i + 1 < s.length) {
          pushText(s[i + 1]);
          i += 2;
        } else throw new DnSyntaxError(input, 'a “\\” ends the name');
      } else if (c === ',' || c === '+' || c === ';') {
        done = true;
      } else {
        const cp = s.codePointAt(i)!;
        pushText(String.fromCodePoint(cp));
        i += cp > 0xffff ? 2 : 1;
      }
    }
    const value = new TextDecoder('utf-8', { fatal: false }).decode(new Uint8Array(bytes)).trim();
    if (value.length === 0) throw new DnSyntaxError(input, `empty value for ${type}`);
    current.push({ type, value });
    if (i < s.length) {
      const sep = s[i];
      i += 1;
      if (sep !== '+') {
        rdns.push(current);
        current = [];
      }
      if (i >= s.length) throw new DnSyntaxError(input, 'it ends with a separator');
    }
  }
  if (current.length) rdns.push(current);
  return rdns.reverse();
}

/** Parses either spelling: a leading `/` means slash form. */
export function parseDn(input: string): Dn {
  return input.trim().startsWith('/') ? parseSlashDn(input) : parseRfc4514Dn(input);
}

export function isValidDn(input: string): boolean {
  try {
    parseDn(input);
    return true;
  } catch {
    return false;
  }
}

export function dnEquals(a: Dn, b: Dn): boolean {
  return formatSlashDn(a) === formatSlashDn(b);
}
