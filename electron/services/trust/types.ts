import type { TrustChangeView, TrustTargetId, TrustTargetPlanView, TrustTargetResultView, TrustTargetView } from '../../../shared/contract/trust';
import type { CaCertificateInfo, ParsedCa } from './certificate';

/** Every install target, each its own module under targets/ (the contract's list: the UI offers exactly these). */
export { TRUST_TARGET_IDS as TARGET_IDS } from '../../../shared/contract/trust';
export type TargetId = TrustTargetId;

/** A CA certificate as bundle data: PEM, its pinned SHA-256 and where it came from. */
export interface BundleCertificateData {
  readonly pem: string;
  /** Pinned SHA-256 fingerprint of the DER (any case, colons optional). */
  readonly sha256: string;
  /** `root` goes to every target; `intermediate` only where grid tools need it (app, X509_CERT_DIR). */
  readonly role?: 'root' | 'intermediate';
  readonly source?: string;
  /** IGTF `<hash>.signing_policy` text (EACL), when the distribution has one. */
  readonly signingPolicy?: string;
  /** IGTF `<hash>.namespaces` text (RPDNC), when the distribution has one. */
  readonly namespaces?: string;
}

export interface BundleData {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly displayName?: string;
  readonly description?: string;
  readonly updated?: string;
  readonly notes?: readonly string[];
  readonly certificates: readonly BundleCertificateData[];
}

/**
 * A bundle made at run time, e.g. the sandbox CA created with the sandbox:
 * `{ name: 'sandbox', certificates: [{ pem, pin }] }`.
 */
export interface RuntimeBundle {
  readonly name: string;
  readonly displayName?: string;
  readonly description?: string;
  readonly certificates: readonly {
    readonly pem: string;
    readonly pin: string;
    readonly role?: 'root' | 'intermediate';
    readonly signingPolicy?: string;
    readonly namespaces?: string;
  }[];
}

export type RuntimeBundleProvider = () => Promise<readonly RuntimeBundle[]> | readonly RuntimeBundle[];

/** A certificate after its pin was checked. */
export interface TrustedCa extends ParsedCa {
  readonly role: 'root' | 'intermediate';
  readonly source: string;
  readonly signingPolicy?: string;
  /** True when the signing policy was written by us (runtime bundle without one). */
  readonly signingPolicyGenerated?: boolean;
  readonly namespaces?: string;
}

/** What the UI lists for a bundle. */
export interface BundleSummary {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly displayName: string;
  readonly description: string;
  readonly runtime: boolean;
  readonly notes: readonly string[];
  readonly certificates: readonly (CaCertificateInfo & { readonly role: 'root' | 'intermediate'; readonly source: string; readonly hasSigningPolicy: boolean; readonly hasNamespaces: boolean })[];
}

export interface ResolvedBundle {
  readonly name: string;
  readonly displayName: string;
  readonly cas: readonly TrustedCa[];
}

/** A target as the UI shows it: a checkbox with its path(s). */
export type TargetInfo = TrustTargetView;

/** One planned or done change, in words and as the equivalent shell command. */
export type Change = TrustChangeView;

export type TargetPlan = TrustTargetPlanView;

/** What to remember so an install can be undone exactly. */
export type UndoEntry =
  | { readonly kind: 'file-created'; readonly path: string; readonly sha256: string }
  | { readonly kind: 'dir-created'; readonly path: string }
  | { readonly kind: 'app-cert-added'; readonly file: string; readonly sha256: string }
  | { readonly kind: 'nss-cert-added'; readonly db: string; readonly nickname: string; readonly sha256: string }
  | { readonly kind: 'nss-trust-changed'; readonly db: string; readonly nickname: string; readonly sha256: string; readonly previousTrust: string }
  | { readonly kind: 'nss-db-created'; readonly db: string }
  | { readonly kind: 'keychain-cert-added'; readonly keychain: string; readonly sha1: string; readonly sha256: string; readonly file: string }
  | { readonly kind: 'windows-cert-added'; readonly store: string; readonly sha1: string; readonly sha256: string }
  /** A system-wide anchor we only offered (the user runs the command as root). */
  | { readonly kind: 'system-anchor-offered'; readonly path: string; readonly sha256: string; readonly refresh: readonly string[] };

export type TargetStatus = TrustTargetResultView['status'];

/** A target's result as the service reports it; the step adds `dbs` (one line per browser database). */
export type TargetResult = Omit<TrustTargetResultView, 'dbs'>;

/** Internal: a target's result plus what to remember for undo. */
export interface TargetOutcome extends TargetResult {
  readonly undo: readonly UndoEntry[];
}

export interface InstallReport {
  readonly installId: string;
  readonly bundle: string;
  readonly at: string;
  readonly results: readonly TargetResult[];
}

export type UndoReport = InstallReport;

export interface TrustProgress {
  readonly installId: string;
  readonly kind: 'install' | 'undo';
  readonly target: TargetId;
  readonly index: number;
  readonly total: number;
  readonly phase: 'started' | 'finished';
  readonly result?: TargetResult;
}

/** The NSS database a password is asked for. */
export interface NssDbRef {
  /** `sql:/home/u/.pki/nssdb` or `dbm:/…`. */
  readonly db: string;
  /** Chromium/Chrome, or the Firefox profile name. */
  readonly label: string;
}

export type NssPasswordPrompt = (db: NssDbRef) => Promise<string | undefined>;
