/**
 * Just enough RFC 5322 / MIME for the sandbox mailbox: compose plain-text UTF-8 messages
 * (quoted-printable, so they are 7-bit clean on the wire) and read them back, including the
 * usual shapes other mailers send (multipart/alternative, base64, encoded-word subjects).
 */

export interface OutgoingMail {
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly date: Date;
  readonly messageId: string;
}

export interface ParsedMail {
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  /** ISO 8601, from the Date header (empty when it had none or it did not parse). */
  readonly date: string;
  readonly text: string;
  /** Every http(s) link in the text, in order, without duplicates. */
  readonly links: readonly string[];
}

const CRLF = '\r\n';

function encodeWord(s: string): string {
  // Printable ASCII stays as is; anything else becomes one RFC 2047 B-encoded word.
  return /^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;
}

/** Quoted-printable (RFC 2045 §6.7) of UTF-8 text; lines end CRLF, at most 76 characters. */
export function encodeQuotedPrintable(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  return lines
    .map((line) => {
      const bytes = Buffer.from(line, 'utf8');
      let out = '';
      let cur = '';
      bytes.forEach((b, i) => {
        const last = i === bytes.length - 1;
        const plain = (b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !last);
        const piece = plain ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
        if (cur.length + piece.length > 75) {
          out += cur + '=' + CRLF;
          cur = '';
        }
        cur += piece;
      });
      return out + cur;
    })
    .join(CRLF);
}

export function composeMessage(m: OutgoingMail): string {
  const headers = [
    `From: ${encodeWord(m.from)}`,
    `To: ${m.to.join(', ')}`,
    `Subject: ${encodeWord(m.subject)}`,
    `Date: ${m.date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${m.messageId}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
  ];
  const body = encodeQuotedPrintable(m.text);
  return headers.join(CRLF) + CRLF + CRLF + body + (body.endsWith(CRLF) ? '' : CRLF);
}

// ---------- reading ----------

interface Part {
  readonly headers: Map<string, string>;
  readonly body: Buffer;
}

function splitHeaderBody(raw: Buffer): Part {
  const text = raw.toString('latin1');
  const m = /\r?\n\r?\n/.exec(text);
  const headEnd = m ? m.index : text.length;
  const bodyStart = m ? m.index + m[0].length : text.length;
  const headers = new Map<string, string>();
  const unfolded = text.slice(0, headEnd).replace(/\r?\n[ \t]+/g, ' ');
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    // Keep raw bytes (latin1 view) so 8-bit UTF-8 headers can be decoded later.
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { headers, body: raw.subarray(Buffer.byteLength(text.slice(0, bodyStart), 'latin1')) };
}

function decodeCharset(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset || 'utf-8').decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

export function decodeQuotedPrintable(s: string): Buffer {
  const soft = s.replace(/=\r?\n/g, '');
  const out: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    const c = soft[i];
    const hex = soft.slice(i + 1, i + 3);
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      out.push(parseInt(hex, 16));
      i += 2;
    } else out.push(soft.charCodeAt(i) & 0xff);
  }
  return Buffer.from(out);
}

/** Decodes RFC 2047 encoded words; 8-bit header bytes are read as UTF-8. */
export function decodeHeader(raw: string): string {
  const utf8 = Buffer.from(raw, 'latin1').toString('utf8');
  return utf8
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_w, charset: string, enc: string, data: string) => {
      const bytes = enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64') : decodeQuotedPrintable(data.replace(/_/g, ' '));
      return decodeCharset(bytes, charset.replace(/\*.*$/, ''));
    });
}

function param(value: string, name: string): string | undefined {
  const m = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]*))`, 'i').exec(value);
  return m ? (m[1] ?? m[2]) : undefined;
}

function decodeBody(part: Part): string {
  const cte = (part.headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  const charset = param(part.headers.get('content-type') ?? '', 'charset') ?? 'utf-8';
  let bytes: Buffer = part.body;
  if (cte === 'quoted-printable') bytes = decodeQuotedPrintable(part.body.toString('latin1'));
  else if (cte === 'base64') bytes = Buffer.from(part.body.toString('latin1').replace(/\s+/g, ''), 'base64');
  return decodeCharset(bytes, charset).replace(/\r\n/g, '\n');
}

function htmlToText(html: string): string {
  const withLinks = html.replace(/<a\b[^>]*href\s*=\s*"([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, '$2 ($1)');
  return withLinks
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>|<\/p>|<\/div>|<\/li>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'");
}

/** The text of a part: text/plain preferred, text/html reduced to text, depth-bounded. */
function textOf(part: Part, depth = 0): string | undefined {
  const type = (part.headers.get('content-type') ?? 'text/plain').toLowerCase();
  if (type.startsWith('multipart/') && depth < 5) {
    const boundary = param(part.headers.get('content-type') ?? '', 'boundary');
    if (!boundary) return undefined;
    const body = part.body.toString('latin1');
    const chunks = body.split(new RegExp(`\\r?\\n?--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?[ \\t]*\\r?\\n?`));
    const parts = chunks.slice(1).filter((c) => c.trim().length > 0).map((c) => splitHeaderBody(Buffer.from(c, 'latin1')));
    const plain = parts.find((p) => (p.headers.get('content-type') ?? 'text/plain').toLowerCase().startsWith('text/plain'));
    for (const p of plain ? [plain, ...parts] : parts) {
      const t = textOf(p, depth + 1);
      if (t !== undefined) return t;
    }
    return undefined;
  }
  if (type.startsWith('text/html')) return htmlToText(decodeBody(part));
  if (type.startsWith('text/')) return decodeBody(part);
  return undefined;
}

export function extractLinks(text: string): string[] {
  const found = text.match(/https?:\/\/[^\s<>"'()]+/g) ?? [];
  const cleaned = found.map((l) => l.replace(/[.,;:!?]+$/, ''));
  return [...new Set(cleaned)];
}

function addresses(header: string): string[] {
  return header
    .split(',')
    .map((a) => {
      const m = /<([^>]+)>/.exec(a);
      return (m ? m[1] : a).trim();
    })
    .filter((a) => a.length > 0);
}

export function parseMessage(raw: Buffer): ParsedMail {
  const top = splitHeaderBody(raw);
  const dateHeader = top.headers.get('date');
  const date = dateHeader ? new Date(dateHeader) : undefined;
  const text = textOf(top) ?? '';
  return {
    from: decodeHeader(top.headers.get('from') ?? ''),
    to: addresses(decodeHeader(top.headers.get('to') ?? '')),
    subject: decodeHeader(top.headers.get('subject') ?? ''),
    date: date && !Number.isNaN(date.getTime()) ? date.toISOString() : '',
    text,
    links: extractLinks(text),
  };
}
