/**
 * Writing `usercred.p12`. Two profiles:
 * - `modern`: what OpenSSL 3 writes by default — certificates and key under PBES2
 *   (PBKDF2-HMAC-SHA256, AES-256-CBC), HMAC-SHA256 MAC, 2048 rounds each.
 * - `legacy`: for old tools (Java 8 before u301, old macOS/Windows) — PBE-SHA1-3DES for the key
 *   AND the certificates (OpenSSL `-legacy` uses 40-bit RC2 for certificates; 3DES is read by the
 *   same tools and is not breakable in an afternoon), HMAC-SHA1 MAC.
 * The user's certificate and key carry the friendly name and localKeyId (SHA-1 of the
 * certificate, as OpenSSL and NSS do); the chain follows, issuer first.
 */
import { X509Certificate, createHash, randomBytes, type KeyObject } from 'node:crypto';
import { OnboardError } from '../../../shared/errors';
import { der } from './asn1';
import { requireOrderedChain, subjectOf } from './certificate';
import { checkKeyConsistency, checkPassphrase, keyMatchesPublicKey, privateKeyPkcs8Der, type Progress } from './keys';
import { DIGEST_OID_BY_NAME, OID } from './oids';
import { DEFAULT_MAX_ITERATIONS, bmpPassword, hmac, pbes2Encrypt, pkcs12MacKey, tripleDesPbeEncrypt, type Encrypted } from './pkcs12-pbe';

export type Pkcs12Profile = 'modern' | 'legacy';

/** OpenSSL 3's PKCS12_DEFAULT_ITER. */
export const DEFAULT_PKCS12_ITERATIONS = 2048;

export interface WritePkcs12Options {
  readonly key: KeyObject;
  readonly certificate: X509Certificate;
  /** CA certificates above the user's, in any order; written ordered, issuer first. */
  readonly chain?: readonly X509Certificate[];
  readonly password: string;
  readonly friendlyName?: string;
  readonly profile?: Pkcs12Profile;
  /** Key-derivation rounds for the encryption (default 2048). */
  readonly iterations?: number;
  /** Rounds for the MAC key (default: same as `iterations`). */
  readonly macIterations?: number;
  readonly onProgress?: Progress;
}

function attribute(oid: string, value: Buffer): Buffer {
  return der.sequence(der.oid(oid), der.set(value));
}

function bagAttributes(friendlyName: string | undefined, localKeyId: Buffer): Buffer {
  const attrs = [attribute(OID.localKeyId, der.octetString(localKeyId))];
  if (friendlyName) attrs.unshift(attribute(OID.friendlyName, der.bmp(friendlyName)));
  return der.set(...attrs);
}

function certBag(cert: X509Certificate, attrs?: Buffer): Buffer {
  const value = der.sequence(der.oid(OID.x509Certificate), der.contextConstructed(0, der.octetString(cert.raw)));
  return der.sequence(der.oid(OID.certBag), der.contextConstructed(0, value), ...(attrs ? [attrs] : []));
}

function checkIterations(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1 || n > DEFAULT_MAX_ITERATIONS) {
    throw new OnboardError('INVALID_INPUT', { field: name, detail: `must be a whole number from 1 to ${DEFAULT_MAX_ITERATIONS}` });
  }
  return n;
}

/** A PKCS#12 file holding the key, the user's certificate and its chain. */
export async function writePkcs12(options: WritePkcs12Options): Promise<Buffer> {
  const { key, certificate, password } = options;
  const profile = options.profile ?? 'modern';
  const iterations = checkIterations(options.iterations ?? DEFAULT_PKCS12_ITERATIONS, 'iterations');
  const macIterations = checkIterations(options.macIterations ?? iterations, 'MAC iterations');
  checkPassphrase(password, '.p12 password');
  if (key.type !== 'private') throw new OnboardError('KEY_INVALID', { what: 'the key', detail: 'a private key is needed' });
  const subject = subjectOf(certificate);
  if (!keyMatchesPublicKey(key, certificate.publicKey)) throw new OnboardError('KEY_CERT_MISMATCH', { subject });
  checkKeyConsistency(key, 'the key', certificate.publicKey);
  const chain = requireOrderedChain(certificate, options.chain ?? []);

  options.onProgress?.(0, 'Protecting the key and certificates');
  const encrypt = (plain: Buffer): Promise<Encrypted> =>
    profile === 'modern' ? pbes2Encrypt(plain, password, iterations) : tripleDesPbeEncrypt(plain, password, iterations);
  const localKeyId = createHash('sha1').update(certificate.raw).digest();
  const friendlyName = options.friendlyName?.trim() || undefined;

  // The MAC key depends only on the password and salt: derive it while the bags are encrypted.
  const macHash = profile === 'modern' ? 'sha256' : 'sha1';
  const salt = randomBytes(8);
  const macKey = pkcs12MacKey(macHash, bmpPassword(password), salt, macIterations);
  const certContents = der.sequence(certBag(certificate, bagAttributes(friendlyName, localKeyId)), ...chain.map((c) => certBag(c)));
  const [encCerts, encKey, macKeyBytes] = await Promise.all([encrypt(certContents), encrypt(privateKeyPkcs8Der(key)), macKey]);
  const certsInfo = der.sequence(
    der.oid(OID.encryptedData),
    der.contextConstructed(
      0,
      der.sequence(der.integer(0), der.sequence(der.oid(OID.data), encCerts.algorithm, der.contextPrimitive(0, encCerts.ciphertext))),
    ),
  );
  const keyBag = der.sequence(
    der.oid(OID.pkcs8ShroudedKeyBag),
    der.contextConstructed(0, der.sequence(encKey.algorithm, der.octetString(encKey.ciphertext))),
    bagAttributes(friendlyName, localKeyId),
  );
  const keyInfo = der.sequence(der.oid(OID.data), der.contextConstructed(0, der.octetString(der.sequence(keyBag))));
  const authSafe = der.sequence(certsInfo, keyInfo);

  options.onProgress?.(0.9, 'Sealing the file');
  const mac = hmac(macHash, macKeyBytes, authSafe);
  const pfx = der.sequence(
    der.integer(3),
    der.sequence(der.oid(OID.data), der.contextConstructed(0, der.octetString(authSafe))),
    der.sequence(der.sequence(der.sequence(der.oid(DIGEST_OID_BY_NAME[macHash]), der.null()), der.octetString(mac)), der.octetString(salt), der.integer(macIterations)),
  );
  options.onProgress?.(1, 'File ready');
  return pfx;
}
