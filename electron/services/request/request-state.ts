/**
 * The Request step's journal section, `request: {...}`: the pending (or finished) request's
 * public facts, so the wizard resumes after a restart and help-desk can replay it. Earlier
 * requests move to `requestHistory` (never dropped silently). The private key lives in the
 * CredentialStore (encrypted), never here.
 */
import { z } from 'zod';
import { CREDENTIAL_ORIGINS, REQUEST_STATES, type PreviousCredentialView, type RequestStatusView } from '../../../shared/contract/request';
import type { JournalData } from '../journal/journal';

const wireErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  hint: z.string(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).optional()).optional(),
});

export const requestSectionSchema = z
  .object({
    credentialId: z.string(),
    state: z.enum(REQUEST_STATES),
    vo: z.string(),
    sandbox: z.boolean(),
    name: z.string(),
    email: z.string().optional(),
    subject: z.string(),
    keyBits: z.number(),
    publicKeyFingerprint: z.string(),
    keyProtection: z.enum(['keychain', 'typed']),
    estUrl: z.string(),
    /** `sandbox-default`: the sandbox CA's own code; `typed`: the user gave one (kept in the keychain or memory only). */
    enrolmentCode: z.enum(['none', 'sandbox-default', 'typed']),
    requestId: z.string().optional(),
    startedAt: z.string(),
    /** Absent for an imported credential (its agreement was made with its CA long ago). */
    agreement: z.object({ agreedAt: z.string(), policyVersion: z.string(), policySha256: z.string(), title: z.string() }).optional(),
    /** Absent: a request (sections written before imports and renewals existed). */
    origin: z.enum(CREDENTIAL_ORIGINS).optional(),
    /** An imported credential's source, as shown (`usercred.p12`, `~/.globus`). */
    importedFrom: z.string().optional(),
    /** A renewal: the credential whose certificate authenticates it (TLS client certificate). */
    renewOf: z.object({ credentialId: z.string(), serial: z.string(), notAfter: z.string() }).optional(),
    warnings: z.array(z.string()).optional(),
    lastCheckedAt: z.string().optional(),
    error: wireErrorSchema.optional(),
    certificate: z
      .object({
        subject: z.string(),
        issuer: z.string(),
        serial: z.string(),
        notBefore: z.string(),
        notAfter: z.string(),
        fingerprintSha256: z.string(),
      })
      .optional(),
    /** The issued certificate and chain (PEM, public) while the key passphrase is awaited. */
    issuedPem: z.string().optional(),
  })
  .passthrough();
export type RequestSection = z.infer<typeof requestSectionSchema>;

const MAX_REQUEST_HISTORY = 20;

/** The current request section, or null (absent or unreadable — an unreadable one is kept as is). */
export function readRequestSection(j: JournalData): RequestSection | null {
  const parsed = requestSectionSchema.safeParse((j as Record<string, unknown>).request);
  return parsed.success ? parsed.data : null;
}

export function writeRequestSection(j: JournalData, section: RequestSection): void {
  (j as Record<string, unknown>).request = section;
}

/** Replaces the current request with a new one, keeping the old one in `requestHistory`. */
export function replaceRequestSection(j: JournalData, section: RequestSection): void {
  const rec = j as Record<string, unknown>;
  if (rec.request !== undefined) {
    const old = Array.isArray(rec.requestHistory) ? (rec.requestHistory as unknown[]) : [];
    const { issuedPem: _dropped, ...kept } = rec.request as Record<string, unknown>;
    rec.requestHistory = [...old, kept].slice(-MAX_REQUEST_HISTORY);
  }
  rec.request = section;
}

/**
 * Puts back the section a renewal replaced (the renewal failed before the CA took it): the
 * working credential stays current, the failed attempt goes to the history.
 */
export function restoreRequestSection(j: JournalData, previous: RequestSection, failed: RequestSection): void {
  const rec = j as Record<string, unknown>;
  const old = Array.isArray(rec.requestHistory) ? (rec.requestHistory as unknown[]) : [];
  const without = old.filter((h) => (h as { credentialId?: unknown }).credentialId !== previous.credentialId);
  rec.requestHistory = [...without, failed].slice(-MAX_REQUEST_HISTORY);
  rec.request = previous;
}

/** The issued section of `credentialId` kept in `requestHistory` (newest), or null. */
export function historySection(j: JournalData, credentialId: string): RequestSection | null {
  const hist = (j as Record<string, unknown>).requestHistory;
  if (!Array.isArray(hist)) return null;
  for (const h of [...hist].reverse()) {
    const p = requestSectionSchema.safeParse(h);
    if (p.success && p.data.credentialId === credentialId && p.data.state === 'issued') return p.data;
  }
  return null;
}

/** Issued credentials the current one replaced (from `requestHistory`), newest first. */
export function previousCredentials(j: JournalData, currentId: string | undefined): PreviousCredentialView[] {
  const hist = (j as Record<string, unknown>).requestHistory;
  if (!Array.isArray(hist)) return [];
  const out: PreviousCredentialView[] = [];
  for (const h of [...hist].reverse()) {
    const p = requestSectionSchema.safeParse(h);
    if (!p.success || !p.data.certificate || p.data.credentialId === currentId) continue;
    if (p.data.state !== 'issued') continue;
    if (out.some((o) => o.credentialId === p.data.credentialId)) continue;
    const c = p.data.certificate;
    out.push({ credentialId: p.data.credentialId, origin: p.data.origin ?? 'request', subject: c.subject, serial: c.serial, notAfter: c.notAfter, fingerprintSha256: c.fingerprintSha256 });
  }
  return out;
}

/** What the window sees (public facts only). */
export function toView(
  s: RequestSection,
  extra: { polling: boolean; sponsorUrl?: string; lastCheckedAt?: string; previous?: readonly PreviousCredentialView[] },
): RequestStatusView {
  return {
    credentialId: s.credentialId,
    state: s.state,
    vo: s.vo,
    sandbox: s.sandbox,
    subject: s.subject,
    name: s.name,
    email: s.email,
    keyBits: s.keyBits,
    publicKeyFingerprint: s.publicKeyFingerprint,
    keyProtection: s.keyProtection,
    estUrl: s.estUrl,
    requestId: s.requestId,
    startedAt: s.startedAt,
    agreedAt: s.agreement?.agreedAt,
    origin: s.origin ?? 'request',
    importedFrom: s.importedFrom,
    renewOf: s.renewOf,
    warnings: s.warnings,
    previous: extra.previous ?? [],
    lastCheckedAt: extra.lastCheckedAt ?? s.lastCheckedAt,
    sponsorUrl: extra.sponsorUrl,
    polling: extra.polling,
    error: s.error as RequestStatusView['error'],
    certificate: s.certificate,
  };
}

/** The stepper's one line for a request. */
export function stepSummary(s: RequestSection): string {
  switch (s.state) {
    case 'issued':
      if (s.origin === 'import') return `imported from ${s.importedFrom ?? 'a file'}`;
      return s.origin === 'renewal' ? `renewed: ${s.subject.replace(/^.*\/CN=/, '')}` : s.subject.replace(/^.*\/CN=/, '');
    case 'waiting':
    case 'submitting':
      if (s.origin === 'renewal') return s.requestId ? `renewal waiting (${s.requestId})` : 'sending the renewal';
      return s.requestId ? `waiting for sponsor (${s.requestId})` : 'sending the request';
    case 'needs-passphrase':
      return 'issued: key passphrase needed';
    case 'rejected':
      return 'rejected by the sponsor';
    case 'cancelled':
      return 'stopped waiting';
    default:
      return s.error ? `failed: ${s.error.code}` : 'failed';
  }
}
