import { z } from 'zod';
import { procedure } from './define';
import type { WireError } from '../errors';

export const BACKUP_FORMATS = ['modern', 'legacy'] as const;
export type BackupFormat = (typeof BACKUP_FORMATS)[number];

/** A browser certificate database (NSS) the backup can be imported into. */
export interface BackupNssDbView {
  readonly label: string;
  readonly dir: string;
  /** False for `~/.pki/nssdb` before it exists (the import creates it). */
  readonly exists: boolean;
}

export interface BackupDefaults {
  /** The issued certificate to back up (from the Request step), or null. */
  readonly certificate: {
    readonly credentialId: string;
    readonly subject: string;
    readonly issuer: string;
    readonly notAfter: string;
    readonly fingerprintSha256: string;
  } | null;
  /** `<home>/usercred.p12`. */
  readonly defaultPath: string;
  readonly homeDir: string;
  /** Whether a file is already at the default path (it would be kept as `.bak-<time>`). */
  readonly defaultPathExists: boolean;
  /** True only in the desktop app (browser mode cannot show the user's folders). */
  readonly folderPicker: boolean;
  readonly keychain: { readonly available: boolean; readonly backend: string; readonly reason?: string };
  /** The key passphrase must be typed (key protection `typed`, and not typed yet in this session). */
  readonly keyPassphraseNeeded: boolean;
  readonly browser: {
    readonly available: boolean;
    /** Why not (NSS tools missing), in the user's words. */
    readonly reason?: string;
    readonly dbs: readonly BackupNssDbView[];
  };
  /** The name and e-mail from the request: the password must not contain them. */
  readonly personal: readonly string[];
  /** The last backup written (restored after a restart). */
  readonly last: BackupResult | null;
}

export interface BackupBrowserResult {
  readonly label: string;
  readonly db: string;
  readonly ok: boolean;
  /** The nickname the browser lists the certificate under. */
  readonly nickname?: string;
  readonly error?: WireError;
}

export interface BackupResult {
  readonly path: string;
  /** Where a file that was already there went (never overwritten). */
  readonly previousFileKeptAs?: string;
  readonly format: BackupFormat;
  /** How the file protects the key, as re-read from the file (e.g. `PBES2, PBKDF2-SHA256, AES-256-CBC, 2048 iterations`). */
  readonly keyProtection: string;
  readonly subject: string;
  readonly issuer: string;
  readonly notAfter: string;
  readonly fingerprintSha256: string;
  /** The file was opened again with the password, and holds this certificate and its key. */
  readonly reopened: true;
  readonly savedAt: string;
  readonly rememberedIn?: string;
  readonly browser: readonly BackupBrowserResult[];
}

export const backupProcedures = {
  backupDefaults: procedure<BackupDefaults>()({
    input: z.object({}).strict(),
    summary: 'What the Back up step offers: the certificate, the default path (~/usercred.p12), keychain, browser databases, and the last backup.',
  }),
  backupWrite: procedure<BackupResult>()({
    input: z
      .object({
        path: z.string().trim().min(1).max(4096),
        /** The .p12 password, typed twice. Goes in, never comes back. */
        password: z.string().max(1024),
        confirm: z.string().max(1024),
        format: z.enum(BACKUP_FORMATS).default('modern'),
        remember: z.boolean().default(false),
        importToBrowser: z.boolean().default(false),
        keyPassphrase: z.string().max(1024).optional(),
      })
      .strict(),
    summary: 'Writes usercred.p12 (never over an existing file), re-opens it with the password to prove it, optionally remembers the password and imports it into the browser (pk12util).',
  }),
  backupPickFolder: procedure<{ folder: string | null }>()({
    input: z.object({ startIn: z.string().max(4096).optional() }).strict(),
    summary: 'Desktop app only: shows a folder picker and returns the folder chosen (null when cancelled).',
  }),
};
