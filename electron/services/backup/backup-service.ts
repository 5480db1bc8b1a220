/**
 * The Back up step (seed 000, "Exporting the Certificate to Disk"): the issued certificate and
 * its key are written as `usercred.p12` with the user's password — modern (AES-256, PBKDF2) or
 * legacy (3DES, for old tools) — never over an existing file (the old one is renamed
 * `.bak-<time>` and the user is told), then the file is opened again from disk with the same
 * password to prove it works. Optionally the password is remembered in the keychain and the
 * file imported into the browsers' NSS databases.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { OnboardError, isOnboardError } from '../../../shared/errors';
import { passwordStrength } from '../../../shared/password-strength';
import type { BackupDefaults, BackupResult, BackupFormat, BackupBrowserResult } from '../../../shared/contract/backup';
import { certificateInfo, readPkcs12, writePkcs12 } from '../credential';
import { ensureDir, writeFileAtomic } from '../fs/atomic';
import type { Journal } from '../journal/journal';
import type { KeyProtection } from '../request/key-protection';
import { readRequestSection } from '../request/request-state';
import { findNssTools, importIntoNss, nssDbsFor } from './nss-import';

export const DEFAULT_BACKUP_NAME = 'usercred.p12';

export interface BackupServiceOptions {
  readonly homeDir: string;
  readonly journal: Journal;
  readonly keys: KeyProtection;
  readonly now: () => Date;
  readonly emit: (task: string, fraction: number | null, label: string) => void;
  /** The desktop app's folder picker; absent in browser mode and the CLI. */
  readonly pickFolder?: (startIn: string) => Promise<string | null>;
  readonly env?: NodeJS.ProcessEnv;
  readonly platform?: NodeJS.Platform;
}

export interface WriteInput {
  readonly path: string;
  readonly password: string;
  readonly confirm: string;
  readonly format: BackupFormat;
  readonly remember: boolean;
  readonly importToBrowser: boolean;
  readonly keyPassphrase?: string;
}

export function backupSecretAccount(credentialId: string): string {
  return `backup-password:${credentialId}`;
}

export class BackupService {
  constructor(private readonly o: BackupServiceOptions) {}

  get defaultPath(): string {
    return path.join(this.o.homeDir, DEFAULT_BACKUP_NAME);
  }

  /** `~/x`, relative paths (to the home folder) and absolute ones; a folder gets `usercred.p12` added. */
  async resolvePath(raw: string): Promise<string> {
    const example = this.defaultPath;
    let p = raw.trim();
    if (p.includes('\0')) throw new OnboardError('BACKUP_PATH_INVALID', { path: raw, detail: 'it contains a NUL character', example });
    if (p === '~' || p.startsWith('~/')) p = path.join(this.o.homeDir, p.slice(1));
    if (!path.isAbsolute(p)) p = path.join(this.o.homeDir, p);
    p = path.normalize(p);
    const st = await fsp.stat(p).catch(() => undefined);
    if (st?.isDirectory()) p = path.join(p, DEFAULT_BACKUP_NAME);
    else if (st && !st.isFile()) throw new OnboardError('BACKUP_PATH_INVALID', { path: raw, detail: 'something other than a file is there', example });
    if (!/\.(p12|pfx)$/i.test(p)) throw new OnboardError('BACKUP_PATH_INVALID', { path: raw, detail: 'the file name must end in .p12 (or .pfx), so that browsers and grid tools recognise it', example });
    return p;
  }

  private async issuedCredential() {
    const s = readRequestSection(await this.o.journal.read());
    if (!s || s.state !== 'issued') return null;
    return s;
  }

  private async last(): Promise<BackupResult | null> {
    const rec = (await this.o.journal.read()) as Record<string, unknown>;
    const b = rec.backup as { last?: BackupResult } | undefined;
    return b?.last ?? null;
  }

  async defaults(): Promise<BackupDefaults> {
    const s = await this.issuedCredential();
    const keychain = await this.o.keys.keychainStatus();
    const tools = findNssTools(this.o.env, this.o.platform);
    const { dbs } = 'missing' in tools ? { dbs: [] } : await nssDbsFor(this.o.homeDir, this.o.env, this.o.platform);
    const exists = await fsp.lstat(this.defaultPath).then(() => true, () => false);
    return {
      certificate: s && s.certificate
        ? { credentialId: s.credentialId, subject: s.certificate.subject, issuer: s.certificate.issuer, notAfter: s.certificate.notAfter, fingerprintSha256: s.certificate.fingerprintSha256 }
        : null,
      defaultPath: this.defaultPath,
      homeDir: this.o.homeDir,
      defaultPathExists: exists,
      folderPicker: this.o.pickFolder !== undefined,
      keychain: { available: keychain.available, backend: keychain.backend, reason: keychain.reason },
      keyPassphraseNeeded: !!s && s.keyProtection === 'typed' && this.o.keys.typedPassphrase(s.credentialId) === undefined,
      browser: 'missing' in tools
        ? { available: false, reason: `The browser certificate tools (pk12util, certutil from NSS) are not installed: ${tools.missing}.`, dbs: [] }
        : { available: dbs.length > 0, reason: dbs.length ? undefined : 'No browser certificate database was found.', dbs: dbs.map((d) => ({ label: d.label, dir: d.dir, exists: d.exists })) },
      personal: s ? [s.name, ...(s.email ? [s.email] : [])] : [],
      last: await this.last(),
    };
  }

  async pickFolder(startIn?: string): Promise<{ folder: string | null }> {
    if (!this.o.pickFolder) throw new OnboardError('BACKUP_PICKER_UNAVAILABLE', { example: this.defaultPath });
    return { folder: await this.o.pickFolder(startIn ?? this.o.homeDir) };
  }

  async write(input: WriteInput): Promise<BackupResult> {
    const s = await this.issuedCredential();
    if (!s) throw new OnboardError('BACKUP_NO_CERTIFICATE');
    const target = await this.resolvePath(input.path);
    if (input.password !== input.confirm) throw new OnboardError('BACKUP_PASSWORDS_DIFFER');
    const strength = passwordStrength(input.password, [s.name, ...(s.email ? [s.email] : [])]);
    if (!strength.acceptable) throw new OnboardError('BACKUP_PASSWORD_WEAK', { reasons: strength.reasons.join('; ') });
    const keychain = input.remember ? await this.o.keys.keychainStatus() : undefined;
    if (keychain && !keychain.available) {
      throw new OnboardError('KEYCHAIN_UNAVAILABLE', { backend: keychain.backend, detail: keychain.reason ?? 'it does not answer' });
    }

    this.o.emit('backup', null, 'Opening your saved key');
    const key = await this.o.keys.unlock(s.credentialId, input.keyPassphrase);
    const store = await this.o.keys.store();
    const { certificate, chain } = await store.certificates(s.credentialId);
    const friendlyName = s.subject.replace(/^.*\/CN=/, '');
    const p12 = await writePkcs12({
      key,
      certificate,
      chain,
      password: input.password,
      friendlyName,
      profile: input.format,
      onProgress: (f, label) => this.o.emit('backup', f === null ? null : f * 0.6, label),
    });
    this.o.emit('backup', 0.65, `Saving ${target}`);
    let written: { path: string; backupPath?: string };
    try {
      await ensureDir(path.dirname(target), 0o700);
      written = await writeFileAtomic(target, p12, { mode: 0o600, existing: 'backup', now: this.o.now });
    } catch (e) {
      if (isOnboardError(e)) throw e;
      throw new OnboardError('IO_ERROR', { action: 'write', path: target, detail: (e as Error).message }, { cause: e });
    }

    // Proof: the file as it is on disk opens with this password and holds this certificate and key.
    this.o.emit('backup', 0.75, 'Opening the saved file again with your password');
    let reread;
    try {
      reread = await readPkcs12(await fsp.readFile(target), input.password, { what: target });
    } catch (e) {
      throw new OnboardError('BACKUP_REOPEN_FAILED', { path: target, detail: isOnboardError(e) ? e.message : (e as Error).message }, { cause: e });
    }
    if (reread.certificate.fingerprint256 !== certificate.fingerprint256) {
      throw new OnboardError('BACKUP_REOPEN_FAILED', { path: target, detail: 'it holds another certificate than the one written' });
    }
    const info = certificateInfo(reread.certificate);

    let rememberedIn: string | undefined;
    if (keychain?.store) {
      await keychain.store.set(backupSecretAccount(s.credentialId), input.password);
      rememberedIn = keychain.backend;
    }

    let browser: BackupBrowserResult[] = [];
    if (input.importToBrowser) {
      this.o.emit('backup', 0.85, 'Importing into your browser’s certificate database');
      const tools = findNssTools(this.o.env, this.o.platform);
      if ('missing' in tools) throw new OnboardError('BACKUP_NSS_TOOLS_MISSING', { install: tools.missing });
      const { dbs } = await nssDbsFor(this.o.homeDir, this.o.env, this.o.platform);
      browser = await importIntoNss({ tools, dbs, p12File: target, password: input.password, nickname: friendlyName, env: this.o.env });
    }

    const result: BackupResult = {
      path: target,
      previousFileKeptAs: written.backupPath,
      format: input.format,
      keyProtection: reread.keyProtection,
      subject: info.subject,
      issuer: info.issuer,
      notAfter: info.notAfter,
      fingerprintSha256: info.fingerprintSha256,
      reopened: true,
      savedAt: this.o.now().toISOString(),
      rememberedIn,
      browser,
    };
    await this.o.journal.update((j) => {
      const rec = j as Record<string, unknown>;
      const prev = (rec.backup as { history?: unknown[] } | undefined)?.history ?? [];
      rec.backup = { last: result, history: [...prev, { path: target, at: result.savedAt, format: input.format, fingerprintSha256: info.fingerprintSha256 }].slice(-20) };
      this.o.journal.record(j, 'backup', 'saved', `${target} (${input.format}${written.backupPath ? `; previous file kept as ${written.backupPath}` : ''})`);
      for (const b of browser) this.o.journal.record(j, 'backup', b.ok ? 'browserImported' : 'browserImportFailed', `${b.label}: ${b.ok ? b.nickname : b.error?.message}`);
      this.o.journal.setStep(j, 'backup', 'done', path.basename(target));
    });
    this.o.emit('backup', 1, 'Backup saved and checked');
    return result;
  }
}
