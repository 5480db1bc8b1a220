import { randomBytes } from 'node:crypto';
import { OnboardError } from '../../../shared/errors';
import { composeMessage, MailboxStore, sendSmtp } from '../mailbox';
import { validateRegistrationValues, validateRequestedGroups, type FieldError } from '../../services/registration/voms-admin-fields';
import { VomsAdminState, type Member, type MembershipRequest, type OutgoingMailItem, type VomsAdminStateData } from './state';

/**
 * What the sandbox VO does, apart from HTTP: submit, confirm, cancel, approve / reject, and the
 * e-mails each step sends. Used by the HTTPS service and by the CLI (`osg-onboard sandbox …`).
 */

export const SANDBOX_MAIL_FROM = 'voms-admin@sandbox.invalid';
export const SANDBOX_ADMIN_MAIL = 'vo-admin@sandbox.invalid';
export const SANDBOX_AUP_VERSION = '1.0';

export type MailTransport = (item: OutgoingMailItem) => Promise<void>;

export interface MailRoute {
  readonly smtpHost?: string;
  readonly smtpPort?: number;
  readonly mailboxDir?: string;
}

/**
 * Delivery: over SMTP to the sandbox mailbox when a port is known; `fallbackToStore` lets the CLI
 * (service and mailbox perhaps not running) write straight into the mailbox folder instead.
 */
export function mailTransport(route: MailRoute, fallbackToStore: boolean, now: () => Date = () => new Date()): MailTransport | undefined {
  if (!route.smtpPort && !route.mailboxDir) return undefined;
  return async (item) => {
    const message = composeMessage({
      from: `VOMS Admin <${SANDBOX_MAIL_FROM}>`,
      to: item.to,
      subject: item.subject,
      text: item.text,
      date: now(),
      messageId: `${item.id}@sandbox.invalid`,
    });
    if (route.smtpPort) {
      try {
        await sendSmtp({ host: route.smtpHost, port: route.smtpPort, from: SANDBOX_MAIL_FROM, to: item.to, message });
        return;
      } catch (e) {
        if (!(fallbackToStore && route.mailboxDir)) throw e;
      }
    }
    if (!route.mailboxDir) throw new OnboardError('REGISTRATION_MAIL_FAILED', { to: item.to.join(', '), detail: 'no mailbox is configured' });
    await new MailboxStore(route.mailboxDir, now).deliver(Buffer.from(message, 'utf8'), { from: SANDBOX_MAIL_FROM, to: item.to });
  };
}

export type SubmitResult =
  | { readonly ok: true; readonly request: MembershipRequest }
  | { readonly ok: false; readonly errors: readonly FieldError[] }
  | { readonly ok: false; readonly existing: ReturnType<typeof VomsAdminState.startStatus> };

export class Registrar {
  constructor(
    readonly state: VomsAdminState,
    private readonly transport: MailTransport | undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get vo(): string {
    return this.state.vo;
  }

  async submit(
    dn: string,
    caDn: string,
    values: Readonly<Record<string, string | undefined>>,
    baseUrl: string,
    groups: { requested: readonly string[]; offered: readonly string[] } = { requested: [], offered: [] },
  ): Promise<SubmitResult> {
    const errors = [...validateRegistrationValues(values), ...validateRequestedGroups(groups.requested, groups.offered)];
    if (errors.length) return { ok: false, errors };
    const result = await this.state.update((s): SubmitResult => {
      const existing = VomsAdminState.startStatus(s, dn, caDn);
      if (existing.status !== 'form') return { ok: false, existing };
      const v = (k: string) => (values[k] ?? '').trim();
      const request = this.state.newRequest(s, {
        dn,
        caDn,
        name: v('name'),
        surname: v('surname'),
        institution: v('institution'),
        address: v('address'),
        phoneNumber: v('phoneNumber'),
        emailAddress: v('emailAddress'),
        userMessage: v('userMessage'),
        aupVersion: SANDBOX_AUP_VERSION,
        groups: [...new Set(groups.requested)],
      });
      const base = `${baseUrl}/voms/${encodeURIComponent(s.vo)}/register`;
      const q = `requestId=${request.id}&confirmationId=${request.confirmationId}`;
      this.state.enqueueMail(
        s,
        request.emailAddress,
        `[VOMS Admin for VO ${s.vo}] Please confirm your membership request`,
        `Dear ${request.name} ${request.surname},\n\n` +
          `you have requested to join the VO ${s.vo} with the certificate\n  ${dn}\nissued by\n  ${caDn}\n\n` +
          `To confirm your request, follow this link:\n\n${base}/confirm-request.action?${q}\n\n` +
          `If you did not ask for this, cancel the request with this link:\n\n${base}/cancel-request.action?${q}\n\n` +
          `Your request will be sent to the VO administrators only after you confirm it.\n\n-- \nVOMS Admin for VO ${s.vo} (OSG Onboard sandbox)\n`,
      );
      return { ok: true, request };
    });
    await this.flush();
    return result;
  }

  /** The link from the e-mail: SUBMITTED → CONFIRMED. */
  async confirm(requestId: string, confirmationId: string): Promise<MembershipRequest> {
    const r = await this.state.update((s) => {
      const r = this.checkLink(s, requestId, confirmationId);
      if (r.status !== 'SUBMITTED') {
        throw new OnboardError('REGISTRATION_CONFIRMATION_FAILED', { detail: r.status === 'CONFIRMED' ? 'your request has already been confirmed' : `the request is ${r.status.toLowerCase()}` });
      }
      r.status = 'CONFIRMED';
      r.confirmedAt = this.now().toISOString();
      this.state.enqueueMail(
        s,
        SANDBOX_ADMIN_MAIL,
        `[VOMS Admin for VO ${s.vo}] A membership request waits for your decision`,
        `${r.name} ${r.surname} <${r.emailAddress}> asks to join the VO ${s.vo}.\n\nCertificate: ${r.dn}\nCA: ${r.caDn}\nRequest id: ${r.id}\n${r.groups.length ? `Groups asked for: ${r.groups.join(', ')}\n` : ''}${r.userMessage ? `Message: ${r.userMessage}\n` : ''}\n` +
          `Approve or reject it in the sandbox VO admin page, or with:\n  osg-onboard sandbox vo-approve ${r.id}\n`,
      );
      return { ...r };
    });
    await this.flush();
    return r;
  }

  async cancel(requestId: string, confirmationId: string): Promise<MembershipRequest> {
    return this.state.update((s) => {
      const r = this.checkLink(s, requestId, confirmationId);
      if (r.status !== 'SUBMITTED' && r.status !== 'CONFIRMED') {
        throw new OnboardError('REGISTRATION_NOT_PENDING', { requestId, vo: s.vo, status: r.status.toLowerCase(), action: 'cancelled' });
      }
      r.status = 'CANCELLED';
      r.decidedAt = this.now().toISOString();
      r.decidedBy = 'requester';
      return { ...r };
    });
  }

  /** The VO administrator's decision; an approved requester becomes a member. */
  async decide(requestId: string, decision: 'approve' | 'reject', by: string): Promise<{ request: MembershipRequest; member?: Member }> {
    const out = await this.state.update((s) => {
      const r = VomsAdminState.findRequest(s, requestId);
      if (r.status !== 'CONFIRMED' && r.status !== 'SUBMITTED') {
        throw new OnboardError('REGISTRATION_NOT_PENDING', { requestId, vo: s.vo, status: r.status.toLowerCase(), action: decision === 'approve' ? 'approved' : 'rejected' });
      }
      r.status = decision === 'approve' ? 'APPROVED' : 'REJECTED';
      r.decidedAt = this.now().toISOString();
      r.decidedBy = by;
      const member = decision === 'approve' ? this.state.addMember(s, r) : undefined;
      this.state.enqueueMail(
        s,
        r.emailAddress,
        decision === 'approve'
          ? `[VOMS Admin for VO ${s.vo}] Your membership request has been approved`
          : `[VOMS Admin for VO ${s.vo}] Your membership request has been rejected`,
        decision === 'approve'
          ? `Dear ${r.name} ${r.surname},\n\nyou are approved: you are now a member of the VO ${s.vo}.\n\nCertificate: ${r.dn}\nMembership valid until: ${member?.endTime}\nGroups: ${member?.fqans.join(', ')}\n\n-- \nVOMS Admin for VO ${s.vo} (OSG Onboard sandbox)\n`
          : `Dear ${r.name} ${r.surname},\n\nyour request to join the VO ${s.vo} has been rejected by the VO administrator.\nContact the VO administrators to know why.\n\n-- \nVOMS Admin for VO ${s.vo} (OSG Onboard sandbox)\n`,
      );
      return { request: { ...r }, member };
    });
    await this.flush();
    return out;
  }

  async list(): Promise<VomsAdminStateData> {
    return this.state.read();
  }

  /** Sends queued e-mails; failures stay queued (with the error) for the next attempt. */
  async flush(): Promise<{ sent: number; pending: number }> {
    const transport = this.transport;
    if (!transport) return { sent: 0, pending: (await this.state.read()).outbox.length };
    return this.state.update(async (s) => {
      let sent = 0;
      const keep: OutgoingMailItem[] = [];
      for (const item of s.outbox) {
        try {
          await transport(item);
          sent++;
        } catch (e) {
          keep.push({ ...item, attempts: item.attempts + 1, lastError: (e as Error).message.slice(0, 300) });
        }
      }
      s.outbox = keep;
      return { sent, pending: keep.length };
    });
  }

  private checkLink(s: VomsAdminStateData, requestId: string, confirmationId: string): MembershipRequest {
    const r = s.requests.find((x) => x.id === requestId);
    // Same answer for an unknown id and a wrong confirmation id: the link is the secret.
    if (!r || !safeEqual(r.confirmationId, confirmationId)) {
      throw new OnboardError('REGISTRATION_CONFIRMATION_FAILED', { detail: 'the link does not match any request (copy the whole link from the e-mail)' });
    }
    return r;
  }
}

function safeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return d === 0;
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}
