/**
 * The Register step for VOMRS and other VOs registering on their own web page: the hand-off
 * (what to do, in the seed's words), and in the desktop app what the registration window did —
 * the certificate put into the browser certificate store (undoable) and the last visit.
 */
import type { RegisterHandoffView } from '../../../shared/contract/register';
import type { VoEntry } from '../../../shared/vo';
import type { JournalData } from '../journal/journal';
import type { ServiceContext } from '../context';
import { webRegistrationHandOff } from '../registration/web-handoff';
import { readWebRegistration } from '../web-registration/web-registration-service';
import type { HeldCredential } from './register-credential';
import { handoffLimitation } from './register-views';

export function handoffFor(j: JournalData, vo: VoEntry, o: { held: HeldCredential | null; shell: ServiceContext['shell']; markedDoneAt?: string }): RegisterHandoffView {
  const backup = (j as Record<string, unknown>).backup as { last?: { path?: unknown } } | undefined;
  const p12Path = typeof backup?.last?.path === 'string' ? backup.last.path : undefined;
  const certificateDn = o.held?.record.certificate.subject;
  const h = webRegistrationHandOff(vo, { shell: o.shell === 'electron' ? 'electron' : 'browser', certificateDn, p12Path });
  // In the desktop app the window picks the certificate itself: the user only fills in the VO's form.
  const phase = vo.registration.kind === 'vomrs' ? 'Fill in “Registration (Phase I)”' : 'Fill in the VO’s registration form';
  const instructions =
    o.shell === 'electron'
      ? [`Open the registration page (${h.url}) with the button above.`, `${phase} and accept the VO’s usage rules.`, 'Close the window when done, follow the link in the e-mail the VO sends you, then wait for the VO administrator.']
      : h.instructions;
  const web = readWebRegistration(j, vo.name);
  const imp = web?.import;
  return {
    url: h.url,
    instructions,
    certificateDn,
    p12Path,
    limitation: handoffLimitation(o.shell),
    markedDoneAt: o.markedDoneAt,
    certificateSha256: o.held?.record.certificate.fingerprintSha256,
    ...(imp
      ? { browserStore: { db: imp.db, nickname: imp.nickname, sha256: imp.sha256, subject: imp.subject, alreadyPresent: imp.alreadyPresent, at: imp.at, ...(imp.removedAt ? { removedAt: imp.removedAt } : {}) } }
      : {}),
    ...(web?.window ? { lastWindow: web.window as RegisterHandoffView['lastWindow'] } : {}),
  };
}
