/**
 * Pure pieces of the Register step: the member information as the seed's verification asks
 * (DN, CA, groups and roles, e-mail, status), the stepper's one line, and the VO as the window
 * sees it.
 */
import { parseDn, dnEquals } from '../../../shared/dn';
import type { RegisterKind, RegisterMemberView, RegisterView } from '../../../shared/contract/register';
import type { VoEntry } from '../../../shared/vo';
import type { VomsUserInfo } from '../registration/voms-admin-connector';
import type { RegisterSection } from './register-state';

export function registerKind(vo: VoEntry): RegisterKind {
  return vo.registration.kind === 'voms-admin' ? 'voms-admin' : vo.registration.kind === 'iam' ? 'iam' : 'web';
}

export function voView(vo: VoEntry, url: string): NonNullable<RegisterView['vo']> {
  return { name: vo.name, displayName: vo.displayName, kind: registerKind(vo), sandbox: vo.sandbox, url };
}

/** Same DN whatever its spelling (slash or RFC 4514); plain comparison when one does not parse. */
export function sameDn(a: string, b: string): boolean {
  try {
    return dnEquals(parseDn(a), parseDn(b));
  } catch {
    return a.trim() === b.trim();
  }
}

export function memberView(info: VomsUserInfo, held: { dn: string; caDn: string }): RegisterMemberView {
  const certificates = info.certificates.map((c) => ({ subject: c.subjectString, issuer: c.issuerString, suspended: c.suspended === true }));
  return {
    name: info.name,
    surname: info.surname,
    emailAddress: info.emailAddress || undefined,
    institution: info.institution || undefined,
    certificates,
    fqans: [...(info.fqans ?? [])],
    status: info.suspended ? 'suspended' : 'active',
    creationTime: info.creationTime,
    endTime: info.endTime,
    dnMatches: certificates.some((c) => sameDn(c.subject, held.dn) && sameDn(c.issuer, held.caDn) && !c.suspended),
  };
}

/** The stepper's caption for a registration. */
export function registerSummary(s: RegisterSection): string {
  switch (s.stage) {
    case 'member':
      return `member of ${s.vo}`;
    case 'confirmation-needed':
      return 'check your e-mail';
    case 'pending-approval':
      return 'waiting for the VO administrator';
    case 'rejected':
      return 'rejected by the VO administrator';
    default:
      return 'registered on the VO’s web page';
  }
}

/** Why no vomses file is written for a VO that lists no VOMS server. */
export function noVomsServerReason(vo: VoEntry): string {
  return vo.sandbox
    ? 'The sandbox’s VOMS server was not running, so nothing was written to ~/.glite; open the Register step again once the app runs in sandbox mode.'
    : `The directory lists no VOMS server for ${vo.displayName}, so nothing was written to ~/.glite. Ask the VO for its vomses line if you need VOMS proxies.`;
}

/** What the web hand-off cannot do, said plainly. */
export function handoffLimitation(shell: 'electron' | 'browser' | 'cli'): string {
  if (shell === 'electron') {
    return 'OSG Onboard cannot fill in the VO’s page for you, nor see whether the VO accepted you: it opens the page with your certificate, and the VO tells you its decision by e-mail.';
  }
  return shell === 'browser'
    ? 'This page runs in your browser, and a web page cannot present your certificate to another web site: import your usercred.p12 into the browser, then open the VO’s page yourself.'
    : 'The command line cannot open the VO’s page: import your usercred.p12 into your browser, then open the VO’s page there.';
}
