import { z } from 'zod';
import { procedure } from './define';
import type { WireError } from '../errors';
import type { PolicyText } from '../request-policy';

/** RSA sizes offered (2048 is what grid CAs expect; 3072 and 4096 are stronger and slower). */
export const REQUEST_KEY_SIZES = [2048, 3072, 4096] as const;
export type RequestKeySize = (typeof REQUEST_KEY_SIZES)[number];

/** Where a request stands. `waiting`: the CA answered 202 and the app polls it. */
export const REQUEST_STATES = ['submitting', 'waiting', 'issued', 'needs-passphrase', 'rejected', 'failed', 'cancelled'] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

/** How the new key's passphrase is kept (from the Protect step, else what this computer offers). */
export interface KeyProtectionView {
  /** `keychain`: a random passphrase in the OS keychain; `typed`: the user types one now and when needed. */
  readonly mode: 'keychain' | 'typed';
  readonly backend?: string;
  /** Why the keychain is not used (no Protect choice and none answers here). */
  readonly reason?: string;
  /** True when the Protect step recorded the choice. */
  readonly chosenInProtect: boolean;
}

/** The certificate authority a request goes to. */
export interface ConnectorView {
  /** `sandbox`: the sandbox CA on this computer (EST); `est`: an RFC 7030 server the user named; `none`: no connection known. */
  readonly kind: 'sandbox' | 'est' | 'none';
  readonly estUrl?: string;
  /** In the user's words: which CA, and what happens. */
  readonly description: string;
  /** Whether the CA's certificate is in the app's trust (null when unknown before the first contact). */
  readonly caTrusted: boolean | null;
  /** The CA bundle the Trust CAs step installs for it. */
  readonly trustBundle?: string;
  /** Whether this CA wants an enrolment code (HTTP Basic); the sandbox fills in its own when left empty. */
  readonly enrolmentCode: 'sandbox-default' | 'needed' | 'unknown';
}

export interface RequestPreview {
  readonly vo: { readonly name: string; readonly displayName: string; readonly sponsor?: string; readonly sandbox: boolean };
  readonly connector: ConnectorView;
  /** The subject the CA will issue (slash form), when the name and e-mail fit the CA's rules. */
  readonly subject?: string;
  /** The same in RFC 4514 order, as browsers show it. */
  readonly subjectRfc4514?: string;
  /** Who decides the final subject and how. */
  readonly subjectNote: string;
  /** The first broken rule of the name or e-mail (not thrown: the preview runs as the user types). */
  readonly problem?: { readonly field: 'name' | 'email'; readonly message: string };
  readonly policy: PolicyText & { readonly sha256: string };
  readonly keySizes: readonly RequestKeySize[];
  readonly defaultKeySize: RequestKeySize;
  readonly keyProtection: KeyProtectionView;
}

/** How the current credential came: a request, an import of an existing one, or a renewal. */
export const CREDENTIAL_ORIGINS = ['request', 'import', 'renewal'] as const;
export type CredentialOrigin = (typeof CREDENTIAL_ORIGINS)[number];

/** A credential the current one replaced (kept in the app's store, never overwritten). */
export interface PreviousCredentialView {
  readonly credentialId: string;
  readonly origin: CredentialOrigin;
  readonly subject: string;
  readonly serial: string;
  readonly notAfter: string;
  readonly fingerprintSha256: string;
}

/** What "I already have a certificate" can offer on this computer. */
export interface ImportSourcesView {
  /** `~/.globus` holding usercert.pem + userkey.pem, when present. */
  readonly globus: {
    readonly dir: string;
    /** Shown as `~/.globus`. */
    readonly display: string;
    readonly subject?: string;
    readonly notAfter?: string;
    /** Whether userkey.pem is protected by a passphrase. */
    readonly keyEncrypted: boolean;
    /** Why it cannot be offered as it is (unreadable certificate…). */
    readonly problem?: string;
  } | null;
  readonly homeDir: string;
  /** Desktop app: a folder can be chosen with the system dialog (`backupPickFolder`); a folder holding one .p12 stands for it. */
  readonly folderPicker: boolean;
  /** usercred.p12 / *.p12 / *.pfx found directly in the home folder (and ~/.globus). */
  readonly p12Files: readonly string[];
  readonly keyProtection: KeyProtectionView;
}

/** The request as the Request step shows it (public facts only). */
export interface RequestStatusView {
  readonly credentialId: string;
  readonly state: RequestState;
  readonly vo: string;
  readonly sandbox: boolean;
  readonly subject: string;
  readonly name: string;
  readonly email?: string;
  readonly keyBits: number;
  readonly publicKeyFingerprint: string;
  readonly keyProtection: 'keychain' | 'typed';
  /** The CA's EST address; empty for an imported credential whose CA has no known EST service. */
  readonly estUrl: string;
  readonly requestId?: string;
  /** When the request was first sent (the elapsed time counts from here, across restarts). */
  readonly startedAt: string;
  /** When “I AGREE” was checked (absent for an imported credential). */
  readonly agreedAt?: string;
  /** A request (default), an imported credential, or a renewal of the previous one. */
  readonly origin: CredentialOrigin;
  /** Imported from (`usercred.p12`, `~/.globus`), for an imported credential. */
  readonly importedFrom?: string;
  /** The certificate this renewal replaces. */
  readonly renewOf?: { readonly credentialId: string; readonly serial: string; readonly notAfter: string };
  /** Notes from an import (no MAC, expiring soon…). */
  readonly warnings?: readonly string[];
  /** Credentials this one replaced, newest first. */
  readonly previous: readonly PreviousCredentialView[];
  readonly lastCheckedAt?: string;
  /** The sandbox sponsor page (sandbox only), where a user approves their own practice request. */
  readonly sponsorUrl?: string;
  /** True while the app polls the CA in the background. */
  readonly polling: boolean;
  readonly error?: WireError;
  readonly certificate?: {
    readonly subject: string;
    readonly issuer: string;
    readonly serial: string;
    readonly notBefore: string;
    readonly notAfter: string;
    readonly fingerprintSha256: string;
  };
}

const nameInput = z.string().trim().max(120);
const emailInput = z.string().trim().max(254);
const estUrlInput = z.string().trim().max(500).optional();

export const requestProcedures = {
  requestPreview: procedure<RequestPreview>()({
    input: z.object({ name: nameInput.default(''), email: emailInput.default(''), estUrl: estUrlInput }).strict(),
    summary: 'The chosen VO and sponsor, the CA connection, the subject the CA will issue for this name and e-mail, the agreement text, key sizes and key protection.',
  }),
  requestStart: procedure<RequestStatusView>()({
    input: z
      .object({
        name: nameInput.min(1),
        email: emailInput.min(1),
        keyBits: z.union([z.literal(2048), z.literal(3072), z.literal(4096)]).default(2048),
        /** The user checked "I AGREE" under this version of the agreement. */
        agree: z.literal(true, { error: 'check “I AGREE” to send the request' }),
        policySha256: z.string().regex(/^[0-9a-f]{64}$/),
        estUrl: estUrlInput,
        enrolmentCode: z.string().max(200).optional(),
        /** Typed key passphrase (key protection `typed` only). Goes in, never comes back. */
        keyPassphrase: z.string().max(1024).optional(),
      })
      .strict(),
    summary: 'Records the agreement, makes the key pair (progress `keygen`), builds the CSR, keeps the encrypted key and sends the request; then polls for the sponsor (progress `approval`).',
  }),
  requestStatus: procedure<RequestStatusView | null>()({
    input: z.object({}).strict(),
    summary: 'The current request (restored after a restart; polling resumes if it was waiting), or null.',
  }),
  requestCancel: procedure<RequestStatusView>()({
    input: z.object({}).strict(),
    summary: 'Stops waiting for the sponsor. The key and the request are kept; the request may be resumed.',
  }),
  requestResume: procedure<RequestStatusView>()({
    input: z
      .object({
        enrolmentCode: z.string().max(200).optional(),
        keyPassphrase: z.string().max(1024).optional(),
      })
      .strict(),
    summary: 'Polls again for a cancelled or failed request with the same key, or stores an issued certificate once the key passphrase is typed.',
  }),
  requestImportSources: procedure<ImportSourcesView>()({
    input: z.object({}).strict(),
    summary: 'What “I already have a certificate” can offer here: the ~/.globus pair when present, .p12 files in the home folder, and how the key will be kept.',
  }),
  requestImport: procedure<RequestStatusView>()({
    input: z
      .object({
        source: z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('p12'), path: z.string().trim().min(1).max(4096) }).strict(),
          z.object({ kind: z.literal('globus'), dir: z.string().trim().max(4096).optional() }).strict(),
        ]),
        /** The .p12 password or userkey.pem passphrase. Goes in, never comes back. */
        password: z.string().max(1024),
        /** Passphrase for the stored key (key protection `typed` only). */
        keyPassphrase: z.string().max(1024).optional(),
      })
      .strict(),
    summary: 'Opens an existing credential (a .p12/.pfx, or usercert.pem + userkey.pem), checks key, certificate, validity, chain and that its CA is trusted, and stores it as the Request step’s credential (progress `import`). The source file is never changed.',
  }),
  requestRenew: procedure<RequestStatusView>()({
    input: z
      .object({
        keyBits: z.union([z.literal(2048), z.literal(3072), z.literal(4096)]).default(2048),
        /** Passphrase of the current key (key protection `typed`); the new key gets the same. */
        keyPassphrase: z.string().max(1024).optional(),
        estUrl: estUrlInput,
      })
      .strict(),
    summary: 'Renews the current certificate (EST simplereenroll, RFC 7030 §4.2.2): a new key (progress `keygen`), a CSR with the same subject sent over TLS authenticated by the current certificate; the old credential is kept and listed as previous.',
  }),
};
