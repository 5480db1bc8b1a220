/** Small text helpers for what a CA says over HTTP, before a scientist reads it. */

/**
 * A server's error body, made safe and short for a message: HTML tags dropped, control
 * characters (including ANSI escapes and bidi overrides) removed, whitespace collapsed,
 * truncated with an ellipsis.
 */
export function briefBody(body: Uint8Array | string, contentType = '', max = 200): string {
  let text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  if (/html/i.test(contentType) || /^\s*<(!doctype|html)/i.test(text)) {
    text = text
      .replace(/<(script|style)[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<[^>]*>/g, ' ')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&');
  }
  text = text
    .replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '')
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (text.length > max) text = text.slice(0, max - 1).trimEnd() + '…';
  return text;
}

/**
 * `Retry-After` in seconds: delta-seconds or an HTTP-date (RFC 9110 §10.2.3). Undefined when
 * absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now: Date = new Date()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const t = Date.parse(v);
  if (Number.isNaN(t) || !/[a-z]/i.test(v)) return undefined;
  return Math.max(0, Math.ceil((t - now.getTime()) / 1000));
}

/** How long someone has waited, in the words of a progress line: `40 s`, `2 min`, `1 h 5 min`, `2 d 3 h`. */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}
