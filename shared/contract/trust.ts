import { z } from 'zod';
import { procedure } from './define';
import type { WireError } from '../errors';

/** Install targets of the Trust CAs step (electron/services/trust/targets/). */
export const TRUST_TARGET_IDS = ['app', 'x509', 'nss', 'macos-keychain', 'windows-user-root', 'system'] as const;
export type TrustTargetId = (typeof TRUST_TARGET_IDS)[number];

/** One CA certificate of a bundle: public facts only. */
export interface TrustCaView {
  readonly name: string;
  /** Slash form, e.g. `/DC=org/DC=osg-onboard-sandbox/CN=…`. */
  readonly subject: string;
  readonly issuer: string;
  /** `AB:CD:…` (as `openssl x509 -fingerprint -sha256`). */
  readonly sha256: string;
  readonly subjectHash: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly selfSigned: boolean;
  readonly role: 'root' | 'intermediate';
  readonly source: string;
  readonly hasSigningPolicy: boolean;
  readonly hasNamespaces: boolean;
}

export interface TrustBundleView {
  readonly name: string;
  readonly displayName: string;
  readonly description: string;
  /** Made on this computer (the sandbox CA), not shipped. */
  readonly runtime: boolean;
  readonly notes: readonly string[];
  readonly certificates: readonly TrustCaView[];
}

/** A target as the UI shows it: a checkbox with its path(s). The trust service's own type too. */
export interface TrustTargetView {
  readonly id: TrustTargetId;
  readonly label: string;
  readonly description: string;
  /** Where it writes (files, folders, NSS databases, keychain). */
  readonly paths: readonly string[];
  readonly available: boolean;
  /** Why it is not available (other OS, program missing…). */
  readonly reason?: string;
  /** Offered as a command for the user to run with sudo; never run by the app. */
  readonly needsRoot: boolean;
  /** Selected by default in the step. */
  readonly defaultSelected: boolean;
}

/** A browser (NSS) certificate database the `nss` target writes to. */
export interface TrustNssDbView {
  /** `sql:/home/u/.pki/nssdb` (the key used for passwords). */
  readonly db: string;
  readonly label: string;
  readonly exists: boolean;
  /** True when it is protected by a password (Firefox “Primary Password”). */
  readonly needsPassword: boolean;
}

export interface TrustInstallView {
  readonly id: string;
  readonly bundle: string;
  readonly at: string;
  readonly targets: readonly TrustTargetId[];
  /** True when the install changed something that undo can take back. */
  readonly undoable: boolean;
  readonly undoneAt?: string;
}

export interface TrustOverview {
  /** The chosen VO's name. */
  readonly vo: string;
  /** The bundle the VO names (`sandbox`, `igtf-classic`, …). */
  readonly requestedBundle: string;
  readonly bundle: TrustBundleView;
  readonly targets: readonly TrustTargetView[];
  readonly nssDbs: readonly TrustNssDbView[];
  /** The newest install of this bundle that can still be undone. */
  readonly lastInstall: TrustInstallView | null;
}

/** One planned or done change, in words (the trust service's own type too). */
export interface TrustChangeView {
  readonly action: 'add' | 'set-trust' | 'keep' | 'create' | 'remove' | 'restore-trust' | 'skip';
  /** The CA (display name) it concerns, when it concerns one. */
  readonly ca?: string;
  readonly sha256?: string;
  /** File, folder or `sql:/…` database. */
  readonly where: string;
  readonly detail?: string;
}

export interface TrustTargetPlanView {
  readonly target: TrustTargetId;
  readonly available: boolean;
  readonly reason?: string;
  readonly changes: readonly TrustChangeView[];
  /** The equivalent shell commands, ready to paste. */
  readonly commands: readonly string[];
  readonly notes: readonly string[];
}

export interface TrustPlanView {
  readonly bundle: string;
  readonly targets: readonly TrustTargetPlanView[];
}

/** What happened to one browser database. */
export interface TrustDbResult {
  readonly db: string;
  readonly label: string;
  readonly status: 'changed' | 'unchanged' | 'failed' | 'skipped' | 'password-needed';
  readonly message?: string;
}

export interface TrustTargetResultView {
  readonly target: TrustTargetId;
  readonly status: 'changed' | 'unchanged' | 'failed' | 'needs-root';
  readonly changes: readonly TrustChangeView[];
  /** Set when `failed` (typed, user-readable). Partial work before a failure is in `changes` and undoable. */
  readonly error?: WireError;
  /** `needs-root`: the command for the user to run. */
  readonly command?: string;
  readonly notes: readonly string[];
  /** `nss` only: one line per database. */
  readonly dbs?: readonly TrustDbResult[];
}

export interface TrustInstallResult {
  readonly installId: string;
  readonly bundle: string;
  readonly at: string;
  readonly results: readonly TrustTargetResultView[];
  /** Databases that asked for a password none was given for: type it and install again. */
  readonly passwordNeeded: readonly { readonly db: string; readonly label: string }[];
  /** True when the app's own trust and the X509 folder both hold the CAs (the step is done). */
  readonly stepDone: boolean;
  /** The stepper's line, e.g. `sandbox CA → app, ~/.globus/certificates, 1 browser db`. */
  readonly summary: string;
}

export interface TrustUndoResult {
  readonly installId: string;
  readonly bundle: string;
  readonly at: string;
  readonly results: readonly TrustTargetResultView[];
}

const targetsSchema = z.array(z.enum(TRUST_TARGET_IDS)).min(1, 'choose at least one place').max(TRUST_TARGET_IDS.length);
const dbSchema = z.string().min(1).max(4096).regex(/^(sql|dbm):/, 'must be an NSS database (sql:… or dbm:…)');
/** Passwords go in only; they are used for this one call and never stored or sent back. */
const nssPasswordsSchema = z.array(z.object({ db: dbSchema, password: z.string().max(1024) }).strict()).max(32);

export const trustProcedures = {
  trustOverview: procedure<TrustOverview>()({
    input: z.object({}).strict(),
    summary: 'The chosen VO’s CA bundle (each CA’s subject, fingerprint, validity), the install targets here, the browser databases, and the last install.',
  }),
  trustPlan: procedure<TrustPlanView>()({
    input: z.object({ targets: targetsSchema }).strict(),
    summary: 'What installing into these targets would change, with the equivalent shell commands.',
  }),
  trustInstall: procedure<TrustInstallResult>()({
    input: z
      .object({
        targets: targetsSchema,
        nssPasswords: nssPasswordsSchema.optional(),
        skipNssDbs: z.array(dbSchema).max(32).optional(),
      })
      .strict(),
    summary: 'Installs the VO’s CAs into each target (progress per target); marks Trust CAs done when the app and the X509 folder hold them.',
  }),
  trustUndo: procedure<TrustUndoResult>()({
    input: z
      .object({
        installId: z.string().regex(/^\d{8}T\d{6}Z-[0-9a-f]{8}$/, 'is not an install id'),
        nssPasswords: nssPasswordsSchema.optional(),
      })
      .strict(),
    summary: 'Takes back exactly what an install added.',
  }),
};
