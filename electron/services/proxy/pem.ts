/** PEM in and out. We always write LF line ends and 64-column base64 (as OpenSSL does). */

export interface PemBlock {
  readonly label: string;
  /** Header lines such as `Proc-Type: 4,ENCRYPTED` (legacy encrypted keys). */
  readonly headers: readonly string[];
  readonly der: Buffer;
  /** The block's text exactly as found (LF-normalised). */
  readonly text: string;
}

export function pemEncode(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;

/** Every PEM block in a text, in order (text outside blocks is ignored, as OpenSSL does). */
export function pemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  for (const m of text.replace(/\r\n?/g, '\n').matchAll(BLOCK)) {
    const body = m[2].split('\n');
    const headers: string[] = [];
    let i = 0;
    if (body.some((l) => /^[A-Za-z-]+:/.test(l))) {
      while (i < body.length && body[i].trim() !== '') headers.push(body[i++]);
    }
    const b64 = body.slice(i).join('').replace(/\s+/g, '');
    out.push({ label: m[1], headers, der: Buffer.from(b64, 'base64'), text: m[0] + '\n' });
  }
  return out;
}

export const isCertificateLabel = (label: string): boolean => label === 'CERTIFICATE' || label === 'X509 CERTIFICATE' || label === 'TRUSTED CERTIFICATE';
export const isPrivateKeyLabel = (label: string): boolean => /PRIVATE KEY$/.test(label);

/** True when a private-key PEM needs a passphrase (PKCS#8 encrypted or legacy Proc-Type). */
export function isEncryptedKeyBlock(b: PemBlock): boolean {
  return b.label === 'ENCRYPTED PRIVATE KEY' || b.headers.some((h) => /^Proc-Type:\s*4,ENCRYPTED/i.test(h));
}
