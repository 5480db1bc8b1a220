/**
 * Private keys: made with Node's native keygen (OpenSSL, ~0.2 s for RSA-2048; never the pure-JS
 * path), kept at rest as encrypted PKCS#8 (PBES2: PBKDF2-HMAC-SHA256 + AES-256-CBC, which is what
 * Node's `KeyObject.export` with `cipher: 'aes-256-cbc'` writes), and checked for consistency.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';
import { OnboardError, isOnboardError } from '../../../shared/errors';
import { decodePem } from './pem';

export type Progress = (fraction: number | null, label: string) => void;

export const RSA_KEY_SIZES = [2048, 3072, 4096] as const;
export type RsaKeySize = (typeof RSA_KEY_SIZES)[number];

/** OpenSSL refuses PEM pass phrases shorter than this; so do we. */
export const MIN_PASSPHRASE_LENGTH = 4;

const generateKeyPairAsync = promisify(generateKeyPair);

/**
 * A new RSA private key. Native keygen has no progress of its own: `onProgress` gets an
 * indeterminate start (null) and the end (1).
 */
export async function generateRsaKey(options: { bits?: number; onProgress?: Progress } = {}): Promise<KeyObject> {
  const bits = options.bits ?? 2048;
  if (!(RSA_KEY_SIZES as readonly number[]).includes(bits)) throw new OnboardError('KEY_SIZE_UNSUPPORTED', { bits });
  options.onProgress?.(null, `Making an RSA-${bits} key pair`);
  try {
    const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: bits, publicExponent: 0x10001 });
    options.onProgress?.(1, `RSA-${bits} key pair made`);
    return privateKey;
  } catch (e) {
    throw new OnboardError('KEY_GENERATION_FAILED', { detail: (e as Error).message }, { cause: e });
  }
}

export function checkPassphrase(passphrase: string, what: string): void {
  if ([...passphrase].length < MIN_PASSPHRASE_LENGTH) {
    throw new OnboardError('PASSPHRASE_TOO_SHORT', { what, min: MIN_PASSPHRASE_LENGTH });
  }
}

/** Encrypted PKCS#8 PEM (`ENCRYPTED PRIVATE KEY`), LF line ends. The passphrase is used as UTF-8. */
export function encryptPrivateKey(key: KeyObject, passphrase: string): string {
  checkPassphrase(passphrase, 'key passphrase');
  const pem = key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }) as string;
  return pem.replace(/\r\n?/g, '\n');
}

/** Unencrypted PKCS#8 DER, for wrapping inside a PKCS#12 shrouded key bag. Stays in services. */
export function privateKeyPkcs8Der(key: KeyObject): Buffer {
  return key.export({ type: 'pkcs8', format: 'der' }) as Buffer;
}

/**
 * Opens a private key PEM: encrypted PKCS#8, traditional encrypted PKCS#1 (`Proc-Type: 4,ENCRYPTED`)
 * or, when `allowUnencrypted`, a plain one.
 */
export function readPrivateKeyPem(
  input: string | Uint8Array,
  passphrase: string | undefined,
  what = 'the key file',
  options: { allowUnencrypted?: boolean } = {},
): KeyObject {
  const blocks = decodePem(input, what).filter((b) => b.label.endsWith('PRIVATE KEY'));
  if (blocks.length === 0) throw new OnboardError('KEY_INVALID', { what, detail: 'it holds no private key' });
  if (blocks.length > 1) throw new OnboardError('KEY_INVALID', { what, detail: 'it holds more than one private key' });
  const block = blocks[0];
  const encrypted = block.label === 'ENCRYPTED PRIVATE KEY' || /ENCRYPTED/.test(block.headers['Proc-Type'] ?? '');
  if (!encrypted) {
    if (!options.allowUnencrypted) throw new OnboardError('KEY_INVALID', { what, detail: 'the key is not protected by a passphrase' });
    try {
      return createPrivateKey({ key: block.text, format: 'pem' });
    } catch (e) {
      throw new OnboardError('KEY_INVALID', { what, detail: 'the key data is damaged' }, { cause: e });
    }
  }
  if (passphrase === undefined) throw new OnboardError('KEY_PASSPHRASE_REQUIRED', { what });
  try {
    return createPrivateKey({ key: block.text, format: 'pem', passphrase });
  } catch (e) {
    // A wrong passphrase shows as bad padding or, 1 time in 256, as garbage that is not a key.
    throw new OnboardError('KEY_PASSPHRASE_WRONG', { what }, { cause: e });
  }
}

/** Reads an unencrypted PKCS#8 DER (from a PKCS#12 bag). */
export function privateKeyFromPkcs8Der(der: Buffer, what: string): KeyObject {
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch (e) {
    throw new OnboardError('KEY_INVALID', { what, detail: 'the key data is damaged' }, { cause: e });
  }
}

export function spkiDer(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'der' }) as Buffer;
}

/** SHA-256 of the SubjectPublicKeyInfo, hex with colons (shown to users, sent across the contract). */
export function publicKeyFingerprint(key: KeyObject): string {
  return createHash('sha256').update(spkiDer(key)).digest('hex').toUpperCase().match(/../g)!.join(':');
}

/** True when the private key is the one of this public key (same SPKI). */
export function keyMatchesPublicKey(privateKey: KeyObject, publicKey: KeyObject): boolean {
  return spkiDer(privateKey).equals(spkiDer(publicKey));
}

export interface KeyDescription {
  readonly algorithm: 'RSA' | 'EC' | string;
  readonly bits?: number;
  readonly curve?: string;
}

export function describeKey(key: KeyObject): KeyDescription {
  const d = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') return { algorithm: 'RSA', bits: d.modulusLength };
  if (key.asymmetricKeyType === 'ec') return { algorithm: 'EC', curve: d.namedCurve };
  return { algorithm: key.asymmetricKeyType ?? 'unknown' };
}

function big(b64url: string | undefined): bigint {
  if (!b64url) throw new Error('missing parameter');
  const hex = Buffer.from(b64url, 'base64url').toString('hex');
  return hex.length ? BigInt('0x' + hex) : 0n;
}

/**
 * Proves the private key is whole and is the key of `publicKey`: for RSA the CRT parameters agree
 * (p·q = n, d mod (p−1) = dp, …) — OpenSSL silently falls back to d when a prime is corrupt, so a
 * sign/verify alone would miss that — then a SHA-256 signature verifies with the public key
 * (the certificate's, when given; callers check first that the key matches it).
 */
export function checkKeyConsistency(privateKey: KeyObject, what: string, publicKey: KeyObject = createPublicKey(privateKey)): void {
  try {
    if (privateKey.asymmetricKeyType === 'rsa') {
      const j = privateKey.export({ format: 'jwk' });
      const [n, e, d, p, q, dp, dq, qi] = [j.n, j.e, j.d, j.p, j.q, j.dp, j.dq, j.qi].map(big);
      if (p * q !== n) throw damaged(what, 'its primes do not multiply to its modulus');
      if (d % (p - 1n) !== dp || d % (q - 1n) !== dq) throw damaged(what, 'its private exponents disagree');
      if ((qi * q) % p !== 1n) throw damaged(what, 'its CRT coefficient is wrong');
      if ((e * dp) % (p - 1n) !== 1n || (e * dq) % (q - 1n) !== 1n) throw damaged(what, 'its exponents do not pair up');
    }
  } catch (e) {
    if (isOnboardError(e)) throw e;
    throw damaged(what, 'its parameters cannot be read');
  }
  const challenge = randomBytes(32);
  let ok = false;
  try {
    ok = verify('sha256', challenge, publicKey, sign('sha256', challenge, privateKey));
  } catch {
    ok = false;
  }
  if (!ok) throw damaged(what, 'a test signature did not verify');
}

function damaged(what: string, detail: string): OnboardError {
  return new OnboardError('KEY_DAMAGED', { what, detail });
}
