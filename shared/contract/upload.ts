import { z } from 'zod';
import { procedure } from './define';
import type { WireError } from '../errors';

/**
 * Step 7 of seed 000, "Transferring the Certificate to the Submit Host": usercred.p12,
 * usercert.pem and userkey.pem into `~/.globus` on the submit host over SSH/SFTP. The window
 * answers the host's questions (host key, one-time codes) while an upload runs: the services
 * push an `uploadQuestion` event and wait for `uploadAnswer`. Only public data comes back —
 * never a password, a passphrase or a key.
 */

export const UPLOAD_FILE_NAMES = ['userkey.pem', 'usercert.pem', 'usercred.p12'] as const;
export type UploadFileName = (typeof UPLOAD_FILE_NAMES)[number];

export const UPLOAD_AUTH_METHODS = ['sandbox-account', 'password', 'keyboard-interactive', 'key', 'agent'] as const;
export type UploadAuthMethod = (typeof UPLOAD_AUTH_METHODS)[number];

/** An id the window makes for its upload (so it can cancel before the call returns). */
export const uploadIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8 to 64 letters, digits, “-” or “_”');

const secret = z.string().max(1024);
const pathText = z.string().trim().min(1, 'is required').max(4096);

export const uploadTargetSchema = z
  .object({
    host: z.string().trim().min(1, 'is required').max(253).regex(/^[^\s/@]+$/, 'must be a host name such as login.example.org (no spaces, no user@)'),
    port: z.number().int().min(1, 'must be between 1 and 65535').max(65535, 'must be between 1 and 65535').default(22),
    // eslint-disable-next-line no-control-regex
    username: z.string().trim().min(1, 'is required').max(256).regex(/^[^\s@\u0000-\u001f]+$/, 'is your account name on the submit host (no spaces, no @)'),
  })
  .strict();

export const uploadAuthSchema = z.discriminatedUnion('method', [
  /** Sandbox only: the services log in with the sandbox account's generated password. */
  z.object({ method: z.literal('sandbox-account') }).strict(),
  z.object({ method: z.literal('password'), password: secret.min(1, 'is required') }).strict(),
  z.object({ method: z.literal('keyboard-interactive') }).strict(),
  z.object({ method: z.literal('key'), keyFile: pathText, passphrase: secret.optional() }).strict(),
  z.object({ method: z.literal('agent') }).strict(),
]);
export type UploadAuthInput = z.input<typeof uploadAuthSchema>;

export const uploadCredentialSchema = z
  .object({
    /** The usercred.p12 to send (and to make usercert.pem and userkey.pem from). */
    p12Path: pathText,
    /**
     * Its password. Goes in, never comes back. May be left out only for the Back up step's own
     * file whose password is remembered in the keychain (`UploadDefaults.p12PasswordRemembered`):
     * the services read it there. A typed one always wins.
     */
    password: secret.optional(),
    /** userkey.pem's passphrase when not the .p12 password; typed twice. */
    keyPassphrase: secret.optional(),
    keyPassphraseConfirm: secret.optional(),
  })
  .strict();

export interface UploadHostChoice {
  readonly host: string;
  readonly port: number;
  readonly note?: string;
  /** `sandbox`: the embedded sandbox submit host; `vo`: listed by the chosen VO. */
  readonly source: 'sandbox' | 'vo';
}

export interface UploadSandboxView {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly hostKey: { readonly keyType: string; readonly keyTypeLabel: string; readonly fingerprint: string };
  /** The account's home folder on this computer (what the host calls `~`). */
  readonly homeDir: string;
  /** Where the sandbox account's generated password is kept (0600). */
  readonly accountFile: string;
}

export interface UploadP12View {
  readonly path: string;
  readonly exists: boolean;
  /** `backup`: saved by the Back up step; `home`: found at ~/usercred.p12. */
  readonly source: 'backup' | 'home';
  readonly savedAt?: string;
  readonly subject?: string;
  readonly notAfter?: string;
}

export interface UploadSshKeyView {
  readonly path: string;
  readonly keyType?: string;
  /** The key file is protected by a passphrase (it will be asked). */
  readonly encrypted: boolean;
}

export interface UploadQuestionView {
  readonly uploadId: string;
  readonly questionId: string;
  readonly kind: 'host-key' | 'keyboard';
  readonly host: string;
  readonly port: number;
  /** host-key: `ssh-ed25519`…, its short label (`ED25519`), and the `SHA256:` fingerprint. */
  readonly keyType?: string;
  readonly keyTypeLabel?: string;
  readonly fingerprint?: string;
  readonly otherKnownTypes?: readonly string[];
  /** host-key, sandbox only: the sandbox host's own key, for the user to compare. */
  readonly sandboxFingerprint?: string;
  /** keyboard: the server's title, instructions and prompts (`echo: false` = hidden). */
  readonly name?: string;
  readonly instructions?: string;
  readonly prompts?: readonly { readonly prompt: string; readonly echo: boolean }[];
  /** When the services stop waiting (the upload then fails with UPLOAD_QUESTION_TIMEOUT). */
  readonly expiresAt: string;
}

export interface UploadFileProgressView {
  readonly name: string;
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly state: 'waiting' | 'sending' | 'checking' | 'checked' | 'resumed' | 'unchanged' | 'installing' | 'installed';
}

export interface UploadRunningView {
  readonly uploadId: string;
  readonly startedAt: string;
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly phase: 'opening' | 'connecting' | 'preparing' | 'sending' | 'checking' | 'installing' | 'listing' | 'done';
  readonly files: readonly UploadFileProgressView[];
  readonly question: UploadQuestionView | null;
}

/** One entry of `~/.globus` on the host after the upload (the transfer service's own type too). */
export interface UploadListingEntryView {
  readonly name: string;
  /** Permission bits, e.g. 0o400. */
  readonly mode: number;
  /** `-r--------`, as `ls -l` prints it. */
  readonly modeText: string;
  readonly size: number;
  readonly isDirectory: boolean;
  readonly mtime: string;
}

export interface UploadedFileView {
  readonly name: string;
  readonly path: string;
  readonly mode: number;
  readonly modeText: string;
  readonly size: number;
  readonly sha256: string;
  /** `resumed`: sent and checked before a dropped connection, not sent again; `unchanged`: already there. */
  readonly status: 'installed' | 'resumed' | 'unchanged';
  /** Where the file that was there before now is (`<name>.bak-<UTC stamp>`). */
  readonly backupPath?: string;
}

/** `openssl x509` run on the host over the uploaded usercert.pem (the transfer service's own type too). */
export interface UploadOpensslView {
  /** False when the host has no openssl, or does not allow running commands. */
  readonly available: boolean;
  readonly command: string;
  /** Its output (`subject=…` and `notAfter=…` lines) when it ran. */
  readonly output?: string;
  readonly exitCode?: number;
  /** Why it did not run, in plain words. */
  readonly reason?: string;
}

export interface UploadView {
  readonly uploadId: string;
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly sandbox: boolean;
  readonly hostKey: { readonly keyType: string; readonly keyTypeLabel: string; readonly fingerprint: string; readonly trust: 'known' | 'accepted' };
  readonly directory: string;
  readonly directoryMode: number;
  readonly directoryModeText: string;
  readonly files: readonly UploadedFileView[];
  readonly listing: readonly UploadListingEntryView[];
  readonly certificate?: { readonly subject: string; readonly notAfter: string };
  readonly openssl: UploadOpensslView;
  readonly p12Path: string;
  /** userkey.pem is protected by the .p12 password (`p12-password`) or its own passphrase. */
  readonly keyPassphrase: 'p12-password' | 'own';
  readonly warnings: readonly string[];
  readonly finishedAt: string;
}

export interface UploadDefaults {
  readonly environment: 'sandbox' | 'production';
  readonly vo: string | null;
  /** Hosts to choose from: the sandbox submit host first (sandbox mode), then the VO's. */
  readonly hosts: readonly UploadHostChoice[];
  /** What the form starts with. */
  readonly target: { readonly host: string; readonly port: number; readonly username: string } | null;
  readonly sandbox: UploadSandboxView | null;
  /** Why the sandbox submit host could not start (sandbox mode), in the user's words. */
  readonly sandboxError?: WireError;
  readonly p12: UploadP12View | null;
  /**
   * The Back up step remembered `p12`'s password in the keychain and it still opens this very
   * file (same certificate): the upload may go without typing it. Never the password itself.
   */
  readonly p12PasswordRemembered: boolean;
  /** The keychain it is remembered in (e.g. `Secret Service (GNOME Keyring / KWallet)`). */
  readonly p12PasswordKeychain?: string;
  /** A remembered password that no longer fits the file: why (the user must type it). */
  readonly p12PasswordStale?: string;
  /** `~/usercred.p12`, what a typed relative path is resolved against. */
  readonly homeDir: string;
  readonly sshKeys: readonly UploadSshKeyView[];
  readonly agent: { readonly available: boolean; readonly socket?: string };
  readonly questionTimeoutSeconds: number;
  readonly running: UploadRunningView | null;
  readonly last: UploadView | null;
}

export interface UploadStatusView {
  readonly running: UploadRunningView | null;
  readonly last: UploadView | null;
  /** How the latest attempt of this session failed (null after a success). */
  readonly lastError: WireError | null;
}

export const uploadProcedures = {
  uploadDefaults: procedure<UploadDefaults>()({
    input: z.object({}).strict(),
    summary: 'What the Upload step offers: submit hosts (sandbox, the VO’s), the backed-up usercred.p12 (and whether its password is remembered in the keychain), SSH keys and agent, a running upload, the last result.',
  }),
  uploadStart: procedure<UploadView>()({
    input: z
      .object({
        uploadId: uploadIdSchema,
        target: uploadTargetSchema,
        auth: uploadAuthSchema,
        credential: uploadCredentialSchema,
      })
      .strict(),
    summary: 'Uploads usercred.p12, usercert.pem and userkey.pem into ~/.globus on the submit host; answers when done. Questions arrive as uploadQuestion events.',
  }),
  uploadAnswer: procedure<{ readonly answered: true }>()({
    input: z
      .object({
        uploadId: uploadIdSchema,
        questionId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
        /** host-key questions: trust this key (saved in the app's known_hosts) or not. */
        accept: z.boolean().optional(),
        /** keyboard questions: one answer per prompt. Go in, never come back. */
        answers: z.array(secret).max(16).optional(),
      })
      .strict(),
    summary: 'Answers the running upload’s question (host key: accept or not; keyboard-interactive: the answers).',
  }),
  uploadCancel: procedure<{ readonly cancelled: boolean }>()({
    input: z.object({ uploadId: uploadIdSchema }).strict(),
    summary: 'Cancels the running upload (a pending question is dropped; files already checked on the host are reused by the next upload).',
  }),
  uploadStatus: procedure<UploadStatusView>()({
    input: z.object({}).strict(),
    summary: 'The running upload (phase, per-file progress, a pending question), the last result, and the last error of this session.',
  }),
};
