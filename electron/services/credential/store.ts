/**
 * Credentials the app keeps in its data folder: a pending request's key (so the app can be
 * closed while a sponsor approves) and, once issued, its certificate.
 *
 *   <dataDir>/credentials/<id>/meta.json   public facts (0600)
 *                              key.pem     encrypted PKCS#8 (0600, written once, never replaced)
 *                              csr.pem     the request, when there is one
 *                              cert.pem    certificate then chain, once issued
 *
 * The key passphrase is random and lives in the SecretStore (account `credential:<id>`); when
 * there is no keychain the caller passes the passphrase the user typed, and it is asked for each
 * time (`passphrase: 'typed'`). Nothing here deletes a key: `archive` moves a credential aside.
 */
import { randomBytes, type KeyObject, type X509Certificate } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { OnboardError, isOnboardError } from '../../../shared/errors';
import { backupStamp, ensureDir, writeFileAtomic } from '../fs/atomic';
import type { SecretStore } from '../keychain/secret-store';
import { certificateInfo, certificatePem, readCertificates, requireOrderedChain, type CertificateInfo } from './certificate';
import { checkKeyConsistency, describeKey, encryptPrivateKey, keyMatchesPublicKey, publicKeyFingerprint, readPrivateKeyPem, type KeyDescription } from './keys';

export type CredentialStatus = 'pending' | 'issued';

/** Public facts about a stored credential (safe to show and send across the contract). */
export interface CredentialRecord {
  readonly id: string;
  readonly status: CredentialStatus;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly key: KeyDescription;
  readonly publicKeyFingerprint: string;
  /** Where the key passphrase is: the keychain, or typed by the user each time. */
  readonly passphrase: 'keychain' | 'typed';
  /** The subject requested (slash form), when known. */
  readonly subject?: string;
  /** Connector facts of a pending request (VO, CA connector, request id, poll URL…). */
  readonly request?: Readonly<Record<string, string | number | boolean>>;
  readonly certificate?: CertificateInfo;
}

export interface CredentialStoreOptions {
  readonly dataDir: string;
  /** The keychain; null when there is none (passphrases are then typed each time). */
  readonly secrets: SecretStore | null;
  readonly now?: () => Date;
}

const ID_RE = /^[a-z0-9-]{8,64}$/;

export function secretAccount(id: string): string {
  return `credential:${id}`;
}

export class CredentialStore {
  readonly root: string;
  private readonly secrets: SecretStore | null;
  private readonly now: () => Date;

  constructor(options: CredentialStoreOptions) {
    this.root = path.join(options.dataDir, 'credentials');
    this.secrets = options.secrets;
    this.now = options.now ?? (() => new Date());
  }

  private dir(id: string): string {
    if (!ID_RE.test(id)) throw new OnboardError('CREDENTIAL_NOT_FOUND', { id });
    return path.join(this.root, id);
  }

  /**
   * Saves a new key (pending). With `passphrase` the key is encrypted with it and nothing goes to
   * the keychain; without, a random passphrase is made and stored in the keychain
   * (KEYCHAIN_UNAVAILABLE when there is none: ask the user for a passphrase and call again).
   */
  async create(options: { key: KeyObject; subject?: string; csrPem?: string; request?: CredentialRecord['request']; passphrase?: string }): Promise<CredentialRecord> {
    const { key } = options;
    if (key.type !== 'private') throw new OnboardError('KEY_INVALID', { what: 'the new key', detail: 'a private key is needed' });
    const stamp = backupStamp(this.now()).toLowerCase();
    const id = `${stamp}-${randomBytes(4).toString('hex')}`;
    let passphrase = options.passphrase;
    let kind: CredentialRecord['passphrase'] = 'typed';
    if (passphrase === undefined) {
      if (!this.secrets) throw new OnboardError('KEYCHAIN_UNAVAILABLE', { backend: 'keychain', detail: 'none is set up' });
      passphrase = randomBytes(32).toString('base64url');
      await this.secrets.set(secretAccount(id), passphrase);
      kind = 'keychain';
    }
    const keyPem = encryptPrivateKey(key, passphrase);
    const at = this.now().toISOString();
    const record: CredentialRecord = {
      id,
      status: 'pending',
      createdAt: at,
      updatedAt: at,
      key: describeKey(key),
      publicKeyFingerprint: publicKeyFingerprint(key),
      passphrase: kind,
      subject: options.subject,
      request: options.request,
    };
    const dir = this.dir(id);
    await this.io('create', dir, async () => {
      await ensureDir(this.root, 0o700);
      await fsp.mkdir(dir, { mode: 0o700 });
      await writeFileAtomic(path.join(dir, 'key.pem'), keyPem, { mode: 0o600, existing: 'fail' });
      if (options.csrPem) await writeFileAtomic(path.join(dir, 'csr.pem'), options.csrPem, { mode: 0o600, existing: 'fail' });
      await this.writeMeta(record);
    });
    return record;
  }

  async get(id: string): Promise<CredentialRecord> {
    const file = path.join(this.dir(id), 'meta.json');
    let text: string;
    try {
      text = await fsp.readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new OnboardError('CREDENTIAL_NOT_FOUND', { id });
      throw new OnboardError('IO_ERROR', { action: 'read', path: file, detail: (e as Error).message });
    }
    try {
      const record = JSON.parse(text) as CredentialRecord;
      if (record.id !== id || (record.status !== 'pending' && record.status !== 'issued')) throw new Error('fields do not fit');
      return record;
    } catch (e) {
      throw new OnboardError('CREDENTIAL_STORE_INVALID', { id, detail: (e as Error).message });
    }
  }

  /** Every stored credential, newest first (unreadable ones are skipped, not removed). */
  async list(): Promise<CredentialRecord[]> {
    let names: string[];
    try {
      names = await fsp.readdir(this.root);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new OnboardError('IO_ERROR', { action: 'read', path: this.root, detail: (e as Error).message });
    }
    const out: CredentialRecord[] = [];
    for (const name of names.filter((n) => ID_RE.test(n)).sort().reverse()) {
      try {
        out.push(await this.get(name));
      } catch (e) {
        if (!isOnboardError(e)) throw e;
      }
    }
    return out;
  }

  /** The private key, for signing a CSR or writing files. Stays inside the services. */
  async unlockKey(id: string, typedPassphrase?: string): Promise<KeyObject> {
    const record = await this.get(id);
    let passphrase = typedPassphrase;
    if (passphrase === undefined && record.passphrase === 'keychain') {
      if (!this.secrets) throw new OnboardError('KEYCHAIN_UNAVAILABLE', { backend: 'keychain', detail: 'none is set up' });
      passphrase = (await this.secrets.get(secretAccount(id))) ?? undefined;
    }
    const what = 'the saved key';
    if (passphrase === undefined) throw new OnboardError('KEY_PASSPHRASE_REQUIRED', { what });
    const file = path.join(this.dir(id), 'key.pem');
    const pem = await this.io('read', file, () => fsp.readFile(file, 'utf8'));
    return readPrivateKeyPem(pem, passphrase, what);
  }

  /** Replaces the connector facts of a pending request (request id, poll URL…). */
  async setRequest(id: string, request: NonNullable<CredentialRecord['request']>): Promise<CredentialRecord> {
    const record = { ...(await this.get(id)), request, updatedAt: this.now().toISOString() };
    await this.writeMeta(record);
    return record;
  }

  /**
   * Stores the issued certificate (PEM, then any chain in any order). Checks it is the stored
   * key's (unlocking the key) and that the chain links up.
   */
  async attachCertificate(id: string, certificatesPem: string, typedPassphrase?: string): Promise<CredentialRecord> {
    const certs = readCertificates(certificatesPem, 'the issued certificate');
    const key = await this.unlockKey(id, typedPassphrase);
    const leafIndex = certs.findIndex((c) => keyMatchesPublicKey(key, c.publicKey));
    if (leafIndex < 0) throw new OnboardError('KEY_CERT_MISMATCH', { subject: certificateInfo(certs[0]).subject });
    const leaf = certs[leafIndex];
    checkKeyConsistency(key, 'the saved key', leaf.publicKey);
    const chain = requireOrderedChain(leaf, certs.filter((_, i) => i !== leafIndex));
    const file = path.join(this.dir(id), 'cert.pem');
    await this.io('write', file, () =>
      writeFileAtomic(file, [leaf, ...chain].map(certificatePem).join(''), { mode: 0o600, existing: 'backup', now: this.now }),
    );
    const record: CredentialRecord = { ...(await this.get(id)), status: 'issued', certificate: certificateInfo(leaf), updatedAt: this.now().toISOString() };
    await this.writeMeta(record);
    return record;
  }

  /** The issued certificate and its chain (issuer first). */
  async certificates(id: string): Promise<{ certificate: X509Certificate; chain: X509Certificate[] }> {
    const file = path.join(this.dir(id), 'cert.pem');
    const text = await this.io('read', file, () => fsp.readFile(file, 'utf8'));
    const [certificate, ...chain] = readCertificates(text, 'the saved certificate');
    return { certificate, chain };
  }

  /** The stored request PEM, if any. */
  async csrPem(id: string): Promise<string | undefined> {
    try {
      return await fsp.readFile(path.join(this.dir(id), 'csr.pem'), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  /** Moves a credential to `credentials/.archive/` (its keychain entry is kept). */
  async archive(id: string): Promise<string> {
    const dir = this.dir(id);
    await this.get(id);
    const archive = path.join(this.root, '.archive');
    const target = path.join(archive, `${id}-${backupStamp(this.now())}`);
    await this.io('archive', dir, async () => {
      await ensureDir(archive, 0o700);
      await fsp.rename(dir, target);
    });
    return target;
  }

  private async writeMeta(record: CredentialRecord): Promise<void> {
    const file = path.join(this.dir(record.id), 'meta.json');
    await this.io('write', file, () => writeFileAtomic(file, JSON.stringify(record, null, 2) + '\n', { mode: 0o600, existing: 'replace' }));
  }

  private async io<T>(action: string, target: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (isOnboardError(e)) throw e;
      throw new OnboardError('IO_ERROR', { action, path: target, detail: (e as Error).message }, { cause: e });
    }
  }
}
