/**
 * Credential capability — the public API the Request, Back up and Upload steps use.
 * Private keys are `KeyObject`s that never leave the services; what crosses the contract is
 * `CertificateInfo`, `CredentialRecord`, fingerprints and subjects.
 *
 * Keys
 *   generateRsaKey({ bits: 2048|3072|4096, onProgress(fraction|null, label) }) → KeyObject
 *   encryptPrivateKey(key, passphrase) → PEM (PBES2: PBKDF2-SHA256 + AES-256-CBC)
 *   readPrivateKeyPem(pem, passphrase, what?) → KeyObject
 *   checkKeyConsistency(key, what, publicKey?)   (KEY_DAMAGED)
 * Requests
 *   buildCsr({ key, subject: Dn }) → { pem, der }     readCsr(pem|der) → ParsedCsr (signature checked)
 * Certificates
 *   readCertificates(pem|der) → X509Certificate[]    certificateInfo(cert) → CertificateInfo
 *   checkValidity(cert, now)   orderChain(leaf, certs)   requireOrderedChain(leaf, certs)
 * PKCS#12
 *   readPkcs12(bytes, password, { what, maxIterations, onProgress }) → Pkcs12Contents
 *   writePkcs12({ key, certificate, chain, password, friendlyName, profile: 'modern'|'legacy',
 *                 iterations = 2048, macIterations }) → Buffer
 * ~/.globus
 *   buildGlobusFiles({ p12, password, keyPassphrase?, now? }) → GlobusFiles (bytes only)
 *   writeGlobusFiles(dir, built) / installGlobus({ dir, p12, password, keyPassphrase? })
 *     → { dir, subject, notAfter, files: [{ name, path, mode, backupPath? }], warnings }
 * Stored credentials (pending requests and issued certificates)
 *   new CredentialStore({ dataDir, secrets: SecretStore | null, now? })
 *     .create({ key, subject?, csrPem?, request?, passphrase? }) → CredentialRecord
 *     .get(id) .list() .unlockKey(id, typed?) .setRequest(id, facts)
 *     .attachCertificate(id, pem, typed?) .certificates(id) .csrPem(id) .archive(id)
 */
export {
  generateRsaKey,
  encryptPrivateKey,
  readPrivateKeyPem,
  checkKeyConsistency,
  checkPassphrase,
  keyMatchesPublicKey,
  publicKeyFingerprint,
  describeKey,
  RSA_KEY_SIZES,
  MIN_PASSPHRASE_LENGTH,
  type Progress,
  type KeyDescription,
  type RsaKeySize,
} from './keys';
export { buildCsr, readCsr, type Csr, type ParsedCsr } from './csr';
export { encodeName, decodeName } from './name';
export {
  readCertificates,
  readCertificate,
  certificateInfo,
  certificatePem,
  certificateNames,
  checkValidity,
  checkChainOrder,
  orderChain,
  requireOrderedChain,
  issuedBy,
  type CertificateInfo,
} from './certificate';
export { readPkcs12, type Pkcs12Contents, type ReadPkcs12Options } from './pkcs12-read';
export { writePkcs12, DEFAULT_PKCS12_ITERATIONS, type Pkcs12Profile, type WritePkcs12Options } from './pkcs12-write';
export { DEFAULT_MAX_ITERATIONS } from './pkcs12-pbe';
export {
  buildGlobusFiles,
  writeGlobusFiles,
  installGlobus,
  GLOBUS_DIR_MODE,
  GLOBUS_FILE_MODES,
  GLOBUS_FILE_ORDER,
  type GlobusFiles,
  type GlobusFileName,
  type GlobusInstallResult,
  type WrittenFile,
} from './globus';
export { CredentialStore, secretAccount, type CredentialRecord, type CredentialStatus, type CredentialStoreOptions } from './store';
export { decodePem, encodePem, MAX_CREDENTIAL_FILE_BYTES } from './pem';
