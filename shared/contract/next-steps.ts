import { z } from 'zod';
import { procedure } from './define';
import type { StepId } from '../steps';

/**
 * Step 8 of seed 000, "Next steps": make a proxy (RFC 3820, `/tmp/x509up_u<uid>` or
 * $X509_USER_PROXY) from the new credential, show it as `voms-proxy-info --all` does, verify it
 * against the trusted CAs, and give the commands for a test job. Only public data comes back:
 * subjects, paths, times, reasons — never the proxy's key or a passphrase.
 */

export const PROXY_KEY_SIZES = [2048, 3072, 4096] as const;
export const PROXY_DEFAULT_HOURS = 12;
/** A week: what VOMS servers allow at most; grid tools cut a proxy to its certificate anyway. */
export const PROXY_MAX_HOURS = 168;

/** A VOMS attribute certificate in the proxy (voms-proxy-info's "VO extension information"). */
export interface VomsView {
  readonly vo: string;
  readonly subject: string;
  readonly issuer: string;
  readonly attributes: readonly string[];
  readonly notAfter: string;
  readonly timeleftSeconds: number;
  readonly timeleft: string;
  readonly uri: string;
}

/** What `voms-proxy-info --all` prints, as data (dates as ISO strings). */
export interface ProxyInfoView {
  readonly subject: string;
  readonly issuer: string;
  /** The identity services authorize (every proxy CN removed), as grid-proxy-info prints it. */
  readonly identity: string;
  /** What voms-proxy-info prints as identity (the first certificate's issuer). */
  readonly vomsIdentity: string;
  /** e.g. "RFC 3820 compliant impersonation proxy", "end entity credential". */
  readonly type: string;
  readonly isProxy: boolean;
  readonly limited: boolean;
  /** Key size in bits. */
  readonly strength: number;
  readonly path?: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly timeleftSeconds: number;
  readonly timeleft: string;
  readonly keyUsage: readonly string[];
  readonly chainLength: number;
  /** `user:<id>` when the first proxy after the end-entity certificate is a per-user sub-proxy. */
  readonly puspLabel?: string;
  readonly vo: readonly VomsView[];
  /** The file held a private key (it is never sent: this says only that it was there). */
  readonly hasPrivateKey: boolean;
  /** The same, as the text `voms-proxy-info --all` prints. */
  readonly text: string;
}

export interface ReasonView {
  readonly code: string;
  readonly message: string;
  /** Position in the chain (0 = the file's first certificate). */
  readonly depth?: number;
}

export interface RobotCheckView {
  readonly robot: boolean;
  readonly evidence: readonly string[];
  readonly problems: readonly string[];
}

/** The verifier's answer: full path validation from the trusted CA folder, then the EGI PUSP rules. */
export interface VerificationView {
  readonly valid: boolean;
  /** The trusted CA folder used (X509_CERT_DIR form). */
  readonly trustDir: string;
  readonly errors: readonly ReasonView[];
  readonly warnings: readonly ReasonView[];
  /** Leaf first, ending at the trusted CA. */
  readonly path: readonly { readonly role: 'proxy' | 'eec' | 'ca' | 'anchor'; readonly subject: string; readonly notAfter: string; readonly source: 'file' | 'trust-dir'; readonly proxyPolicy?: string }[];
  /** The effective identity under the EGI rules (valid chains only). */
  readonly identity?: string;
  readonly identityReasons: readonly ReasonView[];
  readonly pusp?: { readonly userLabel: string; readonly subject: string };
  readonly robot?: RobotCheckView;
}

/** One copyable block of shell commands for "what next". */
export interface CommandBlock {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly commands: string;
}

/** A proxy file as the step shows it. */
export interface ProxyReport {
  readonly file: string;
  /** File mode, e.g. `0600`. */
  readonly mode?: string;
  readonly info: ProxyInfoView;
  readonly verification: VerificationView;
  /** Proxy lifetime was cut to the certificate's own end (when just made). */
  readonly shortened?: boolean;
}

/** A credential a proxy can be made from. */
export interface ProxySourceView {
  /** `app`: the certificate the Request step stored; `globus`: ~/.globus/usercert.pem + userkey.pem. */
  readonly kind: 'app' | 'globus';
  readonly label: string;
  readonly subject?: string;
  readonly notAfter?: string;
  readonly expired: boolean;
  /** Where the key's passphrase comes from: the keychain, typed by the user, or none (unencrypted key). */
  readonly passphrase: 'keychain' | 'typed' | 'none';
  /** A passphrase typed earlier in this session is held (not asked again). */
  readonly passphraseRemembered?: boolean;
  readonly certFile?: string;
  readonly keyFile?: string;
  /** Why it cannot be used, when it cannot. */
  readonly problem?: string;
}

/** Whether "Make proxy" can ask the VO's VOMS server for VO attributes (voms-proxy-init -voms <vo>). */
export interface VomsOfferView {
  readonly vo: string;
  /** `host:port` of the VO's VOMS server. */
  readonly server: string;
  /** The Register step says you are a member: VO attributes can be asked for (the checkbox starts on). */
  readonly available: boolean;
  /** Why not, when not available (e.g. register first). */
  readonly reason?: string;
}

export interface NextStepsOverview {
  readonly sources: readonly ProxySourceView[];
  /** Where the proxy goes: $X509_USER_PROXY or /tmp/x509up_u<uid>. */
  readonly proxyPath: string;
  readonly proxyPathFromEnv: boolean;
  readonly trustDir: string;
  readonly trustDirExists: boolean;
  /** A proxy already at proxyPath (null when there is none, or it cannot be read). */
  readonly current: ProxyReport | null;
  /** Why the proxy file there could not be read (it is kept). */
  readonly currentProblem?: string;
  /** With no credential: the step to do first, and why. */
  readonly missing: { readonly step: StepId; readonly reason: string } | null;
  readonly defaults: { readonly hours: number; readonly bits: number; readonly maxHours: number; readonly keySizes: readonly number[] };
  readonly commands: readonly CommandBlock[];
  /** The chosen VO's VOMS server, when it lists one (null: a plain proxy only). */
  readonly voms?: VomsOfferView | null;
}

export const proxySourceKindSchema = z.enum(['app', 'globus']);

export const proxyMakeInput = z
  .object({
    source: proxySourceKindSchema,
    hours: z.number().int('must be a whole number of hours').min(1, 'must be at least 1 hour').max(PROXY_MAX_HOURS, `must be at most ${PROXY_MAX_HOURS} hours (a week)`).default(PROXY_DEFAULT_HOURS),
    bits: z.number().int().refine((b) => (PROXY_KEY_SIZES as readonly number[]).includes(b), 'must be 2048, 3072 or 4096').default(2048),
    limited: z.boolean().default(false),
    /** With the VO's attributes (voms-proxy-init -voms <vo>); default: when the overview says available. */
    voms: z.boolean().optional(),
    /** Typed by the user; goes in only. */
    passphrase: z.string().max(1024, 'is too long').optional(),
  })
  .strict();

export const nextStepsProcedures = {
  proxyOverview: procedure<NextStepsOverview>()({
    input: z.object({}).strict(),
    summary: 'What a proxy can be made from (the stored certificate, ~/.globus), where it goes, the proxy already there (shown and verified), and the commands for a test job.',
  }),
  proxyMake: procedure<ProxyReport>()({
    input: proxyMakeInput,
    summary: 'Makes an RFC 3820 proxy from the chosen credential (key unlocked in the services), with the VO’s attribute certificate from its VOMS server when asked, writes it 0600 to the proxy path, then inspects and verifies it.',
  }),
  proxyInspect: procedure<ProxyReport | null>()({
    input: z.object({}).strict(),
    summary: 'The proxy at the proxy path, as voms-proxy-info --all shows it, verified against the trusted CA folder (null when there is none).',
  }),
};
