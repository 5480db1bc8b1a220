// Robot credentials the translator signs with: certificate + a signer that is either a key on a
// PKCS#11 token (never leaves it) or an encrypted key file unlocked with a passphrase from a
// file or the keychain. Robots are found by their eToken id: MD5 hex of the slash-form DN.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { OnboardError } from '../../shared/errors';
import { formatSlashDn } from '../../shared/dn';
import type { ParsedCertificate } from '../services/proxy/cert';
import { keySigner, type ProxySigner } from '../services/proxy/cert-builder';
import { certificatesFromPem, keyNeedsPassphrase, readPrivateKey, spkiOf } from '../services/proxy/cert-input';
import { checkRobotCertificate } from '../services/proxy/robot';
import type { SecretStore } from '../services/keychain/secret-store';
import { readSecretLine, type RobotConfig } from './config';
import { openTokenSigner } from './pkcs11-signer';

export interface Robot {
  /** eToken robot id: MD5 hex of the slash-form subject DN. */
  readonly id: string;
  readonly subject: string;
  readonly certificate: ParsedCertificate;
  /** CA certificates sent after the robot certificate (often none). */
  readonly chain: readonly ParsedCertificate[];
  readonly signer: ProxySigner;
  readonly keySource: 'pkcs11' | 'file';
  /** Token label / key file, for the robot list and logs (never secrets). */
  readonly keyLocation: string;
  readonly force: boolean;
  close(): Promise<void>;
}

/** The slash form of a certificate's subject, as shared/dn prints it (`/C=IT/O=INFN/…/CN=…`). */
export function slashSubject(cert: ParsedCertificate): string {
  return formatSlashDn(cert.subject.map((rdn) => rdn.map((a) => ({ type: a.type, value: a.value }))));
}

/** eToken robot id: lower-case MD5 hex of the slash-form robot DN (UTF-8). */
export function robotId(cert: ParsedCertificate): string {
  return createHash('md5').update(slashSubject(cert), 'utf8').digest('hex');
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new OnboardError('TRANSLATOR_FILE_UNREADABLE', { what, file, detail: (e as Error).message });
  }
}

export interface LoadRobotOptions {
  /** Keychain for `passphraseKeychain` entries. */
  readonly secretStore?: SecretStore;
}

export async function loadRobot(cfg: RobotConfig, opts: LoadRobotOptions = {}): Promise<Robot> {
  const certs = certificatesFromPem(readText(cfg.certFile, 'robot certificate'), cfg.certFile);
  if (certs.length === 0) throw new OnboardError('PROXY_CERT_UNREADABLE', { file: cfg.certFile, detail: 'no “BEGIN CERTIFICATE” block' });
  const certificate = certs[0];
  const chain = [...certs.slice(1), ...(cfg.chainFile ? certificatesFromPem(readText(cfg.chainFile, 'CA chain'), cfg.chainFile) : [])];
  const check = checkRobotCertificate(certificate);
  if (!check.robot && !cfg.force) {
    throw new OnboardError('PUSP_NOT_ROBOT', { subject: certificate.subjectDn, detail: check.problems.join('; ') });
  }
  const base = { id: robotId(certificate), subject: certificate.subjectDn, certificate, chain, force: cfg.force };
  if ('pkcs11' in cfg.key) {
    const token = await openTokenSigner(cfg.key.pkcs11, certificate);
    return { ...base, signer: token, keySource: 'pkcs11', keyLocation: `token “${token.token}”, key ${token.keyDescription}`, close: () => token.close() };
  }
  const k = cfg.key;
  const keyText = readText(k.file, 'robot key');
  let passphrase: string | undefined;
  if (keyNeedsPassphrase(keyText)) {
    if (k.passphraseFile) passphrase = readSecretLine(k.passphraseFile, 'passphrase');
    else if (k.passphraseKeychain) {
      if (!opts.secretStore) throw new OnboardError('TRANSLATOR_PASSPHRASE_MISSING', { file: k.file, detail: 'no keychain is available to this process' });
      passphrase = (await opts.secretStore.get(k.passphraseKeychain)) ?? undefined;
      if (passphrase === undefined) throw new OnboardError('TRANSLATOR_PASSPHRASE_MISSING', { file: k.file, detail: `the keychain has no entry “${k.passphraseKeychain}”` });
    } else throw new OnboardError('TRANSLATOR_PASSPHRASE_MISSING', { file: k.file, detail: 'the key is encrypted and neither passphraseFile nor passphraseKeychain is set' });
  }
  const key = readPrivateKey(keyText, passphrase, k.file);
  if (!spkiOf(key).equals(certificate.spki)) {
    throw new OnboardError('TRANSLATOR_ROBOT_KEY_MISMATCH', { subject: certificate.subjectDn, detail: k.file });
  }
  return { ...base, signer: keySigner(key), keySource: 'file', keyLocation: k.file, close: async () => {} };
}

/** Loads every robot; refuses two entries with the same subject (they would share an id). */
export async function loadRobots(cfgs: readonly RobotConfig[], opts: LoadRobotOptions = {}): Promise<Map<string, Robot>> {
  const robots = new Map<string, Robot>();
  try {
    for (const c of cfgs) {
      const r = await loadRobot(c, opts);
      if (robots.has(r.id)) {
        await r.close();
        throw new OnboardError('TRANSLATOR_ROBOT_DUPLICATE', { subject: r.subject });
      }
      robots.set(r.id, r);
    }
  } catch (e) {
    await Promise.all([...robots.values()].map((r) => r.close()));
    throw e;
  }
  return robots;
}
