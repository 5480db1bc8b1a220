/**
 * Private key PEM blocks (`-----BEGIN … PRIVATE KEY-----`: PKCS#8, encrypted PKCS#8, PKCS#1
 * `RSA`, SEC1 `EC`, …). The Tools view strips them in the window before a dropped file's text
 * is sent, and the contract refuses any text that still holds one: a key never crosses it.
 */
const MARKER = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/i;
/** A block up to its END line — or to the end of the text when the END line is missing. */
const BLOCK = /-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----[\s\S]*?(?:-----END \1-----[^\S\n]*\n?|$)/gi;

export function containsPrivateKey(text: string): boolean {
  return MARKER.test(text);
}

/** The text without its private key blocks, and how many were removed. */
export function stripPrivateKeyBlocks(text: string): { text: string; removed: number } {
  let removed = 0;
  const out = text.replace(BLOCK, () => {
    removed++;
    return '';
  });
  return { text: out, removed };
}
