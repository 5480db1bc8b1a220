/** PEM blocks in and out (LF line ends, 64 columns), with size limits on input. */
import { OnboardError } from '../../../shared/errors';

export interface PemBlock {
  /** `CERTIFICATE`, `ENCRYPTED PRIVATE KEY`, … */
  readonly label: string;
  /** RFC 1421 headers (`Proc-Type`, `DEK-Info`) of traditional encrypted keys. */
  readonly headers: Readonly<Record<string, string>>;
  readonly der: Buffer;
  /** The block's text, as found (normalised to LF). */
  readonly text: string;
}

/** Largest credential file read (a certificate with a long chain is a few dozen kB). */
export const MAX_CREDENTIAL_FILE_BYTES = 1024 * 1024;

export function checkSize(input: string | Uint8Array, what: string, limit = MAX_CREDENTIAL_FILE_BYTES): void {
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
  if (size > limit) throw new OnboardError('INPUT_TOO_LARGE', { what, size, limit });
}

const LABEL_RE = /^[A-Z0-9 ]{1,64}$/;

/** Every PEM block in the text, in order. Text outside blocks (bag attributes) is ignored. */
export function decodePem(input: string | Uint8Array, what: string): PemBlock[] {
  checkSize(input, what);
  const text = (typeof input === 'string' ? input : Buffer.from(input).toString('latin1')).replace(/\r\n?/g, '\n');
  const blocks: PemBlock[] = [];
  // indexOf scanning keeps this linear in the input, whatever it holds.
  for (let from = 0; ; ) {
    const begin = text.indexOf('-----BEGIN ', from);
    if (begin < 0) break;
    const labelEnd = text.indexOf('-----', begin + 11);
    const label = labelEnd < 0 ? '' : text.slice(begin + 11, labelEnd);
    if (!LABEL_RE.test(label)) throw new OnboardError('PEM_INVALID', { what, detail: 'a “-----BEGIN” line is not complete' });
    const end = text.indexOf('-----END ', labelEnd + 5);
    if (end < 0) throw new OnboardError('PEM_INVALID', { what, detail: `the ${label} block has no END line (the file is cut short)` });
    const endLabelEnd = text.indexOf('-----', end + 9);
    const endLabel = endLabelEnd < 0 ? '' : text.slice(end + 9, endLabelEnd);
    if (endLabel !== label) throw new OnboardError('PEM_INVALID', { what, detail: `“BEGIN ${label}” ends with “END ${endLabel.slice(0, 64)}”` });
    from = endLabelEnd + 5;
    const body = text.slice(labelEnd + 5, end);
    const headers: Record<string, string> = {};
    let b64 = body;
    const split = body.indexOf('\n\n');
    if (/^\n?[A-Za-z-]+:/.test(body) && split >= 0) {
      for (const line of body.slice(0, split).split('\n')) {
        const i = line.indexOf(':');
        if (i > 0) headers[line.slice(0, i).trim()] = line.slice(i + 1).trim();
      }
      b64 = body.slice(split + 2);
    }
    const clean = b64.replace(/[ \t\n]/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) {
      throw new OnboardError('PEM_INVALID', { what, detail: `the ${label} block is not valid base64` });
    }
    const der = Buffer.from(clean, 'base64');
    if (der.length === 0) throw new OnboardError('PEM_INVALID', { what, detail: `the ${label} block is empty` });
    blocks.push({ label, headers, der, text: text.slice(begin, from) + '\n' });
  }
  return blocks;
}

/** True when the bytes look like PEM text rather than DER. */
export function looksLikePem(input: string | Uint8Array): boolean {
  const head = typeof input === 'string' ? input.slice(0, 4096) : Buffer.from(input.subarray(0, 4096)).toString('latin1');
  return head.includes('-----BEGIN ');
}

export function encodePem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Node and forge sometimes write CRLF; credential files are LF. */
export function normalizePem(pem: string): string {
  return pem.replace(/\r\n?/g, '\n');
}
