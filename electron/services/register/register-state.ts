/**
 * The Register step's journal section, `register: { <vo>: {...} }`: where the registration with
 * each VO stands (request id, where the confirmation e-mail went, the member information once
 * approved, the vomses files written), so the step resumes after a restart and help-desk can
 * replay it. Only public facts: the key stays in the CredentialStore.
 */
import { z } from 'zod';
import type { JournalData } from '../journal/journal';

const memberSchema = z.object({
  name: z.string(),
  surname: z.string(),
  emailAddress: z.string().optional(),
  institution: z.string().optional(),
  certificates: z.array(z.object({ subject: z.string(), issuer: z.string(), suspended: z.boolean() })),
  fqans: z.array(z.string()),
  status: z.enum(['active', 'suspended']),
  creationTime: z.string().optional(),
  endTime: z.string().optional(),
  dnMatches: z.boolean(),
});

const fileSchema = z.object({ path: z.string(), status: z.enum(['written', 'unchanged']), backupPath: z.string().optional() });

export const registerSectionSchema = z
  .object({
    vo: z.string(),
    kind: z.enum(['voms-admin', 'iam', 'web']),
    stage: z.enum(['confirmation-needed', 'pending-approval', 'member', 'rejected', 'handoff-done']),
    credentialId: z.string().optional(),
    dn: z.string().optional(),
    caDn: z.string().optional(),
    requestId: z.string().optional(),
    emailAddress: z.string().optional(),
    requestedGroups: z.array(z.string()).default([]),
    submittedAt: z.string().optional(),
    confirmedAt: z.string().optional(),
    memberAt: z.string().optional(),
    rejectedAt: z.string().optional(),
    member: memberSchema.optional(),
    vomses: z.object({ files: z.array(fileSchema), reason: z.string().optional() }).optional(),
    iam: z.object({ uuid: z.string(), username: z.string() }).optional(),
    handoffDoneAt: z.string().optional(),
  })
  .passthrough();
export type RegisterSection = z.infer<typeof registerSectionSchema>;

const MAX_HISTORY = 20;

function sections(j: JournalData): Record<string, unknown> {
  const raw = (j as Record<string, unknown>).register;
  return raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
}

/** The section for one VO, or null (absent or unreadable — an unreadable one is left as it is). */
export function readRegisterSection(j: JournalData, vo: string): RegisterSection | null {
  const parsed = registerSectionSchema.safeParse(sections(j)[vo]);
  return parsed.success ? parsed.data : null;
}

/** Writes the section of one VO; a section for another credential moves to `registerHistory`. */
export function writeRegisterSection(j: JournalData, section: RegisterSection): void {
  const rec = j as Record<string, unknown>;
  const all = { ...sections(j) };
  const old = readRegisterSection(j, section.vo);
  if (old && old.credentialId !== section.credentialId) {
    const history = Array.isArray(rec.registerHistory) ? (rec.registerHistory as unknown[]) : [];
    rec.registerHistory = [...history, old].slice(-MAX_HISTORY);
  }
  all[section.vo] = section;
  rec.register = all;
}
