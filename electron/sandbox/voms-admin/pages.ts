import type { FieldError } from '../../services/registration/voms-admin-fields';
import { FIELD_LABELS } from '../../services/registration/voms-admin-fields';
import type { Member, MembershipRequest } from './state';

/**
 * The sandbox VOMS-Admin pages. Markup mirrors VOMS-Admin where a client reads it (the form's
 * field names, the Struts token hidden fields, `errorFor="submit-request_<field>"` next to a
 * field's `errorMessage`); every page also carries `data-status` so the app and tests read the
 * outcome without scraping sentences.
 */

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export type PageStatus =
  | 'form'
  | 'confirmation-needed'
  | 'pending-approval'
  | 'already-member'
  | 'confirmation-error'
  | 'cancelled'
  | 'no-certificate'
  | 'untrusted-certificate'
  | 'not-found'
  | 'admin';

export function page(vo: string, title: string, status: PageStatus, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)} — VOMS Admin (${esc(vo)})</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
.errorMessage{color:#b00020}.dn{font-family:monospace;background:#f3f3f3;padding:.2rem .4rem}
ul.form{list-style:none;padding:0}ul.form li{margin:.6rem 0}label{display:block;font-weight:600}
input[type=text],textarea{width:100%;max-width:36rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left}</style>
</head><body><header><p>VOMS Admin — VO <span class="voName">${esc(vo)}</span> (OSG Onboard sandbox)</p></header>
<main data-status="${status}">
<h1>${esc(title)}</h1>
${body}
</main></body></html>
`;
}

export function guestPage(vo: string, reason: 'no-certificate' | 'untrusted-certificate', detail: string): string {
  const text =
    reason === 'no-certificate'
      ? 'You did not present a certificate. Registration with this VO needs your personal grid certificate: import your usercred.p12 into your browser (or use the OSG Onboard app) and reload this page.'
      : `Your certificate was issued by an authority this VO does not trust (${esc(detail)}). Use a certificate from a CA the VO accepts.`;
  return page(vo, 'Certificate needed', reason, `<p class="errorMessage" data-reason="${reason}">${text}</p>`);
}

export interface FormPageInput {
  readonly vo: string;
  readonly dn: string;
  readonly caDn: string;
  readonly token: string;
  readonly aup: string;
  /** Groups a member may ask for (besides the VO's root group). */
  readonly groups?: readonly string[];
  readonly requestedGroups?: readonly string[];
  readonly values?: Readonly<Record<string, string>>;
  readonly errors?: readonly FieldError[];
}

export function registerFormPage(p: FormPageInput): string {
  const v = (k: string) => esc(p.values?.[k] ?? '');
  const err = (field: string) =>
    (p.errors ?? [])
      .filter((e) => e.field === field)
      .map((e) => `<span errorFor="submit-request_${field}" class="errorMessage" data-error-for="${field}">${esc(e.message)}</span>`)
      .join('');
  const text = (field: keyof typeof FIELD_LABELS, size = 40) =>
    `<li><label for="submit-request_${field}">${esc(FIELD_LABELS[field])}</label>${err(field)}<input type="text" name="${field}" id="submit-request_${field}" size="${size}" value="${v(field)}"></li>`;
  const area = (field: keyof typeof FIELD_LABELS) =>
    `<li><label for="submit-request_${field}">${esc(FIELD_LABELS[field])}</label>${err(field)}<textarea name="${field}" id="submit-request_${field}" rows="3" cols="40">${v(field)}</textarea></li>`;
  return page(
    p.vo,
    `Welcome to the registration page for the ${p.vo} VO`,
    'form',
    `<p>To access the VO resources, you must agree to the VO's Acceptable Usage Policy (AUP). Fill out the form and submit it.
After you submit, you will receive an e-mail: your request goes to the VO managers only after you follow the link in it.</p>
<form id="submit-request" name="submit-request" action="submit-request.action" method="post">
<input type="hidden" name="struts.token.name" value="token">
<input type="hidden" name="token" value="${esc(p.token)}">
<h2>Your certificate subject (DN):</h2><div class="dn" id="certificateSubject">${esc(p.dn)}</div>
<h2>The CA that issued your certificate:</h2><div class="dn" id="certificateIssuer">${esc(p.caDn)}</div>
${err('form')}
<ul class="form">
${text('name')}
${text('surname')}
${text('institution')}
${text('phoneNumber')}
${area('address')}
${text('emailAddress', 60)}
<li><h2>The VO AUP:</h2><textarea id="aup" rows="8" cols="80" readonly>${esc(p.aup)}</textarea></li>
<li class="aupAcceptance">${err('aupAccepted')}<label><input type="checkbox" name="aupAccepted" value="true"${p.values?.aupAccepted === 'true' ? ' checked' : ''}> I confirm I have read and agree with the terms expressed in the VO Acceptable Usage Policy document displayed above.</label></li>
${groupBoxes(p, err('requestedGroups'))}
${area('userMessage')}
<li><input type="submit" value="Submit"></li>
</ul></form>`,
  );
}

function groupBoxes(p: FormPageInput, errors: string): string {
  if (!p.groups?.length) return '';
  const boxes = p.groups
    .map((g) => `<label><input type="checkbox" name="requestedGroups" value="${esc(g)}"${p.requestedGroups?.includes(g) ? ' checked' : ''}> ${esc(g)}</label>`)
    .join('');
  return `<li class="groups"><h2>Groups you ask to join (the VO administrator decides)</h2>${errors}${boxes}</li>`;
}

function requestFacts(r: MembershipRequest): string {
  return `<p data-request-id="${esc(r.id)}">Request <strong>${esc(r.id)}</strong> for <span class="dn">${esc(r.dn)}</span>.</p>`;
}

export function waitsConfirmationPage(vo: string, r: MembershipRequest, justSubmitted: boolean): string {
  const lead = justSubmitted ? 'Your membership request has been submitted.' : 'You already have a membership request that needs your confirmation.';
  return page(
    vo,
    'Check your e-mail',
    'confirmation-needed',
    `<p>${lead} An e-mail was sent to <strong>${esc(r.emailAddress)}</strong> with a link to confirm it. The request goes to the VO administrators only after you follow that link.</p>${requestFacts(r)}`,
  );
}

export function pendingApprovalPage(vo: string, r: MembershipRequest, justConfirmed: boolean): string {
  const lead = justConfirmed ? 'Thank you: your e-mail address is confirmed.' : 'Your membership request is confirmed.';
  return page(vo, 'Waiting for the VO administrator', 'pending-approval', `<p>${lead} It now waits for a VO administrator to approve it; you will receive an e-mail.</p>${requestFacts(r)}`);
}

export function memberPage(vo: string, m: Member): string {
  const certs = m.certificates.map((c) => `<li><span class="dn">${esc(c.subjectString)}</span> issued by <span class="dn">${esc(c.issuerString)}</span></li>`).join('');
  return page(
    vo,
    `You are a member of ${vo}`,
    'already-member',
    `<p>${esc(m.name)} ${esc(m.surname)} (${esc(m.emailAddress)}), member since ${esc(m.creationTime)}, until ${esc(m.endTime)}.</p><ul>${certs}</ul><p>Groups: ${m.fqans.map(esc).join(', ')}</p>`,
  );
}

export function messagePage(vo: string, title: string, status: PageStatus, message: string): string {
  return page(vo, title, status, `<p class="errorMessage">${esc(message)}</p>`);
}

export function adminPage(vo: string, requests: readonly MembershipRequest[], csrf: string, members: readonly Member[], notice?: string): string {
  const rows = requests
    .map((r) => {
      const actions =
        r.status === 'CONFIRMED' || r.status === 'SUBMITTED'
          ? ['approve', 'reject']
              .map(
                (d) =>
                  `<form method="post" action="decide" style="display:inline"><input type="hidden" name="csrf" value="${esc(csrf)}"><input type="hidden" name="requestId" value="${esc(r.id)}"><input type="hidden" name="decision" value="${d}"><button type="submit" name="${d}-${esc(r.id)}">${d === 'approve' ? 'Approve' : 'Reject'}</button></form>`,
              )
              .join(' ')
          : '';
      return `<tr data-request-id="${esc(r.id)}" data-request-status="${r.status}"><td>${esc(r.id)}</td><td>${esc(r.status)}</td><td>${esc(r.name)} ${esc(r.surname)}<br>${esc(r.emailAddress)}</td><td class="dn">${esc(r.dn)}</td><td>${esc(r.submittedAt)}</td><td>${actions}</td></tr>`;
    })
    .join('\n');
  const memberRows = members.map((m) => `<li>${esc(m.name)} ${esc(m.surname)} — <span class="dn">${esc(m.certificates[0]?.subjectString ?? '')}</span></li>`).join('');
  return page(
    vo,
    `VO administrator: membership requests for ${vo}`,
    'admin',
    `${notice ? `<p role="status">${esc(notice)}</p>` : ''}<p>Requests in state SUBMITTED still wait for the user's e-mail confirmation; approve the CONFIRMED ones you recognise.</p>
<table><thead><tr><th>Id</th><th>Status</th><th>Who</th><th>Certificate DN</th><th>Submitted</th><th>Decision</th></tr></thead><tbody>
${rows || '<tr><td colspan="6">No requests yet.</td></tr>'}
</tbody></table><h2>Members</h2><ul>${memberRows || '<li>None yet.</li>'}</ul>`,
  );
}
