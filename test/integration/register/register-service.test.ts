import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Sandbox } from '../../../electron/sandbox';
import { Journal } from '../../../electron/services/journal/journal';
import { VoService } from '../../../electron/services/vo/vo-service';
import { KeyProtection } from '../../../electron/services/request/key-protection';
import { SessionSecretStore } from '../../../electron/services/keychain/session-store';
import { RegisterService, registerHandlers, readRegisterSection } from '../../../electron/services/register';
import { createDispatcher, type Handlers } from '../../../electron/services/dispatch';
import type { RegisterView } from '../../../shared/contract/register';
import type { WireError } from '../../../shared/errors';
import { installSandboxTrust, foreignCredential, sandboxUserCredential, type SandboxUser } from '../../helpers/register-setup';
import { TestPki } from '../../helpers/registration-pki';

/**
 * The Register procedures over the real sandbox (VOMS-Admin + mailbox on loopback, certificates
 * from the sandbox CA), called through the dispatcher as the window calls them.
 */
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'osg-register-'));
const homeDir = mkdtempSync(path.join(os.tmpdir(), 'osg-register-home-'));
const PASS = 'correct horse battery';
const pki = new TestPki();
/** Credentials are dated apart (the store lists the newest first, ids carry a one-second stamp). */
const T0 = Date.now();
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

interface Running {
  sandbox: Sandbox;
  journal: Journal;
  vo: VoService;
  service: RegisterService;
  call: <T>(name: keyof Handlers, input?: unknown) => Promise<T>;
  fail: (name: keyof Handlers, input?: unknown) => Promise<WireError>;
  close(): Promise<void>;
}

/** One “app start”: fresh services (a typed passphrase is forgotten) over the same folders. */
function start(): Running {
  const journal = new Journal(dataDir);
  const sandbox = new Sandbox({ dataDir });
  const vo = new VoService({ environment: 'sandbox', journal, now: () => new Date() });
  const keys = new KeyProtection({ dataDir, journal, keychain: () => new SessionSecretStore() });
  const service = new RegisterService({ context: { dataDir, homeDir, now: () => new Date(), emit: () => {}, shell: 'browser' }, journal, vo, sandbox, keys, poll: { intervalMs: 150, maxAttempts: 400 } });
  const handlers = registerHandlers(service) as unknown as Handlers;
  const dispatch = createDispatcher(handlers);
  const call = async <T,>(name: keyof Handlers, input: unknown = {}): Promise<T> => {
    const r = await dispatch(name, input);
    if (!r.ok) throw new Error(`${String(name)}: ${r.error.code} ${r.error.message}`);
    return r.value as T;
  };
  const fail = async (name: keyof Handlers, input: unknown = {}): Promise<WireError> => {
    const r = await dispatch(name, input);
    if (r.ok) throw new Error(`${String(name)} should have failed, answered ${JSON.stringify(r.value).slice(0, 300)}`);
    return r.error;
  };
  return { sandbox, journal, vo, service, call, fail, close: async () => { service.close(); await sandbox.close(); } };
}

/** Waits (bounded) until the journal says the registration is `stage`. */
async function journalStage(app: Running, stage: string, vo = 'sandbox'): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const j = await new Journal(dataDir).read();
    if (readRegisterSection(j, vo)?.stage === stage) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the registration did not reach ${stage}`);
}

const form = (over: Record<string, unknown> = {}) => ({
  name: 'Jane',
  surname: 'Doe',
  emailAddress: 'jane@example.org',
  institution: 'University of Somewhere',
  phoneNumber: '+1 555 0100',
  aupAccepted: true,
  requestedGroups: ['/sandbox/analysis'],
  ...over,
});

let app: Running;
let jane: SandboxUser;

beforeAll(async () => {
  app = start();
});

afterAll(async () => {
  await app?.close();
  pki.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(homeDir, { recursive: true, force: true });
});

describe('Register procedures against the sandbox VO', () => {
  it('says which earlier step is missing: no VO, then no certificate', async () => {
    expect((await app.call<RegisterView>('registerStatus')).stage).toBe('no-vo');
    await app.vo.choose('sandbox');
    await installSandboxTrust(dataDir, homeDir);
    const v = await app.call<RegisterView>('registerStatus');
    expect(v.stage).toBe('no-certificate');
    expect(v.vo?.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/voms\/sandbox$/);
    expect(v.sandbox?.adminUrl).toContain('/sandbox-admin/login?token=');
    expect((await app.fail('registerSubmit', form())).code).toBe('REGISTER_NO_CERTIFICATE');
  });

  it('asks for the typed key passphrase, refuses a wrong one, then shows the form filled from the certificate', async () => {
    jane = await sandboxUserCredential(dataDir, { name: 'Jane Doe', email: 'Jane@Example.org', passphrase: PASS, at: at(1) });
    const locked = await app.call<RegisterView>('registerStatus');
    expect(locked.stage).toBe('needs-passphrase');
    expect(locked.certificate).toMatchObject({ credentialId: jane.credentialId, subject: jane.subject, passphrase: 'typed' });
    expect((await app.fail('registerUnlock', { keyPassphrase: 'wrong passphrase' })).code).toBe('KEY_PASSPHRASE_WRONG');
    const v = await app.call<RegisterView>('registerUnlock', { keyPassphrase: PASS });
    expect(v.stage).toBe('form');
    expect(v.form?.dn).toBe(jane.subject);
    expect(v.form?.caDn).toBe(jane.issuer);
    expect(v.form?.prefill).toEqual({ name: 'Jane', surname: 'Doe', emailAddress: 'Jane@example.org' });
    expect(v.form?.groups).toEqual(['/sandbox/analysis']);
    expect(v.form?.aupText).toContain('Acceptable Usage Policy');
    // Nothing secret crosses: no PEM key, no passphrase.
    expect(JSON.stringify(v)).not.toMatch(/PRIVATE KEY|correct horse/);
  });

  it('refuses values breaking the VOMS-Admin rule naming the field, and a form without the AUP', async () => {
    const bad = await app.fail('registerSubmit', form({ institution: 'A&B <Lab>' }));
    expect(bad.code).toBe('INVALID_INPUT');
    expect(bad.details?.field).toBe('institution');
    const aup = await app.fail('registerSubmit', form({ aupAccepted: false }));
    expect(aup.details?.field).toBe('aupAccepted');
    const group = await app.fail('registerSubmit', form({ requestedGroups: ['/sandbox/nope'] }));
    expect(group.code).toBe('REGISTRATION_FIELD_INVALID');
    expect(group.details?.field).toBe('requestedGroups');
    expect((await app.call<RegisterView>('registerStatus')).stage).toBe('form');
  });

  it('submits, finds the confirmation in the sandbox mailbox, confirms, waits, and shows the member after approval', async () => {
    const sent = await app.call<RegisterView>('registerSubmit', form());
    expect(sent.stage).toBe('confirmation-needed');
    expect(sent.requestId).toMatch(/^\d+$/);
    expect(sent.emailAddress).toBe('jane@example.org');
    expect((await app.journal.read()).steps.register).toMatchObject({ status: 'in-progress', summary: 'check your e-mail' });

    const mails = await app.call<{ id: string; to: string[]; subject: string }[]>('registerMailbox');
    const mine = mails.find((m) => m.to.includes('jane@example.org'));
    expect(mine).toBeDefined();
    const msg = await app.call<{ confirmationLink?: string; text: string }>('registerMailRead', { id: mine!.id });
    expect(msg.confirmationLink).toMatch(/confirm-request\.action\?requestId=\d+&confirmationId=[0-9a-f]{32}/);
    expect((await app.fail('registerConfirm', { link: 'https://evil.example.org/voms/sandbox/register/confirm-request.action?requestId=1&confirmationId=x' })).code).toBe('REGISTRATION_CONFIRMATION_LINK_INVALID');

    const waiting = await app.call<RegisterView>('registerConfirm', { link: msg.confirmationLink });
    expect(waiting.stage).toBe('pending-approval');
    expect(waiting.polling).toBe(true);
    expect(waiting.confirmedAt).toBeTruthy();

    const voms = await app.sandbox.voms();
    await voms.approve(sent.requestId!);
    await journalStage(app, 'member');
    const v = await app.call<RegisterView>('registerStatus');
    expect(v.stage).toBe('member');
    expect(v.member).toMatchObject({ name: 'Jane', surname: 'Doe', emailAddress: 'jane@example.org', status: 'active', dnMatches: true });
    expect(v.member?.certificates).toEqual([{ subject: jane.subject, issuer: jane.issuer, suspended: false }]);
    expect(v.member?.fqans).toEqual(expect.arrayContaining(['/sandbox', '/sandbox/analysis']));
    // The sandbox VO's running VOMS server goes into ~/.glite: vomses line and .lsc (its DN, then the sandbox CA's).
    const server = voms.vomsServer!;
    expect(v.vomses?.files.map((f) => f.path)).toEqual([
      path.join(homeDir, '.glite', 'vomses', 'sandbox'),
      path.join(homeDir, '.glite', 'vomsdir', 'sandbox', `${server.host}.lsc`),
    ]);
    expect(readFileSync(path.join(homeDir, '.glite', 'vomses', 'sandbox'), 'utf8')).toBe(`"sandbox" "${server.host}" "${server.port}" "${server.dn}" "sandbox"\n`);
    expect(readFileSync(path.join(homeDir, '.glite', 'vomsdir', 'sandbox', `${server.host}.lsc`), 'utf8')).toBe(`${server.dn}\n${server.caDn}\n`);
    expect(server.caDn).toBe((await app.sandbox.material()).subject);
    expect((await app.journal.read()).steps.register).toMatchObject({ status: 'done', summary: 'member of sandbox' });
  });

  it('writes ~/.glite/vomses/<vo> for a VO with a VOMS server once the certificate is a member', async () => {
    const voms = await app.sandbox.voms();
    await app.vo.addCustom({ name: 'copyvo', registrationKind: 'voms-admin', registrationUrl: voms.voUrl, vomsHost: 'voms.copyvo.example.org', vomsPort: 15003, vomsDn: '/DC=org/DC=example/CN=voms.copyvo.example.org' });
    await app.vo.choose('copyvo');
    // No trust for its server other than the app's: the sandbox CA was installed there.
    const v = await app.call<RegisterView>('registerStatus');
    expect(v.stage).toBe('member');
    expect(v.vomses?.files.map((f) => f.path)).toEqual([path.join(homeDir, '.glite', 'vomses', 'copyvo')]);
    expect(readFileSync(path.join(homeDir, '.glite', 'vomses', 'copyvo'), 'utf8')).toBe('"copyvo" "voms.copyvo.example.org" "15003" "/DC=org/DC=example/CN=voms.copyvo.example.org" "copyvo"\n');
    await app.vo.choose('sandbox');
  });

  it('a VO registering on a web page gets a hand-off with the URL and the p12 to import, said plainly', async () => {
    await app.vo.addCustom({ name: 'webvo', registrationKind: 'vomrs', registrationUrl: 'https://vomrs.example.org:8443/vo/webvo/vomrs' });
    await app.vo.choose('webvo');
    const v = await app.call<RegisterView>('registerStatus');
    expect(v.stage).toBe('handoff');
    expect(v.handoff?.url).toBe('https://vomrs.example.org:8443/vo/webvo/vomrs');
    expect(v.handoff?.instructions.join(' ')).toMatch(/Registration \(Phase I\)/);
    expect(v.handoff?.limitation).toMatch(/cannot present your certificate/);
    expect(v.handoff?.certificateDn).toBe(jane.subject);
    expect((await app.fail('registerSubmit', form())).code).toBe('REGISTER_WRONG_KIND');
    const done = await app.call<RegisterView>('registerHandoffDone');
    expect(done.handoff?.markedDoneAt).toBeTruthy();
    await app.vo.choose('sandbox');
  });

  it('a certificate from a CA the VO does not trust is refused, and the status says why', async () => {
    const other = await pki.ca('/DC=org/DC=elsewhere/CN=Unknown CA');
    const cert = await pki.issue(other, '/DC=org/DC=elsewhere/CN=Mallory Example', 'client');
    await foreignCredential(dataDir, cert, PASS, at(2));
    await app.call('registerUnlock', { keyPassphrase: PASS });
    const v = await app.call<RegisterView>('registerStatus');
    expect(v.stage).toBe('error');
    expect(v.problem?.code).toBe('REGISTRATION_CERT_UNTRUSTED');
  });

  it('resumes after a restart of the app and the sandbox service: waiting, then member once the VO admin approves', async () => {
    const bob = await sandboxUserCredential(dataDir, { name: 'Bob Roberts', email: 'bob@example.org', passphrase: PASS, at: at(3) });
    await app.call('registerUnlock', { keyPassphrase: PASS });
    const sent = await app.call<RegisterView>('registerSubmit', form({ name: 'Bob', surname: 'Roberts', emailAddress: 'bob@example.org', requestedGroups: [] }));
    const id = (await app.call<{ id: string; to: string[] }[]>('registerMailbox')).find((m) => m.to.includes('bob@example.org'))!.id;
    const { confirmationLink } = await app.call<{ confirmationLink: string }>('registerMailRead', { id });
    expect((await app.call<RegisterView>('registerConfirm', { link: confirmationLink })).stage).toBe('pending-approval');
    // Jane's finished registration is kept in the history when Bob's certificate takes over.
    expect(JSON.stringify((await app.journal.read() as Record<string, unknown>).registerHistory)).toContain(jane.credentialId);

    await app.close();
    app = start();
    const locked = await app.call<RegisterView>('registerStatus');
    expect(locked).toMatchObject({ stage: 'needs-passphrase', requestId: sent.requestId });
    const waiting = await app.call<RegisterView>('registerUnlock', { keyPassphrase: PASS });
    expect(waiting).toMatchObject({ stage: 'pending-approval', polling: true, requestId: sent.requestId });
    await (await app.sandbox.voms()).approve(sent.requestId!);
    await journalStage(app, 'member');
    const v = await app.call<RegisterView>('registerStatus');
    expect(v.member?.certificates[0].subject).toBe(bob.subject);
    expect(v.member?.fqans).toEqual(['/sandbox']);
  });

  it('a rejected request ends the wait as rejected', async () => {
    await sandboxUserCredential(dataDir, { name: 'Carol Chen', email: 'carol@example.org', passphrase: PASS, at: at(4) });
    await app.call('registerUnlock', { keyPassphrase: PASS });
    const sent = await app.call<RegisterView>('registerSubmit', form({ name: 'Carol', surname: 'Chen', emailAddress: 'carol@example.org' }));
    const id = (await app.call<{ id: string; to: string[] }[]>('registerMailbox')).find((m) => m.to.includes('carol@example.org'))!.id;
    const { confirmationLink } = await app.call<{ confirmationLink: string }>('registerMailRead', { id });
    await app.call('registerConfirm', { link: confirmationLink });
    await (await app.sandbox.voms()).reject(sent.requestId!);
    await journalStage(app, 'rejected');
    expect((await app.call<RegisterView>('registerStatus')).stage).toBe('rejected');
    expect((await app.journal.read()).steps.register?.status).toBe('failed');
  });
});
