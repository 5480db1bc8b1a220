import { z } from 'zod';
import { procedure } from './define';
import type { WireError } from '../errors';

/**
 * The Register step (seed 000, "VO Registration"): the VOMS-Admin form filled from the new
 * certificate, the e-mail confirmation, the wait for the VO administrator, and the member
 * information the seed asks to check. IAM VOs register natively; VOMRS and other web pages get
 * a hand-off. Only public facts cross: DNs, request ids, the member information, file paths.
 */

/** VOMS-Admin's rule for every text field (italiangrid/voms-admin-server): none of < > & = ; */
export const VOMS_ADMIN_VALUE_RULE = /^[^<>&=;]*$/;
export const VOMS_ADMIN_VALUE_MESSAGE = 'must not contain < > & = or ;';

export type RegisterKind = 'voms-admin' | 'iam' | 'web';

/**
 * Where the registration stands:
 * - `no-vo` / `no-certificate`: an earlier step is missing;
 * - `needs-passphrase`: the key is protected by a passphrase typed each time (Protect step);
 * - `form`: fill in the registration form;
 * - `confirmation-needed`: follow the link in the e-mail;
 * - `pending-approval`: waiting for the VO administrator;
 * - `member`: done, the member information is shown;
 * - `rejected`: the VO administrator said no;
 * - `handoff`: the VO registers on its own web page (VOMRS and others);
 * - `error`: the VO server cannot be used right now (`problem` says why).
 */
export const REGISTER_STAGES = ['no-vo', 'no-certificate', 'needs-passphrase', 'form', 'confirmation-needed', 'pending-approval', 'member', 'rejected', 'handoff', 'error'] as const;
export type RegisterStage = (typeof REGISTER_STAGES)[number];

export interface RegisterCertificateView {
  readonly credentialId: string;
  /** The DN being registered (slash form, as VOMS-Admin lists it). */
  readonly subject: string;
  readonly issuer: string;
  readonly notAfter: string;
  readonly fingerprintSha256: string;
  readonly email?: string;
  /** Where the key passphrase is: the keychain, or typed by the user (asked once per session). */
  readonly passphrase: 'keychain' | 'typed';
}

export interface RegisterFormView {
  /** The DN and CA the VO server read from the certificate. */
  readonly dn: string;
  readonly caDn: string;
  readonly aupText?: string;
  /** Groups the VO offers besides its root group. */
  readonly groups: readonly string[];
  /** Values read from the certificate: name and surname split from the CN, the e-mail. */
  readonly prefill: { readonly name: string; readonly surname: string; readonly emailAddress: string };
  /** IAM asks for a user name too. */
  readonly needsUsername: boolean;
}

export interface RegisterMemberView {
  readonly name: string;
  readonly surname: string;
  readonly emailAddress?: string;
  readonly institution?: string;
  readonly certificates: readonly { readonly subject: string; readonly issuer: string; readonly suspended: boolean }[];
  /** Groups and roles (FQANs), e.g. `/sandbox`, `/sandbox/analysis`. */
  readonly fqans: readonly string[];
  readonly status: 'active' | 'suspended';
  readonly creationTime?: string;
  readonly endTime?: string;
  /** Whether the VO lists exactly the DN and CA of the certificate the app holds. */
  readonly dnMatches: boolean;
}

export interface RegisterFileView {
  readonly path: string;
  readonly status: 'written' | 'unchanged';
  readonly backupPath?: string;
}

export interface RegisterVomsesView {
  readonly files: readonly RegisterFileView[];
  /** Why nothing was written (the VO lists no VOMS server), in the user's words. */
  readonly reason?: string;
}

export interface RegisterHandoffView {
  readonly url: string;
  readonly instructions: readonly string[];
  readonly certificateDn?: string;
  /** The backup written in the Back up step, to import into the browser. */
  readonly p12Path?: string;
  /** Why the app cannot do this step itself, said plainly. */
  readonly limitation: string;
  /** The user said they registered on the web page (not checked by the app). */
  readonly markedDoneAt?: string;
  /** SHA-256 of the certificate the desktop app's registration window presents (`AB:CD:…`). */
  readonly certificateSha256?: string;
  /** Desktop app: the certificate put into the browser certificate store (`~/.pki/nssdb`), undoable. */
  readonly browserStore?: RegisterBrowserStoreView;
  /** Desktop app: what the registration window did the last time it was open. */
  readonly lastWindow?: RegisterWindowView;
}

export interface RegisterBrowserStoreView {
  readonly db: string;
  readonly nickname: string;
  readonly sha256: string;
  readonly subject: string;
  /** It was there already: nothing was added (and removing leaves it). */
  readonly alreadyPresent: boolean;
  readonly at: string;
  readonly removedAt?: string;
}

export interface RegisterWindowView {
  readonly openedAt: string;
  readonly closedAt: string;
  /** The VO's server asked for a certificate and the user's was presented. */
  readonly certificatePresented: boolean;
  /** Why no certificate was presented (e.g. REGISTER_WEB_CERT_NOT_OFFERED). */
  readonly problem?: WireError;
  /** Other sites' pages sent to the user's browser instead. */
  readonly openedInBrowser: readonly string[];
  /** Addresses the window refused. */
  readonly refused: readonly string[];
}

export interface RegisterView {
  readonly stage: RegisterStage;
  readonly vo?: {
    readonly name: string;
    readonly displayName: string;
    readonly kind: RegisterKind;
    readonly sandbox: boolean;
    /** The registration server (the running sandbox service's address for the sandbox VO). */
    readonly url: string;
  };
  readonly certificate?: RegisterCertificateView;
  readonly form?: RegisterFormView;
  readonly requestId?: string;
  /** Where the confirmation e-mail went. */
  readonly emailAddress?: string;
  readonly submittedAt?: string;
  readonly confirmedAt?: string;
  readonly requestedGroups?: readonly string[];
  readonly member?: RegisterMemberView;
  readonly memberAt?: string;
  readonly vomses?: RegisterVomsesView;
  readonly handoff?: RegisterHandoffView;
  /** Sandbox mode only: the built-in mailbox and the VO-admin page (carries this start's admin token). */
  readonly sandbox?: { readonly adminUrl: string; readonly mailbox: true };
  /** True while the app checks the member information in the background. */
  readonly polling: boolean;
  readonly lastCheckedAt?: string;
  /** How the VO tells about its decision when the app cannot ask (IAM without an access token). */
  readonly decisionByEmail?: boolean;
  readonly problem?: WireError;
}

export interface RegisterMailSummary {
  readonly id: string;
  readonly receivedAt: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
}

export interface RegisterMailMessage extends RegisterMailSummary {
  readonly text: string;
  readonly links: readonly string[];
  /** The link that confirms this VO registration, when the message has one. */
  readonly confirmationLink?: string;
}

const text = (max: number) => z.string().max(max).regex(VOMS_ADMIN_VALUE_RULE, VOMS_ADMIN_VALUE_MESSAGE);
const passphrase = z.string().min(1).max(1024);

/** The registration form as the window sends it (checked again by the connector and the server). */
export const registerFormSchema = z
  .object({
    name: text(255).trim().min(1, 'is required'),
    surname: text(255).trim().min(1, 'is required'),
    emailAddress: text(255).trim().min(1, 'is required').email('must be an e-mail address'),
    institution: text(255).optional(),
    address: text(255).optional(),
    phoneNumber: text(255).optional(),
    /** “Message for VO administrator” (VOMS-Admin), the reason to join (IAM). */
    userMessage: text(255).optional(),
    /** IAM only. */
    username: z.string().max(32).optional(),
    aupAccepted: z.literal(true, { error: 'tick “I accept the AUP” to register' }),
    requestedGroups: z.array(z.string().regex(/^\/[^\s<>&=;]+$/)).max(50).default([]),
    /** The key passphrase (protection “ask each time”). Goes in, never comes back. */
    keyPassphrase: passphrase.optional(),
  })
  .strict();
export type RegisterFormInput = z.input<typeof registerFormSchema>;

export const registerProcedures = {
  registerStatus: procedure<RegisterView>()({
    input: z.object({ refresh: z.boolean().optional() }).strict(),
    summary: 'Where the registration with the chosen VO stands (asks the VO server when needed; resumes waiting for the VO administrator after a restart).',
  }),
  registerUnlock: procedure<RegisterView>()({
    input: z.object({ keyPassphrase: passphrase }).strict(),
    summary: 'Opens the key with the passphrase the user typed (kept in memory for this session only), then answers the status.',
  }),
  registerSubmit: procedure<RegisterView>()({
    input: registerFormSchema,
    summary: 'Sends the registration form with the certificate (VOMS-Admin) or to IAM; the VO then e-mails a confirmation link.',
  }),
  registerConfirm: procedure<RegisterView>()({
    input: z.object({ link: z.string().trim().min(1).max(2000) }).strict(),
    summary: 'Follows the confirmation link from the e-mail (pasted, or from the sandbox mailbox); then waits for the VO administrator (progress `registration`).',
  }),
  registerMailbox: procedure<RegisterMailSummary[]>()({
    input: z.object({}).strict(),
    summary: 'Sandbox mode: the e-mails in the sandbox mailbox, newest first.',
  }),
  registerMailRead: procedure<RegisterMailMessage>()({
    input: z.object({ id: z.string().regex(/^[0-9a-f]{12,32}$/) }).strict(),
    summary: 'Sandbox mode: one e-mail with its links, and the confirmation link when it has one.',
  }),
  registerOpenWebWindow: procedure<RegisterView>()({
    input: z.object({ keyPassphrase: passphrase.optional() }).strict(),
    summary: 'Desktop app only (REGISTER_DESKTOP_ONLY elsewhere): puts the certificate into the browser certificate store, opens the VO’s registration page in an app window presenting it, and answers when the window closes.',
  }),
  registerWebStoreRemove: procedure<RegisterView>()({
    input: z.object({}).strict(),
    summary: 'Removes the certificate and key the registration window put into the browser certificate store (nothing that was there before).',
  }),
  registerHandoffDone: procedure<RegisterView>()({
    input: z.object({}).strict(),
    summary: 'Records that the user registered on the VO’s web page (VOMRS and others), which the app cannot check.',
  }),
};
