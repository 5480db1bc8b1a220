/**
 * Private keys without their PEM lines: a key's base64 (or hex) pasted or logged on its own.
 * Recognised by what its DER starts with, so certificates, CSRs and fingerprints stay:
 *   PKCS#1 / PKCS#8 / SEC1:  SEQUENCE { INTEGER 0|1, SEQUENCE|INTEGER|OCTET STRING … }
 *   encrypted PKCS#8:        SEQUENCE { SEQUENCE { OID PBES2 | pkcs-12 PBE … } OCTET STRING }
 *   OpenSSH:                 "openssh-key-v1\0"
 * (A certificate's outer SEQUENCE holds a SEQUENCE whose first element is [0] or an INTEGER
 * serial; a CSR's holds a SEQUENCE starting with INTEGER 0 one level deeper — neither matches.)
 */

/** Runs of base64 (possibly wrapped over lines) long enough to be a key (an Ed25519 key is 64 characters). */
// Each wrapped line must end in a line break (a real one or a written `\n`), so a run splits one way only.
const BASE64_RUN = /(?:[A-Za-z0-9+/]{16,}[ \t]*(?:\r?\n|\\n)[ \t]*){2,}[A-Za-z0-9+/]*={0,2}|[A-Za-z0-9+/]{60,}={0,2}/g;
const HEX_RUN = /\b(?:[0-9a-fA-F]{2}[:\s]?){40,}/g;

const PBES2 = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d];
const PKCS12_PBE = [0x06, 0x0a, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01];
const OPENSSH = Buffer.from('openssh-key-v1\0', 'latin1');

/** Skips a DER tag + length at `at`; returns where the content starts, or -1. */
function contentStart(b: Uint8Array, at: number): number {
  if (at + 2 > b.length) return -1;
  const len = b[at + 1];
  if (len < 0x80) return at + 2;
  const n = len & 0x7f;
  return n >= 1 && n <= 4 && at + 2 + n <= b.length ? at + 2 + n : -1;
}

function startsWith(b: Uint8Array, at: number, prefix: readonly number[]): boolean {
  return prefix.every((x, i) => b[at + i] === x);
}

export function looksLikeDerPrivateKey(b: Uint8Array): boolean {
  if (b.length >= OPENSSH.length && Buffer.from(b.subarray(0, OPENSSH.length)).equals(OPENSSH)) return true;
  if (b[0] !== 0x30) return false;
  const inner = contentStart(b, 0);
  if (inner < 0 || inner + 4 > b.length) return false;
  // INTEGER 0 or 1, then what a key has next.
  if (b[inner] === 0x02 && b[inner + 1] === 0x01 && (b[inner + 2] === 0x00 || b[inner + 2] === 0x01)) {
    return [0x30, 0x02, 0x04].includes(b[inner + 3]);
  }
  // EncryptedPrivateKeyInfo: SEQUENCE { SEQUENCE { OID … } … }
  if (b[inner] === 0x30) {
    const alg = contentStart(b, inner);
    return alg > 0 && (startsWith(b, alg, PBES2) || startsWith(b, alg, PKCS12_PBE));
  }
  return false;
}

function decodeBase64Head(run: string): Uint8Array | null {
  const compact = run.replace(/\s+|\\n/g, '');
  if (compact.length < 60) return null;
  try {
    return Buffer.from(compact.slice(0, 64), 'base64');
  } catch {
    return null;
  }
}

/** The text with headerless private keys replaced, and how many were. */
export function stripHeaderlessKeys(text: string): { text: string; removed: number } {
  let removed = 0;
  let out = text.replace(BASE64_RUN, (run) => {
    const head = decodeBase64Head(run);
    if (head && looksLikeDerPrivateKey(head)) {
      removed++;
      return '[private key removed]';
    }
    return run;
  });
  out = out.replace(HEX_RUN, (run) => {
    const hex = run.replace(/[:\s]/g, '').slice(0, 64);
    const head = Buffer.from(hex, 'hex');
    if (looksLikeDerPrivateKey(head)) {
      removed++;
      return '[private key removed]';
    }
    return run;
  });
  return { text: out, removed };
}
