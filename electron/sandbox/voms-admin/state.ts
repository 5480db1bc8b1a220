import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ensureDir, writeFileAtomic } from '../../services/fs/atomic';
import { OnboardError } from '../../../shared/errors';
import { withFileLock } from '../mailbox/file-lock';

/**
 * The sandbox VO's durable state (`<dir>/state.json`, mode 0600): membership requests, members
 * and the e-mails still to deliver. Every change is load → modify → atomic write under a lock
 * file, so the running service and `osg-onboard sandbox vo-approve` can both act on it.
 * Request states follow VOMS-Admin: SUBMITTED (e-mail not yet confirmed) → CONFIRMED (waits for
 * the VO admin) → APPROVED | REJECTED; CANCELLED by the requester.
 */

export const requestStatusSchema = z.enum(['SUBMITTED', 'CONFIRMED', 'APPROVED', 'REJECTED', 'CANCELLED']);
export type RequestStatus = z.infer<typeof requestStatusSchema>;

const requestSchema = z.object({
  id: z.string().regex(/^\d+$/),
  status: requestStatusSchema,
  confirmationId: z.string().regex(/^[0-9a-f]{32}$/),
  dn: z.string(),
  caDn: z.string(),
  name: z.string(),
  surname: z.string(),
  institution: z.string(),
  address: z.string(),
  phoneNumber: z.string(),
  emailAddress: z.string(),
  userMessage: z.string(),
  aupVersion: z.string(),
  groups: z.array(z.string()).default([]),
  submittedAt: z.string(),
  confirmedAt: z.string().optional(),
  decidedAt: z.string().optional(),
  decidedBy: z.string().optional(),
});
export type MembershipRequest = z.infer<typeof requestSchema>;

const memberSchema = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  surname: z.string(),
  institution: z.string(),
  address: z.string(),
  phoneNumber: z.string(),
  emailAddress: z.string(),
  creationTime: z.string(),
  endTime: z.string(),
  suspended: z.boolean(),
  certificates: z.array(z.object({ subjectString: z.string(), issuerString: z.string(), suspended: z.boolean() })),
  fqans: z.array(z.string()),
});
export type Member = z.infer<typeof memberSchema>;

const outboxSchema = z.object({
  id: z.string(),
  to: z.array(z.string()),
  subject: z.string(),
  text: z.string(),
  createdAt: z.string(),
  attempts: z.number().int().nonnegative(),
  lastError: z.string().optional(),
});
export type OutgoingMailItem = z.infer<typeof outboxSchema>;

const stateSchema = z.object({
  version: z.literal(1),
  vo: z.string(),
  nextRequestId: z.number().int().positive(),
  nextMemberId: z.number().int().positive(),
  requests: z.array(requestSchema),
  members: z.array(memberSchema),
  outbox: z.array(outboxSchema),
  /** Where the last run delivered mail (lets the CLI deliver when the service is not running). */
  mail: z.object({ smtpHost: z.string().optional(), smtpPort: z.number().int().optional(), mailboxDir: z.string().optional() }).default({}),
  lastPort: z.number().int().optional(),
  /** The port the sandbox VOMS server (AC issuing, `/generate-ac`) last listened on. */
  vomsPort: z.number().int().optional(),
});
export type VomsAdminStateData = z.infer<typeof stateSchema>;

export type StartStatus =
  | { readonly status: 'form' }
  | { readonly status: 'confirmation-needed'; readonly request: MembershipRequest }
  | { readonly status: 'pending-approval'; readonly request: MembershipRequest }
  | { readonly status: 'already-member'; readonly member: Member };

export function membershipYears(now: Date, years = 1): string {
  const end = new Date(now);
  end.setUTCFullYear(end.getUTCFullYear() + years);
  return end.toISOString();
}

export class VomsAdminState {
  readonly file: string;
  private readonly lockFile: string;

  constructor(readonly dir: string, readonly vo: string, private readonly now: () => Date = () => new Date()) {
    this.file = path.join(dir, 'state.json');
    this.lockFile = path.join(dir, '.state.lock');
  }

  private empty(): VomsAdminStateData {
    return { version: 1, vo: this.vo, nextRequestId: 1, nextMemberId: 1, requests: [], members: [], outbox: [], mail: {} };
  }

  private async load(): Promise<VomsAdminStateData> {
    let text: string;
    try {
      text = await fsp.readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return this.empty();
      throw e;
    }
    let data: VomsAdminStateData;
    try {
      data = stateSchema.parse(JSON.parse(text));
    } catch (e) {
      throw new OnboardError('REGISTRATION_SANDBOX_STATE_INVALID', { what: 'VO registration state', file: this.file, detail: (e as Error).message.slice(0, 200) });
    }
    if (data.vo !== this.vo) {
      throw new OnboardError('REGISTRATION_SANDBOX_STATE_INVALID', { what: 'VO registration state', file: this.file, detail: `it belongs to the VO “${data.vo}”, not “${this.vo}”` });
    }
    return data;
  }

  /** Reads the state (no lock needed: files are replaced atomically). */
  read(): Promise<VomsAdminStateData> {
    return this.load();
  }

  /** Runs `fn` on the current state under the lock and writes the result back atomically. */
  async update<T>(fn: (s: VomsAdminStateData) => T | Promise<T>): Promise<T> {
    await ensureDir(this.dir, 0o700);
    return withFileLock(this.lockFile, { what: 'VO registration state' }, async () => {
      const s = await this.load();
      const result = await fn(s);
      await writeFileAtomic(this.file, JSON.stringify(s, null, 2) + '\n', { mode: 0o600 });
      return result;
    });
  }

  // ---------- queries (pure on a snapshot) ----------

  static memberByDn(s: VomsAdminStateData, dn: string, caDn?: string): Member | undefined {
    return s.members.find((m) => m.certificates.some((c) => c.subjectString === dn && (caDn === undefined || c.issuerString === caDn)));
  }

  static startStatus(s: VomsAdminStateData, dn: string, caDn: string): StartStatus {
    const member = VomsAdminState.memberByDn(s, dn, caDn);
    if (member) return { status: 'already-member', member };
    const open = s.requests.filter((r) => r.dn === dn && r.caDn === caDn && (r.status === 'SUBMITTED' || r.status === 'CONFIRMED'));
    const confirmed = open.find((r) => r.status === 'CONFIRMED');
    if (confirmed) return { status: 'pending-approval', request: confirmed };
    if (open.length) return { status: 'confirmation-needed', request: open[open.length - 1] };
    return { status: 'form' };
  }

  static findRequest(s: VomsAdminStateData, requestId: string): MembershipRequest {
    const r = s.requests.find((x) => x.id === requestId);
    if (!r) throw new OnboardError('REGISTRATION_REQUEST_NOT_FOUND', { requestId, vo: s.vo });
    return r;
  }

  // ---------- changes (inside update) ----------

  newRequest(s: VomsAdminStateData, input: Omit<MembershipRequest, 'id' | 'status' | 'confirmationId' | 'submittedAt' | 'groups'> & { groups?: string[] }): MembershipRequest {
    const request: MembershipRequest = {
      ...input,
      groups: input.groups ?? [],
      id: String(s.nextRequestId++),
      status: 'SUBMITTED',
      confirmationId: randomBytes(16).toString('hex'),
      submittedAt: this.now().toISOString(),
    };
    s.requests.push(request);
    return request;
  }

  /** Creates the member for an approved request (idempotent per DN). */
  addMember(s: VomsAdminStateData, r: MembershipRequest): Member {
    const existing = VomsAdminState.memberByDn(s, r.dn, r.caDn);
    if (existing) return existing;
    const now = this.now();
    const member: Member = {
      id: s.nextMemberId++,
      name: r.name,
      surname: r.surname,
      institution: r.institution,
      address: r.address,
      phoneNumber: r.phoneNumber,
      emailAddress: r.emailAddress,
      creationTime: now.toISOString(),
      endTime: membershipYears(now),
      suspended: false,
      certificates: [{ subjectString: r.dn, issuerString: r.caDn, suspended: false }],
      fqans: [`/${s.vo}`, ...r.groups.filter((g) => g !== `/${s.vo}`)],
    };
    s.members.push(member);
    return member;
  }

  enqueueMail(s: VomsAdminStateData, to: string, subject: string, text: string): OutgoingMailItem {
    const item: OutgoingMailItem = { id: randomBytes(8).toString('hex'), to: [to], subject, text, createdAt: this.now().toISOString(), attempts: 0 };
    s.outbox.push(item);
    return item;
  }
}
