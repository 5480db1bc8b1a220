/**
 * Password-based cryptography of PKCS#12 on native primitives: the RFC 7292 appendix B key
 * derivation over `crypto.hash`, PBES2 (PBKDF2 + AES/3DES) over `crypto.pbkdf2` and
 * `createDecipheriv`, and the old PKCS#12 PBE schemes (3DES; RC2 for certificates in
 * `openssl -legacy` files, through node-forge because OpenSSL 3 keeps RC2 in its legacy provider).
 *
 * Passwords: PKCS#12 KDF and MAC take the password as BMPString (UTF-16BE plus two zero bytes);
 * PBES2 takes it as UTF-8, as OpenSSL 3 and NSS do (node-forge uses Latin-1 there: files made
 * by forge-based tools with non-ASCII passwords are still read, through a fallback).
 */
import { createCipheriv, createDecipheriv, createHmac, hash as oneShotHash, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { OnboardError } from '../../../shared/errors';
import { Asn1Error, der, expectSequence, readOctets, readOid, readSmallInt, type Asn1Node } from './asn1';
import { sha1Iterate, sha256Iterate } from './hash-iterate';
import { HMAC_PRF_BY_OID, OID } from './oids';

const pbkdf2Async = promisify(pbkdf2);

const HASH_SIZES: Readonly<Record<string, { u: number; v: number }>> = {
  sha1: { u: 20, v: 64 },
  sha224: { u: 28, v: 64 },
  sha256: { u: 32, v: 64 },
  sha384: { u: 48, v: 128 },
  sha512: { u: 64, v: 128 },
};

/** Bounds on work a file may ask for, so a hostile file cannot hang the app. */
export interface WorkLimits {
  /** Most iterations of one derivation (NSS uses 600,000). */
  readonly maxIterations: number;
  /** Iterations left for the whole file. */
  budget: number;
  readonly what: string;
  /** Called with iterations done, for progress. */
  readonly onWork?: (iterations: number) => void;
}

export const DEFAULT_MAX_ITERATIONS = 2_000_000;

export function newLimits(what: string, maxIterations = DEFAULT_MAX_ITERATIONS, onWork?: (n: number) => void): WorkLimits {
  return { maxIterations, budget: maxIterations * 4, what, onWork };
}

function spend(limits: WorkLimits, iterations: number): void {
  if (iterations < 1) throw new Asn1Error('iteration count is zero');
  if (iterations > limits.maxIterations || iterations > limits.budget) {
    throw new OnboardError('P12_UNSUPPORTED', {
      what: limits.what,
      detail: `it asks for ${iterations.toLocaleString('en-US')} key-derivation rounds, more than the ${limits.maxIterations.toLocaleString('en-US')} accepted`,
    });
  }
  limits.budget -= iterations;
}

/** BMPString password for the PKCS#12 KDF: UTF-16BE + 00 00; `null` is OpenSSL's "no password" (empty). */
export function bmpPassword(password: string | null): Buffer {
  if (password === null) return Buffer.alloc(0);
  return Buffer.concat([Buffer.from(password, 'utf16le').swap16(), Buffer.alloc(2)]);
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Rounds between yields to the event loop (~10 ms of work). */
const KDF_CHUNK = 30_000;

/**
 * RFC 7292 appendix B.2. `id` 1 = key, 2 = IV, 3 = MAC key. The rounds run in `hash-iterate`
 * kernels (SHA-256, SHA-1) and yield to the event loop between chunks, so a 600,000-round
 * Firefox backup neither freezes the app nor waits on per-call overhead.
 */
export async function pkcs12Kdf(
  hashName: string,
  password: Buffer,
  salt: Buffer,
  id: 1 | 2 | 3,
  iterations: number,
  length: number,
  limits?: WorkLimits,
): Promise<Buffer> {
  const sizes = HASH_SIZES[hashName];
  if (!sizes) throw new Asn1Error(`unknown hash ${hashName}`);
  const { u, v } = sizes;
  const fill = (src: Buffer) => {
    if (src.length === 0) return Buffer.alloc(0);
    const out = Buffer.alloc(v * Math.ceil(src.length / v));
    for (let i = 0; i < out.length; i++) out[i] = src[i % src.length];
    return out;
  };
  const I = Buffer.concat([fill(salt), fill(password)]);
  const D = Buffer.alloc(v, id);
  const blocks = Math.ceil(length / u);
  if (limits) spend(limits, iterations * blocks);
  const kernel = hashName === 'sha256' ? sha256Iterate : hashName === 'sha1' ? sha1Iterate : undefined;
  const out: Buffer[] = [];
  for (let c = 0; c < blocks; c++) {
    let A: Buffer = oneShotHash(hashName, Buffer.concat([D, I]), 'buffer');
    for (let left = iterations - 1; left > 0; ) {
      const step = Math.min(left, KDF_CHUNK);
      if (kernel) A = kernel(A, step);
      else for (let r = 0; r < step; r++) A = oneShotHash(hashName, A, 'buffer');
      left -= step;
      limits?.onWork?.(step);
      if (left > 0) await tick();
    }
    out.push(A);
    if (c + 1 < blocks) {
      // I_j = (I_j + B + 1) mod 2^(8v), B = A repeated to v bytes.
      const B = fill(A).subarray(0, v);
      for (let j = 0; j < I.length; j += v) {
        let carry = 1;
        for (let k = v - 1; k >= 0; k--) {
          const sum = I[j + k] + B[k] + carry;
          I[j + k] = sum & 0xff;
          carry = sum >> 8;
        }
      }
    }
  }
  return Buffer.concat(out).subarray(0, length);
}

// ---------- MAC ----------

/** The MAC key (RFC 7292 B.2 with id 3); derive it while other work runs, then `hmac`. */
export function pkcs12MacKey(hashName: string, password: Buffer, salt: Buffer, iterations: number, limits?: WorkLimits): Promise<Buffer> {
  return pkcs12Kdf(hashName, password, salt, 3, iterations, HASH_SIZES[hashName]?.u ?? 0, limits);
}

export function hmac(hashName: string, key: Buffer, data: Buffer): Buffer {
  return createHmac(hashName, key).update(data).digest();
}

export async function pkcs12Mac(hashName: string, password: Buffer, salt: Buffer, iterations: number, data: Buffer, limits?: WorkLimits): Promise<Buffer> {
  return hmac(hashName, await pkcs12MacKey(hashName, password, salt, iterations, limits), data);
}

export function macEquals(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

// ---------- decryption ----------

export class DecryptFailed extends Error {}

const PBES2_CIPHERS: Readonly<Record<string, { name: string; keyLength: number; ivLength: number; label: string }>> = {
  [OID.aes128Cbc]: { name: 'aes-128-cbc', keyLength: 16, ivLength: 16, label: 'AES-128-CBC' },
  [OID.aes192Cbc]: { name: 'aes-192-cbc', keyLength: 24, ivLength: 16, label: 'AES-192-CBC' },
  [OID.aes256Cbc]: { name: 'aes-256-cbc', keyLength: 32, ivLength: 16, label: 'AES-256-CBC' },
  [OID.desEde3Cbc]: { name: 'des-ede3-cbc', keyLength: 24, ivLength: 8, label: '3DES-CBC' },
};

const PKCS12_PBE: Readonly<Record<string, { name: string; keyLength: number; label: string; rc2Bits?: number }>> = {
  [OID.pbeSha1TripleDes]: { name: 'des-ede3-cbc', keyLength: 24, label: 'PBE-SHA1-3DES' },
  [OID.pbeSha1TwoKeyTripleDes]: { name: 'des-ede-cbc', keyLength: 16, label: 'PBE-SHA1-2DES' },
  [OID.pbeSha1Rc2_128]: { name: 'rc2', keyLength: 16, label: 'PBE-SHA1-RC2-128', rc2Bits: 128 },
  [OID.pbeSha1Rc2_40]: { name: 'rc2', keyLength: 5, label: 'PBE-SHA1-RC2-40', rc2Bits: 40 },
};

/** The password in every form a decryption may need. */
export interface PasswordForms {
  readonly text: string;
  /** BMPString for the PKCS#12 KDF (the variant that verified the MAC, for an empty password). */
  readonly bmp: Buffer;
}

function nativeDecrypt(cipher: string, key: Buffer, iv: Buffer, data: Buffer): Buffer {
  try {
    const d = createDecipheriv(cipher, key, iv);
    return Buffer.concat([d.update(data), d.final()]);
  } catch {
    throw new DecryptFailed('bad padding');
  }
}

async function rc2Decrypt(key: Buffer, bits: number, iv: Buffer, data: Buffer): Promise<Buffer> {
  if (data.length === 0 || data.length % 8 !== 0) throw new DecryptFailed('bad length');
  const forge = (await import('node-forge')).default;
  const c = forge.rc2.createDecryptionCipher(forge.util.createBuffer(key.toString('binary')), bits);
  c.start(forge.util.createBuffer(iv.toString('binary')));
  c.update(forge.util.createBuffer(data.toString('binary')));
  c.finish(() => true); // padding checked below, strictly
  const out = Buffer.from(c.output.getBytes(), 'binary');
  const pad = out[out.length - 1];
  if (pad < 1 || pad > 8 || pad > out.length) throw new DecryptFailed('bad padding');
  for (let i = out.length - pad; i < out.length; i++) if (out[i] !== pad) throw new DecryptFailed('bad padding');
  return out.subarray(0, out.length - pad);
}

export interface DecryptResult {
  readonly plaintext: Buffer;
  /** e.g. `PBES2, PBKDF2-SHA256, AES-256-CBC, 2048 iterations`. */
  readonly description: string;
}

/**
 * Decrypts `data` under the AlgorithmIdentifier `alg`. `accept` says whether a plaintext is the
 * expected structure; PBES2 tries UTF-8, then Latin-1 and BMP forms of the password (files from
 * tools that got the encoding wrong) before giving up with DecryptFailed.
 */
export async function pbeDecrypt(
  alg: Asn1Node,
  data: Buffer,
  pw: PasswordForms,
  limits: WorkLimits,
  accept: (plaintext: Buffer) => boolean,
): Promise<DecryptResult> {
  expectSequence(alg, 'encryption algorithm', 1);
  const oid = readOid(alg.children[0], 'encryption algorithm');
  const unsupported = (detail: string) => new OnboardError('P12_UNSUPPORTED', { what: limits.what, detail });
  if (oid === OID.pbes2) {
    const params = expectSequence(alg.children[1], 'PBES2 parameters', 2);
    const kdf = expectSequence(params.children[0], 'key derivation', 2);
    if (readOid(kdf.children[0], 'key derivation') !== OID.pbkdf2) throw unsupported('a key derivation other than PBKDF2');
    const kp = expectSequence(kdf.children[1], 'PBKDF2 parameters', 2);
    const salt = readOctets(kp.children[0], 'PBKDF2 salt');
    const iterations = readSmallInt(kp.children[1], 'PBKDF2 iterations');
    let next = 2;
    let keyLength: number | undefined;
    if (kp.children[next]?.tag === 2) keyLength = readSmallInt(kp.children[next++], 'PBKDF2 key length', 64);
    let prf = 'sha1';
    if (kp.children[next]) {
      const prfOid = readOid(expectSequence(kp.children[next], 'PBKDF2 PRF', 1).children[0], 'PBKDF2 PRF');
      const name = HMAC_PRF_BY_OID[prfOid];
      if (!name) throw unsupported(`PBKDF2 with PRF ${prfOid}`);
      prf = name;
    }
    const enc = expectSequence(params.children[1], 'encryption scheme', 2);
    const encOid = readOid(enc.children[0], 'encryption scheme');
    const cipher = PBES2_CIPHERS[encOid];
    if (!cipher) throw unsupported(`encryption ${encOid}`);
    const iv = readOctets(enc.children[1], 'IV');
    if (iv.length !== cipher.ivLength) throw new Asn1Error('IV has the wrong length');
    if (keyLength !== undefined && keyLength !== cipher.keyLength) throw new Asn1Error('key length does not fit the cipher');
    const forms: Buffer[] = [Buffer.from(pw.text, 'utf8')];
    if (/^[\u0000-\u00ff]*$/.test(pw.text) && /[\u0080-\u00ff]/.test(pw.text)) forms.push(Buffer.from(pw.text, 'latin1'));
    if (pw.text.length > 0) forms.push(pw.bmp);
    const description = `PBES2, PBKDF2-${prf.toUpperCase()}, ${cipher.label}, ${iterations} iterations`;
    for (const form of forms) {
      spend(limits, iterations);
      const key = await pbkdf2Async(form, salt, iterations, cipher.keyLength, prf);
      limits.onWork?.(iterations);
      try {
        const plaintext = nativeDecrypt(cipher.name, key, iv, data);
        if (accept(plaintext)) return { plaintext, description };
      } catch (e) {
        if (!(e instanceof DecryptFailed)) throw e;
      }
    }
    throw new DecryptFailed('no password form fits');
  }
  const pbe = PKCS12_PBE[oid];
  if (!pbe) {
    if (oid === OID.pbeSha1Rc4_128 || oid === OID.pbeSha1Rc4_40) throw unsupported('RC4 encryption (from the 1990s)');
    throw unsupported(`encryption ${oid}`);
  }
  const params = expectSequence(alg.children[1], 'PBE parameters', 2);
  const salt = readOctets(params.children[0], 'PBE salt');
  const iterations = readSmallInt(params.children[1], 'PBE iterations');
  const key = await pkcs12Kdf('sha1', pw.bmp, salt, 1, iterations, pbe.keyLength, limits);
  const iv = await pkcs12Kdf('sha1', pw.bmp, salt, 2, iterations, 8, limits);
  const plaintext = pbe.rc2Bits ? await rc2Decrypt(key, pbe.rc2Bits, iv, data) : nativeDecrypt(pbe.name, key, iv, data);
  if (!accept(plaintext)) throw new DecryptFailed('not the expected data');
  return { plaintext, description: `${pbe.label}, ${iterations} iterations` };
}

// ---------- encryption (export) ----------

export interface Encrypted {
  /** AlgorithmIdentifier DER. */
  readonly algorithm: Buffer;
  readonly ciphertext: Buffer;
}

/** PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC (what OpenSSL 3 writes by default). */
export async function pbes2Encrypt(plaintext: Buffer, password: string, iterations: number): Promise<Encrypted> {
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const key = await pbkdf2Async(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256');
  const c = createCipheriv('aes-256-cbc', key, iv);
  const ciphertext = Buffer.concat([c.update(plaintext), c.final()]);
  const algorithm = der.sequence(
    der.oid(OID.pbes2),
    der.sequence(
      der.sequence(
        der.oid(OID.pbkdf2),
        der.sequence(der.octetString(salt), der.integer(iterations), der.sequence(der.oid(OID.hmacWithSha256), der.null())),
      ),
      der.sequence(der.oid(OID.aes256Cbc), der.octetString(iv)),
    ),
  );
  return { algorithm, ciphertext };
}

/** pbeWithSHAAnd3-KeyTripleDES-CBC, for old tools. */
export async function tripleDesPbeEncrypt(plaintext: Buffer, password: string, iterations: number): Promise<Encrypted> {
  const salt = randomBytes(8);
  const bmp = bmpPassword(password);
  const key = await pkcs12Kdf('sha1', bmp, salt, 1, iterations, 24);
  const iv = await pkcs12Kdf('sha1', bmp, salt, 2, iterations, 8);
  const c = createCipheriv('des-ede3-cbc', key, iv);
  const ciphertext = Buffer.concat([c.update(plaintext), c.final()]);
  const algorithm = der.sequence(der.oid(OID.pbeSha1TripleDes), der.sequence(der.octetString(salt), der.integer(iterations)));
  return { algorithm, ciphertext };
}
