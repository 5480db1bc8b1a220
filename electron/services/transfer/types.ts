/** Public shapes of the transfer service (the Upload step's back end). */
import type { UploadedFileView, UploadListingEntryView, UploadOpensslView } from '../../../shared/contract/upload';

export interface SubmitHostTarget {
  readonly host: string;
  /** 22 when absent. */
  readonly port?: number;
  /** The account on the submit host. */
  readonly username: string;
}

/**
 * How to log in. `password` also answers a single hidden “Password:” prompt of
 * keyboard-interactive (hosts that only allow PAM); any further prompt (a one-time code) goes
 * to `promptKeyboard`. The private key never leaves the service.
 */
export type SshAuth =
  | { readonly method: 'password'; readonly password: string }
  | { readonly method: 'keyboard-interactive' }
  | { readonly method: 'key'; readonly privateKey: Buffer | string; readonly passphrase?: string; readonly keyFile?: string }
  | { readonly method: 'agent'; readonly socket?: string };

export interface HostKeyQuestion {
  readonly host: string;
  readonly port: number;
  /** SSH key type, e.g. `ssh-ed25519`. */
  readonly keyType: string;
  /** `SHA256:…`, exactly as `ssh-keygen -lf` prints it. */
  readonly fingerprint: string;
  /** Key types already known for this host (another type than this one), for the dialog's wording. */
  readonly otherKnownTypes: readonly string[];
}

/** Asked once for a host not yet known; `true` trusts the key and saves it in the app's known-hosts file. */
export type ConfirmHostKey = (question: HostKeyQuestion) => Promise<boolean>;

export interface KeyboardPrompt {
  readonly name: string;
  readonly instructions: string;
  readonly prompts: readonly { readonly prompt: string; readonly echo: boolean }[];
}

/** Shows the server's prompts (e.g. “Verification code:”) and returns one answer per prompt. */
export type PromptKeyboard = (request: KeyboardPrompt) => Promise<readonly string[]>;

export interface RemoteFileSpec {
  /** A plain file name inside `~/.globus`, e.g. `usercert.pem`. */
  readonly name: string;
  readonly data: Buffer;
  /** Final mode, e.g. 0o400. */
  readonly mode: number;
}

export type UploadPhase = 'connecting' | 'preparing' | 'sending' | 'checking' | 'installing' | 'listing' | 'done';

export interface UploadProgress {
  readonly phase: UploadPhase;
  /** The file this event is about (sending/checking/installing). */
  readonly file?: string;
  readonly bytesDone?: number;
  readonly bytesTotal?: number;
  /** `resumed`: checked in an earlier attempt, not sent again; `unchanged`: already in place. */
  readonly note?: 'resumed' | 'unchanged';
}

export type UploadedFileStatus = UploadedFileView['status'];

/** A file as the transfer service reports it; the Upload step adds `modeText`. */
export type UploadedFile = Omit<UploadedFileView, 'modeText'>;

export type RemoteListingEntry = UploadListingEntryView;

export type RemoteOpensslCheck = UploadOpensslView;

export interface UploadResult {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly hostKey: { readonly keyType: string; readonly fingerprint: string; readonly trust: 'known' | 'accepted' };
  /** Absolute path of `~/.globus` on the host. */
  readonly directory: string;
  readonly directoryMode: number;
  readonly files: readonly UploadedFile[];
  readonly listing: readonly RemoteListingEntry[];
  /** From the uploaded usercert.pem, when one was sent. */
  readonly certificate?: { readonly subject: string; readonly notAfter: string };
  readonly openssl: RemoteOpensslCheck;
}
