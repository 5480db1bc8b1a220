/**
 * The usercred.p12 password the Back up step remembered in the keychain ("Remember this password
 * in my keychain"), used by the Upload step when the user types none. It applies only to the
 * very file the Back up step saved: the same path, the keychain entry opens it, and the
 * certificate inside is the one the journal recorded (`backup.last.fingerprintSha256`) — the
 * file is checked, not just its name. The password never leaves the services.
 */
import { createHmac, randomBytes } from 'node:crypto';
import path from 'node:path';
import { OnboardError, isOnboardError } from '../../../shared/errors';
import { certificateInfo, readPkcs12 } from '../credential';
import type { SecretStore } from '../keychain/secret-store';
import type { JournalData } from '../journal/journal';
import { backupSecretAccount } from '../backup/backup-service';
import type { UploadDefaults } from '../../../shared/contract/upload';
import { readP12 } from './upload-inputs';

/** What the journal says about the last backup, with the keychain account holding its password. */
export interface RememberedBackup {
  readonly path: string;
  readonly fingerprintSha256: string;
  /** The keychain backend the Back up step stored the password in. */
  readonly rememberedIn: string;
  readonly account: string;
}

export type RememberedP12 =
  /** The keychain's password opens this file and it holds the backed-up certificate. */
  | { readonly kind: 'remembered'; readonly password: string; readonly backend: string }
  /** There is a remembered password, but this file is not (any more) the one it was saved for. */
  | { readonly kind: 'stale'; readonly backend: string; readonly detail: string }
  /** Nothing remembered applies (why, in the user's words). */
  | { readonly kind: 'none'; readonly reason: string };

const bare = (fp: string) => fp.replace(/[^0-9a-f]/gi, '').toLowerCase();

interface CredentialRecord {
  readonly credentialId?: unknown;
  readonly certificate?: { readonly fingerprintSha256?: unknown };
}

/**
 * The last backup, when its password was remembered. The keychain account is named after the
 * credential the backup was made of: the Request/Import record (current or earlier) whose
 * certificate is the backed-up one.
 */
export function rememberedBackup(journal: JournalData): RememberedBackup | null {
  const rec = journal as Record<string, unknown>;
  const last = (rec.backup as { last?: Record<string, unknown> } | undefined)?.last;
  if (!last || typeof last.path !== 'string' || typeof last.fingerprintSha256 !== 'string') return null;
  if (typeof last.rememberedIn !== 'string' || !last.rememberedIn) return null;
  const want = bare(last.fingerprintSha256);
  const candidates = [rec.request, ...(Array.isArray(rec.requestHistory) ? [...rec.requestHistory].reverse() : [])] as (CredentialRecord | undefined)[];
  const owner = candidates.find((c) => c && typeof c.credentialId === 'string' && typeof c.certificate?.fingerprintSha256 === 'string' && bare(c.certificate.fingerprintSha256) === want);
  if (!owner) return null;
  return { path: path.normalize(last.path), fingerprintSha256: last.fingerprintSha256, rememberedIn: last.rememberedIn, account: backupSecretAccount(owner.credentialId as string) };
}

export interface RememberedP12Input {
  readonly journal: JournalData;
  /** The p12 the upload is about (absolute, normalised) and its bytes as read now. */
  readonly p12Path: string;
  readonly p12: Uint8Array;
  /** The OS keychain when it answers, else null. */
  readonly keychain: () => Promise<SecretStore | null>;
  /** Opens the file with a password → its certificate's SHA-256, or null for a wrong password (cached by the caller). */
  readonly open?: (p12: Uint8Array, password: string) => Promise<string | null>;
}

/** Opens a p12 with a password: the leaf certificate's SHA-256, or null when the password does not open it. */
export async function p12Fingerprint(p12: Uint8Array, password: string): Promise<string | null> {
  try {
    const c = await readPkcs12(p12, password);
    return certificateInfo(c.certificate).fingerprintSha256;
  } catch (e) {
    if (isOnboardError(e) && e.code === 'P12_WRONG_PASSWORD') return null;
    throw e;
  }
}

/** Whether the remembered password applies to this p12 (see the file comment). */
export async function rememberedP12Password(input: RememberedP12Input): Promise<RememberedP12> {
  const b = rememberedBackup(input.journal);
  if (!b) return { kind: 'none', reason: 'no password was remembered when this file was saved' };
  if (path.normalize(input.p12Path) !== b.path) return { kind: 'none', reason: `the remembered password belongs to ${b.path}` };
  let store: SecretStore | null;
  let password: string | null;
  try {
    store = await input.keychain();
    password = store ? await store.get(b.account) : null;
  } catch (e) {
    return { kind: 'none', reason: `the keychain cannot be read (${isOnboardError(e) ? String(e.details?.detail ?? e.message) : (e as Error).message})` };
  }
  if (!store) return { kind: 'none', reason: `the keychain (${b.rememberedIn}) does not answer` };
  if (password === null) return { kind: 'none', reason: `the keychain (${store.backend}) no longer holds it` };
  let fingerprint: string | null;
  try {
    fingerprint = await (input.open ?? p12Fingerprint)(input.p12, password);
  } catch (e) {
    return { kind: 'stale', backend: store.backend, detail: `the file cannot be read with it (${isOnboardError(e) ? e.message : (e as Error).message})` };
  }
  if (fingerprint === null) return { kind: 'stale', backend: store.backend, detail: 'it no longer opens the file (the file was changed or saved again with another password)' };
  if (bare(fingerprint) !== bare(b.fingerprintSha256)) return { kind: 'stale', backend: store.backend, detail: 'the file now holds another certificate than the one the Back up step saved' };
  return { kind: 'remembered', password, backend: store.backend };
}

/**
 * The .p12 password an upload uses: the typed one (always wins; the keychain is not even read),
 * else the remembered one when it applies, else an error naming the field to fill.
 */
export async function p12PasswordFor(typed: string | undefined, p12Path: string, decide: () => Promise<RememberedP12>): Promise<string> {
  if (typed !== undefined) return typed;
  const r = await decide();
  if (r.kind === 'remembered') return r.password;
  if (r.kind === 'stale') throw new OnboardError('UPLOAD_P12_PASSWORD_STALE', { field: 'password', path: p12Path, backend: r.backend, detail: r.detail });
  throw new OnboardError('UPLOAD_P12_PASSWORD_REQUIRED', { field: 'password', path: p12Path, reason: r.reason });
}

export type RememberedP12View = Pick<UploadDefaults, 'p12PasswordRemembered' | 'p12PasswordKeychain' | 'p12PasswordStale'>;

/** The Upload step's use of the remembered password, with the opened files cached (by HMAC, in memory). */
export class RememberedP12Passwords {
  /** p12 + password → its certificate's SHA-256 (null: the password does not open it). */
  private readonly opened = new Map<string, string | null>();
  private readonly secret = randomBytes(32);

  constructor(private readonly o: { readonly journal: () => Promise<JournalData>; readonly keychain: () => Promise<SecretStore | null> }) {}

  private async open(p12: Uint8Array, password: string): Promise<string | null> {
    const k = createHmac('sha256', this.secret).update(p12).update('\0').update(password).digest('hex');
    if (this.opened.has(k)) return this.opened.get(k)!;
    const fp = await p12Fingerprint(p12, password);
    if (this.opened.size > 16) this.opened.clear();
    this.opened.set(k, fp);
    return fp;
  }

  async decide(p12Path: string, p12: Uint8Array): Promise<RememberedP12> {
    return rememberedP12Password({ journal: await this.o.journal(), p12Path, p12, keychain: this.o.keychain, open: (b, pw) => this.open(b, pw) });
  }

  /** The password an upload of this file uses (see p12PasswordFor). */
  passwordFor(typed: string | undefined, p12Path: string, p12: Uint8Array): Promise<string> {
    return p12PasswordFor(typed, p12Path, () => this.decide(p12Path, p12));
  }

  /** For the step's defaults: whether the offered file can go without a typed password (never the password). */
  async view(p12Path: string | undefined): Promise<RememberedP12View> {
    if (!p12Path) return { p12PasswordRemembered: false };
    const bytes = await readP12(p12Path).catch(() => null);
    const r = bytes ? await this.decide(p12Path, bytes).catch(() => null) : null;
    if (r?.kind === 'remembered') return { p12PasswordRemembered: true, p12PasswordKeychain: r.backend };
    if (r?.kind === 'stale') return { p12PasswordRemembered: false, p12PasswordKeychain: r.backend, p12PasswordStale: r.detail };
    return { p12PasswordRemembered: false };
  }
}
