/**
 * Reading PKCS#12 (RFC 7292) files users bring: OpenSSL 3 default and `-legacy`, NSS/Firefox
 * (`pk12util -o`: 600,000 rounds, BER indefinite lengths), browsers' backups, empty and non-ASCII
 * passwords. What no library checks is checked here: the MAC always (when the file has one),
 * the user's certificate picked by public-key match, a key with no certificate, and the key's
 * consistency, so a flipped byte is caught.
 *
 * A file without a MAC is accepted (`integrity: 'no-mac'`, with a warning) because OpenSSL
 * `-nomac` and some Java tools make them: the key is still proven whole by `checkKeyConsistency`
 * and to match the certificate; the chain from such a file is never trusted anyway (trust comes
 * from the CA bundle).
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import { OnboardError, isOnboardError } from '../../../shared/errors';
import {
  Asn1Error,
  CLASS,
  TAG,
  contentBytes,
  expectSequence,
  expectTag,
  parseAsn1,
  rawBytes,
  readOctets,
  readOid,
  readSmallInt,
  readString,
  type Asn1Node,
} from './asn1';
import { certificateNames, notAfter, orderChain, subjectOf } from './certificate';
import { checkKeyConsistency, privateKeyFromPkcs8Der, spkiDer, type Progress } from './keys';
import { DIGEST_BY_OID, OID } from './oids';
import { checkSize, looksLikePem } from './pem';
import {
  DecryptFailed,
  bmpPassword,
  macEquals,
  newLimits,
  pbeDecrypt,
  pkcs12Mac,
  type PasswordForms,
  type WorkLimits,
} from './pkcs12-pbe';

export interface ReadPkcs12Options {
  /** How the file is named in messages (“the .p12 file”, “usercred.p12”). */
  readonly what?: string;
  /** Most key-derivation rounds accepted for one derivation (default 2,000,000). */
  readonly maxIterations?: number;
  readonly onProgress?: Progress;
}

/** What a .p12 holds. `key` never leaves the services. */
export interface Pkcs12Contents {
  readonly key: KeyObject;
  /** The user's certificate: the one whose public key is the key's. */
  readonly certificate: X509Certificate;
  /** Issuers found in the file, ordered (the certificate's issuer first). */
  readonly chain: readonly X509Certificate[];
  /** Certificates in the file that are neither the user's nor in its chain. */
  readonly otherCertificates: readonly X509Certificate[];
  readonly friendlyName?: string;
  readonly integrity: 'mac-verified' | 'no-mac';
  readonly mac?: { readonly hash: string; readonly iterations: number };
  /** How the key and the certificates were protected, e.g. `PBES2, PBKDF2-SHA256, AES-256-CBC, 2048 iterations`. */
  readonly keyProtection: string;
  readonly certificateProtection: string;
  readonly warnings: readonly string[];
}

interface Attributes {
  friendlyName?: string;
  localKeyId?: Buffer;
}

interface Found {
  keys: { key: KeyObject; attrs: Attributes; protection: string }[];
  certs: { cert: X509Certificate; attrs: Attributes; protection: string }[];
}

const MAX_CONTENT_INFOS = 16;
const MAX_BAGS = 256;

function readAttributes(node: Asn1Node | undefined): Attributes {
  const attrs: Attributes = {};
  if (!node) return attrs;
  expectTag(node, TAG.SET, 'bag attributes');
  for (const a of node.children) {
    expectSequence(a, 'bag attribute', 2);
    const oid = readOid(a.children[0], 'bag attribute type');
    const values = expectTag(a.children[1], TAG.SET, 'bag attribute values');
    if (values.children.length === 0) continue;
    if (oid === OID.friendlyName) attrs.friendlyName = readString(values.children[0]);
    else if (oid === OID.localKeyId) attrs.localKeyId = readOctets(values.children[0], 'local key id');
  }
  return attrs;
}

function explicitContent(node: Asn1Node | undefined, what: string): Asn1Node {
  const n = expectTag(node, 0, what, CLASS.CONTEXT);
  if (!n.constructed || n.children.length !== 1) throw new Asn1Error(`${what}: bad explicit tag`);
  return n.children[0];
}

function parsesAsSequence(b: Buffer): boolean {
  try {
    return parseAsn1(b).tag === TAG.SEQUENCE;
  } catch {
    return false;
  }
}

async function readSafeContents(node: Asn1Node, pw: PasswordForms, limits: WorkLimits, found: Found, protection: string, depth: number): Promise<void> {
  expectSequence(node, 'safe contents');
  for (const bag of node.children) {
    if (found.keys.length + found.certs.length >= MAX_BAGS) throw new Asn1Error('too many items');
    expectSequence(bag, 'safe bag', 2);
    const bagId = readOid(bag.children[0], 'bag type');
    const value = explicitContent(bag.children[1], 'bag value');
    const attrs = readAttributes(bag.children[2]);
    if (bagId === OID.keyBag) {
      found.keys.push({ key: privateKeyFromPkcs8Der(rawBytes(value), limits.what), attrs, protection: `${protection} (key not encrypted on its own)` });
    } else if (bagId === OID.pkcs8ShroudedKeyBag) {
      const epki = expectSequence(value, 'encrypted key', 2);
      let key: KeyObject | undefined;
      const r = await pbeDecrypt(epki.children[0], readOctets(epki.children[1], 'encrypted key data'), pw, limits, (plain) => {
        try {
          key = privateKeyFromPkcs8Der(plain, limits.what);
          return true;
        } catch {
          return false;
        }
      });
      found.keys.push({ key: key!, attrs, protection: r.description });
    } else if (bagId === OID.certBag) {
      const cb = expectSequence(value, 'certificate bag', 2);
      if (readOid(cb.children[0], 'certificate type') !== OID.x509Certificate) continue; // SDSI: not for us
      const certDer = readOctets(explicitContent(cb.children[1], 'certificate value'), 'certificate');
      let cert: X509Certificate;
      try {
        cert = new X509Certificate(certDer);
        certificateNames(cert);
      } catch {
        throw new Asn1Error('a certificate inside is damaged');
      }
      found.certs.push({ cert, attrs, protection });
    } else if (bagId === OID.safeContentsBag) {
      if (depth >= 3) throw new Asn1Error('bags nested too deeply');
      await readSafeContents(value, pw, limits, found, protection, depth + 1);
    }
    // CRL and secret bags are not used here.
  }
}

async function readContentInfo(ci: Asn1Node, pw: PasswordForms, limits: WorkLimits): Promise<Found> {
  const found: Found = { keys: [], certs: [] };
  expectSequence(ci, 'content part', 1);
  const type = readOid(ci.children[0], 'content type');
  if (type === OID.data) {
    const inner = readOctets(explicitContent(ci.children[1], 'data'), 'data');
    await readSafeContents(parseAsn1(inner), pw, limits, found, 'not encrypted', 0);
  } else if (type === OID.encryptedData) {
    const ed = expectSequence(explicitContent(ci.children[1], 'encrypted data'), 'encrypted data', 2);
    readSmallInt(ed.children[0], 'encrypted data version');
    const eci = expectSequence(ed.children[1], 'encrypted content', 2);
    const encrypted = eci.children[2];
    if (!encrypted) return found; // no content: nothing inside
    expectTag(encrypted, 0, 'encrypted content', CLASS.CONTEXT);
    const r = await pbeDecrypt(eci.children[1], contentBytes(encrypted), pw, limits, parsesAsSequence);
    await readSafeContents(parseAsn1(r.plaintext), pw, limits, found, r.description, 0);
  } else if (type === OID.envelopedData) {
    throw new OnboardError('P12_UNSUPPORTED', { what: limits.what, detail: 'public-key encrypted contents' });
  }
  return found;
}

/** The parts are independent: decrypt them side by side (native PBKDF2 runs on worker threads). */
async function readAuthSafe(authSafe: Buffer, pw: PasswordForms, limits: WorkLimits): Promise<Found> {
  const root = expectSequence(parseAsn1(authSafe), 'contents');
  if (root.children.length > MAX_CONTENT_INFOS) throw new Asn1Error('too many content parts');
  const settled = await Promise.allSettled(root.children.map((ci) => readContentInfo(ci, pw, limits)));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  const parts = settled.map((s) => (s as PromiseFulfilledResult<Found>).value);
  const found: Found = { keys: parts.flatMap((p) => p.keys), certs: parts.flatMap((p) => p.certs) };
  if (found.keys.length + found.certs.length > MAX_BAGS) throw new Asn1Error('too many items');
  return found;
}

interface MacData {
  hash: string;
  digest: Buffer;
  salt: Buffer;
  iterations: number;
}

function readMacData(node: Asn1Node | undefined, what: string): MacData | undefined {
  if (!node) return undefined;
  const md = expectSequence(node, 'MAC', 2);
  const digestInfo = expectSequence(md.children[0], 'MAC digest', 2);
  const oid = readOid(expectSequence(digestInfo.children[0], 'MAC algorithm', 1).children[0], 'MAC algorithm');
  const hash = DIGEST_BY_OID[oid];
  if (!hash) {
    const name = oid === OID.pbmac1 ? 'PBMAC1 integrity (OpenSSL 3.4 -pbmac1_pbkdf2)' : `MAC algorithm ${oid}`;
    throw new OnboardError('P12_UNSUPPORTED', { what, detail: name });
  }
  return {
    hash,
    digest: readOctets(digestInfo.children[1], 'MAC value'),
    salt: readOctets(md.children[1], 'MAC salt'),
    iterations: md.children[2] ? readSmallInt(md.children[2], 'MAC iterations') : 1,
  };
}

/** Opens a .p12 with its password; see the module comment for what is checked. */
export async function readPkcs12(input: Uint8Array, password: string, options: ReadPkcs12Options = {}): Promise<Pkcs12Contents> {
  const what = options.what ?? 'the .p12 file';
  const invalid = (detail: string) => new OnboardError('P12_INVALID', { what, detail });
  checkSize(input, what);
  if (input.length === 0) throw invalid('the file is empty');
  if (looksLikePem(input)) throw invalid('it is a PEM text file; a .p12 file is binary');
  const buf = Buffer.from(input);

  let macVerified = false;
  try {
    // Progress: the MAC and the decryptions usually use the same round count.
    let done = 0;
    let total = 0;
    const onWork = (n: number) => {
      done += n;
      if (total > 0) options.onProgress?.(Math.min(0.99, done / total), 'Checking the password and opening the file');
    };
    const limits = newLimits(what, options.maxIterations, onWork);

    const pfx = expectSequence(parseAsn1(buf), 'file', 2);
    if (readSmallInt(pfx.children[0], 'version') !== 3) throw invalid('it is not PKCS#12 version 3');
    const authSafeInfo = expectSequence(pfx.children[1], 'contents', 1);
    const contentType = readOid(authSafeInfo.children[0], 'content type');
    if (contentType === OID.signedData) {
      throw new OnboardError('P12_UNSUPPORTED', { what, detail: 'public-key integrity mode (a signed .p12)' });
    }
    if (contentType !== OID.data) throw invalid('its contents have an unknown type');
    const authSafe = readOctets(explicitContent(authSafeInfo.children[1], 'contents'), 'contents');
    const mac = readMacData(pfx.children[2], what);
    total = (mac?.iterations ?? 0) * 3;

    // OpenSSL writes an empty password either as BMP "00 00" or as nothing at all: try both.
    const variants = password === '' ? [bmpPassword(''), bmpPassword(null)] : [bmpPassword(password)];
    let found: Found | undefined;
    if (mac) {
      const check = async (bmp: Buffer) => macEquals(await pkcs12Mac(mac.hash, bmp, mac.salt, mac.iterations, authSafe, limits), mac.digest);
      if (variants.length === 1) {
        // The MAC and the decryption run side by side (JS hash loop and native PBKDF2 threads).
        const [macOk, contents] = await Promise.allSettled([check(variants[0]), readAuthSafe(authSafe, { text: password, bmp: variants[0] }, limits)]);
        if (macOk.status === 'rejected') throw macOk.reason;
        if (!macOk.value) throw new OnboardError('P12_WRONG_PASSWORD', { what });
        macVerified = true;
        if (contents.status === 'rejected') throw contents.reason;
        found = contents.value;
      } else {
        let chosen: Buffer | undefined;
        for (const v of variants) if (!chosen && (await check(v))) chosen = v;
        if (!chosen) throw new OnboardError('P12_WRONG_PASSWORD', { what });
        macVerified = true;
        found = await readAuthSafe(authSafe, { text: password, bmp: chosen }, limits);
      }
    } else {
      let lastError: unknown;
      for (const v of variants) {
        try {
          found = await readAuthSafe(authSafe, { text: password, bmp: v }, limits);
          break;
        } catch (e) {
          lastError = e;
        }
      }
      if (!found) throw lastError;
    }
    const result = pick(found, what, mac, macVerified);
    options.onProgress?.(1, 'File opened');
    return result;
  } catch (e) {
    if (isOnboardError(e)) throw e;
    if (e instanceof DecryptFailed) {
      // With a verified MAC the password is right: the contents are damaged.
      if (macVerified) throw new OnboardError('P12_DAMAGED', { what, detail: 'a part cannot be decrypted' });
      throw new OnboardError('P12_WRONG_PASSWORD', { what });
    }
    if (e instanceof Asn1Error) throw macVerified ? new OnboardError('P12_DAMAGED', { what, detail: e.message }) : invalid(e.message);
    throw invalid('its contents cannot be read');
  }
}

function pick(found: Found, what: string, mac: MacData | undefined, macVerified: boolean): Pkcs12Contents {
  if (found.keys.length === 0) throw new OnboardError('P12_NO_KEY', { what });
  if (found.certs.length === 0) throw new OnboardError('P12_NO_CERT', { what });
  const certSpki = found.certs.map((c) => spkiDer(c.cert.publicKey));
  const bySpki = new Map<string, { entry: Found['keys'][number]; certs: number[] }>();
  for (const k of found.keys) {
    const spki = spkiDer(k.key);
    const matches = certSpki.flatMap((s, i) => (s.equals(spki) ? [i] : []));
    if (matches.length > 0) bySpki.set(spki.toString('hex'), { entry: k, certs: matches });
  }
  if (bySpki.size === 0) throw new OnboardError('KEY_CERT_MISMATCH', { subject: subjectOf(found.certs[0].cert) });
  if (bySpki.size > 1) throw new OnboardError('P12_SEVERAL_KEYS', { what, count: bySpki.size });
  const { entry, certs } = [...bySpki.values()][0];
  // A renewal may keep the key: take the certificate that lasts longest.
  const userIndex = certs.reduce((best, i) => (notAfter(found.certs[i].cert) > notAfter(found.certs[best].cert) ? i : best), certs[0]);
  const user = found.certs[userIndex];
  checkKeyConsistency(entry.key, what, user.cert.publicKey);
  const others = found.certs.filter((_, i) => i !== userIndex).map((c) => c.cert);
  const { chain, unrelated } = orderChain(user.cert, others);
  const warnings: string[] = [];
  if (!macVerified) warnings.push('The file has no integrity check (MAC); its key was checked to be whole and to match the certificate.');
  if (unrelated.length > 0) warnings.push(`${unrelated.length} certificate(s) in the file are not part of your certificate’s chain and were left aside.`);
  return {
    key: entry.key,
    certificate: user.cert,
    chain,
    otherCertificates: unrelated,
    friendlyName: entry.attrs.friendlyName ?? user.attrs.friendlyName,
    integrity: macVerified ? 'mac-verified' : 'no-mac',
    mac: mac ? { hash: mac.hash, iterations: mac.iterations } : undefined,
    keyProtection: entry.protection,
    certificateProtection: user.protection,
    warnings,
  };
}
