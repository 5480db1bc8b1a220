import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestPki, type TestCa, type TestCert } from '../../helpers/registration-pki';
import { startMailbox, type SandboxMailbox } from '../../../electron/sandbox/mailbox';
import { startSandboxVoms, type SandboxVoms } from '../../../electron/sandbox/voms-admin';
import { httpsRequest } from '../../../electron/services/registration/https-client';
import {
  confirmRegistration,
  fetchMemberInfo,
  findConfirmationLink,
  readFieldErrors,
  startRegistration,
  submitRegistration,
  waitForMembership,
  type VomsAdminSession,
} from '../../../electron/services/registration/voms-admin-connector';
import { OnboardError } from '../../../shared/errors';

const VO = 'sandbox';
const pki = new TestPki();
const work = mkdtempSync(path.join(os.tmpdir(), 'osg-reg-flow-'));
const vomsDir = path.join(work, 'voms-admin');
const mailDir = path.join(work, 'mailbox');
let ca: TestCa;
let otherCa: TestCa;
let serverCert: TestCert;
let jane: TestCert;
let bob: TestCert;
let carol: TestCert;
let mallory: TestCert;
let mailbox: SandboxMailbox;
let voms: SandboxVoms;

const start = () =>
  startSandboxVoms({
    dir: vomsDir,
    vo: VO,
    trustedCaPems: [ca.certPem],
    tls: async () => ({ certPem: serverCert.certPem, keyPem: serverCert.keyPem }),
    smtp: { port: mailbox.smtpPort },
    mailboxDir: mailDir,
    groups: ['/sandbox', '/sandbox/analysis'],
  });

const session = (c: TestCert): VomsAdminSession => ({
  endpoint: { baseUrl: voms.baseUrl, vo: VO, trustedCaPems: [ca.certPem] },
  credential: { key: c.keyPem, certPem: c.certPem },
});

const form = (over: Record<string, unknown> = {}) => ({
  name: 'Jane',
  surname: 'Doe',
  institution: 'University of Somewhere',
  address: '1 Main St\nSomewhere',
  phoneNumber: '+1 555 0100',
  emailAddress: 'jane@example.org',
  aupAccepted: true,
  ...over,
});

async function caught(p: Promise<unknown>): Promise<OnboardError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof OnboardError) return e;
    throw e;
  }
  throw new Error('expected an OnboardError');
}

async function mailTo(address: string, subjectPart: string) {
  const list = await mailbox.list();
  const summary = list.find((m) => m.to.includes(address) && m.subject.includes(subjectPart));
  expect(summary, `a mail to ${address} about “${subjectPart}” in ${JSON.stringify(list)}`).toBeDefined();
  return mailbox.read(summary!.id);
}

beforeAll(async () => {
  ca = await pki.ca('/DC=org/DC=osg-test/CN=Registration Test CA');
  otherCa = await pki.ca('/DC=org/DC=elsewhere/CN=Unknown CA');
  [serverCert, jane, bob, carol, mallory] = await Promise.all([
    pki.issue(ca, '/DC=org/DC=osg-test/CN=127.0.0.1', 'server'),
    pki.issue(ca, '/DC=org/DC=osg-test/O=Univ/CN=Jane Doe', 'client'),
    pki.issue(ca, '/DC=org/DC=osg-test/O=Univ/CN=Bob Roberts', 'client'),
    pki.issue(ca, '/DC=org/DC=osg-test/O=Univ/CN=Carol Chen', 'client'),
    pki.issue(otherCa, '/DC=org/DC=elsewhere/CN=Mallory', 'client'),
  ]);
  mailbox = await startMailbox({ dir: mailDir });
  voms = await start();
});

afterAll(async () => {
  await voms?.close();
  await mailbox?.close();
  pki.cleanup();
  rmSync(work, { recursive: true, force: true });
});

describe('sandbox VOMS-Admin with the voms-admin connector', () => {
  it('refuses a client without a certificate, saying so', async () => {
    const res = await httpsRequest({ url: `${voms.voUrl}/register/start.action`, trustedCaPems: [ca.certPem] });
    expect(res.status).toBe(403);
    expect(res.headers['x-voms-admin-error']).toBe('no-certificate');
    const e = await caught(startRegistration({ ...session(jane), credential: undefined as never }));
    expect(e.code).toBe('REGISTRATION_NO_CLIENT_CERT');
  });

  it('refuses a certificate from a CA it does not trust', async () => {
    const e = await caught(startRegistration(session(mallory)));
    expect(e.code).toBe('REGISTRATION_CERT_UNTRUSTED');
    const res = await httpsRequest({ url: `${voms.voUrl}/apiv2/user-info.action`, trustedCaPems: [ca.certPem], credential: { key: mallory.keyPem, certPem: mallory.certPem } });
    expect(res.status).toBe(403);
  });

  it('answers 404 for member info before membership and shows the form with the certificate DN', async () => {
    expect(await fetchMemberInfo(session(jane))).toBeNull();
    const st = await startRegistration(session(jane));
    expect(st.status).toBe('form');
    expect(st.dn).toBe('/DC=org/DC=osg-test/O=Univ/CN=Jane Doe');
    expect(st.caDn).toBe('/DC=org/DC=osg-test/CN=Registration Test CA');
    expect(st.form?.hidden.token).toMatch(/.{20,}/);
  });

  it('names the field that breaks the VOMS-Admin value rule, locally and on the server', async () => {
    const local = await caught(submitRegistration(session(jane), form({ name: 'Jane <b>' })));
    expect(local.code).toBe('REGISTRATION_FIELD_INVALID');
    expect(local.details?.field).toBe('name');
    const aup = await caught(submitRegistration(session(jane), form({ aupAccepted: false })));
    expect(aup.code).toBe('REGISTRATION_AUP_NOT_ACCEPTED');

    // The server applies the same rule to a hand-made POST and names every bad field.
    const st = await startRegistration(session(jane));
    const body = new URLSearchParams({ ...st.form!.hidden, name: 'Jane', surname: 'Doe;drop', emailAddress: 'not-an-address', institution: 'a=b', aupAccepted: 'false', requestedGroups: '/sandbox/nope' });
    const res = await httpsRequest({
      url: st.form!.action,
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
      credential: { key: jane.keyPem, certPem: jane.certPem },
      trustedCaPems: [ca.certPem],
    });
    expect(res.status).toBe(200);
    const fields = readFieldErrors(res.body).map((e) => e.field).sort();
    expect(fields).toEqual(['aupAccepted', 'emailAddress', 'institution', 'requestedGroups', 'surname']);
    // The form's one-time (Struts) token: a replayed form is refused as a whole.
    const replay = await httpsRequest({
      url: st.form!.action,
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...st.form!.hidden, name: 'Jane', surname: 'Doe', emailAddress: 'jane@example.org', aupAccepted: 'true' }).toString(),
      credential: { key: jane.keyPem, certPem: jane.certPem },
      trustedCaPems: [ca.certPem],
    });
    expect(readFieldErrors(replay.body).map((e) => e.field)).toEqual(['form']);
    expect((await voms.list()).requests).toHaveLength(0);
  });

  it('registers: submit → confirmation mail over SMTP → confirm link → admin page approval → member info', async () => {
    const submitted = await submitRegistration(session(jane), form());
    expect(submitted.status).toBe('confirmation-needed');
    expect((await startRegistration(session(jane))).status).toBe('confirmation-needed');

    const mail = await mailTo('jane@example.org', 'Please confirm');
    expect(mail.from).toContain('voms-admin@sandbox.invalid');
    const link = mail.links.find((l) => l.includes('/register/confirm-request.action'));
    expect(link).toMatch(new RegExp(`^${voms.voUrl}/register/confirm-request\\.action\\?requestId=${submitted.requestId}&confirmationId=[0-9a-f]{32}$`));
    // The message was stored as a file with its index, readable by the owner only.
    expect(statSync(path.join(mailDir, 'index.json')).mode & 0o777).toBe(0o600);

    const wrong = await caught(confirmRegistration(session(jane), link!.replace(/confirmationId=[0-9a-f]+/, 'confirmationId=' + '0'.repeat(32))));
    expect(wrong.code).toBe('REGISTRATION_CONFIRMATION_FAILED');
    expect((await confirmRegistration(session(jane), link!)).status).toBe('pending-approval');
    expect((await startRegistration(session(jane))).status).toBe('pending-approval');
    expect(await fetchMemberInfo(session(jane))).toBeNull();

    // The VO admin: log in with the per-start link, then approve with the page's form.
    const admin = { trustedCaPems: [ca.certPem] };
    const login = await httpsRequest({ url: voms.adminUrl, ...admin });
    expect(login.status).toBe(303);
    const cookie = String(login.headers['set-cookie']).split(';')[0];
    expect(String(login.headers['set-cookie'])).toMatch(/HttpOnly; Secure; SameSite=Strict/);
    const page = await httpsRequest({ url: `${voms.voUrl}/sandbox-admin/requests`, headers: { Cookie: cookie }, ...admin });
    expect(page.status).toBe(200);
    expect(page.body).toContain(`data-request-id="${submitted.requestId}" data-request-status="CONFIRMED"`);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)![1];
    const decide = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
      httpsRequest({
        url: `${voms.voUrl}/sandbox-admin/decide`,
        method: 'POST',
        headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(fields).toString(),
        ...admin,
      });
    // CSRF: no token, a wrong token, a foreign Origin, or no admin cookie → refused, nothing changes.
    expect((await decide({ requestId: submitted.requestId!, decision: 'approve' })).status).toBe(403);
    expect((await decide({ requestId: submitted.requestId!, decision: 'approve', csrf: 'x' + csrf })).status).toBe(403);
    expect((await decide({ requestId: submitted.requestId!, decision: 'approve', csrf }, { Origin: 'https://evil.example' })).status).toBe(403);
    expect((await decide({ requestId: submitted.requestId!, decision: 'approve', csrf }, { Cookie: 'sandbox_voms_admin=guess' })).status).toBe(403);
    expect(await fetchMemberInfo(session(jane))).toBeNull();
    const ok = await decide({ requestId: submitted.requestId!, decision: 'approve', csrf }, { Origin: voms.baseUrl });
    expect(ok.status).toBe(303);

    const info = await fetchMemberInfo(session(jane));
    expect(info).toMatchObject({ name: 'Jane', surname: 'Doe', emailAddress: 'jane@example.org', suspended: false });
    expect(info!.certificates).toEqual([
      { subjectString: '/DC=org/DC=osg-test/O=Univ/CN=Jane Doe', issuerString: '/DC=org/DC=osg-test/CN=Registration Test CA', suspended: false },
    ]);
    expect((await startRegistration(session(jane))).status).toBe('already-member');
    const approved = await mailTo('jane@example.org', 'approved');
    expect(approved.text).toContain('you are approved');
    // Only the member's own information: asking for another DN is refused.
    const other = await httpsRequest({
      url: `${voms.voUrl}/apiv2/user-info.action?dn=${encodeURIComponent('/CN=someone else')}`,
      credential: { key: jane.keyPem, certPem: jane.certPem },
      trustedCaPems: [ca.certPem],
    });
    expect(other.status).toBe(403);
  });

  it('approves in process while the connector waits for membership', async () => {
    const wrongGroup = await caught(submitRegistration(session(bob), form({ name: 'Bob', surname: 'Roberts', emailAddress: 'bob@example.org', requestedGroups: ['/sandbox/nope'] })));
    expect(wrongGroup.details?.field).toBe('requestedGroups');
    expect((await startRegistration(session(bob))).groups).toEqual(['/sandbox/analysis']);
    const { requestId } = await submitRegistration(
      session(bob),
      form({ name: 'Bob', surname: 'Roberts', emailAddress: 'bob@example.org', requestedGroups: ['/sandbox/analysis'] }),
    );
    // Sandbox mode: the app finds the link in the mailbox itself.
    const endpoint = session(bob).endpoint;
    expect(await findConfirmationLink(mailbox, endpoint, { emailAddress: 'jane@example.org', requestId })).toBeUndefined();
    const link = await findConfirmationLink(mailbox, endpoint, { emailAddress: 'BOB@example.org', requestId });
    expect(link).toContain(`requestId=${requestId}&`);
    if (!link) throw new Error('no confirmation link');
    await confirmRegistration(session(bob), link);
    const seen: string[] = [];
    const waiting = waitForMembership(session(bob), { intervalMs: 50, maxAttempts: 400, onProgress: (p) => seen.push(p.status) });
    await new Promise((r) => setTimeout(r, 120));
    const { member } = await voms.approve(requestId!);
    expect(member?.certificates[0].subjectString).toBe('/DC=org/DC=osg-test/O=Univ/CN=Bob Roberts');
    expect(member?.fqans).toEqual(['/sandbox', '/sandbox/analysis']);
    const info = await waiting;
    expect(info.certificates[0].subjectString).toBe('/DC=org/DC=osg-test/O=Univ/CN=Bob Roberts');
    expect(seen[0]).toBe('pending-approval');
    expect(seen.at(-1)).toBe('already-member');
    const again = await caught(voms.approve(requestId!));
    expect(again.code).toBe('REGISTRATION_NOT_PENDING');
  });

  it('keeps requests and members across a restart of the service; old links still confirm', async () => {
    const { requestId } = await submitRegistration(session(carol), form({ name: 'Carol', surname: 'Chen', emailAddress: 'carol@example.org' }));
    const link = (await mailTo('carol@example.org', 'Please confirm')).links[0];
    const before = voms.baseUrl;
    await voms.close();
    voms = await start();
    expect(voms.baseUrl).toBe(before); // the previous port is reused when free
    expect((await fetchMemberInfo(session(jane)))?.name).toBe('Jane');
    expect((await startRegistration(session(carol))).status).toBe('confirmation-needed');
    expect((await confirmRegistration(session(carol), link)).status).toBe('pending-approval');
    expect((await voms.list()).requests.find((r) => r.id === requestId)?.status).toBe('CONFIRMED');
    expect(statSync(path.join(vomsDir, 'state.json')).mode & 0o777).toBe(0o600);
  });

  it('ends the wait with a rejection when the VO admin rejects', async () => {
    const id = (await voms.list()).requests.find((r) => r.emailAddress === 'carol@example.org')!.id;
    await voms.reject(id);
    const e = await caught(waitForMembership(session(carol), { intervalMs: 10, maxAttempts: 3 }));
    expect(e.code).toBe('REGISTRATION_REJECTED');
    expect((await mailTo('carol@example.org', 'rejected')).subject).toContain('rejected');
  });

  it('stops waiting when cancelled', async () => {
    const controller = new AbortController();
    const { requestId } = await submitRegistration(session(carol), form({ name: 'Carol', surname: 'Chen', emailAddress: 'carol@example.org' }));
    expect(requestId).toBeDefined();
    const waiting = waitForMembership({ ...session(carol), signal: controller.signal }, { intervalMs: 60_000, maxAttempts: 5 });
    setTimeout(() => controller.abort(), 50);
    expect((await caught(waiting)).code).toBe('CANCELLED');
  });
});
