import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { keepForReadme, SHOTS as shots, openPage as openPageIn, scanBothThemes, startSession, type E2eSession } from '../helpers/journey';
import { TestPki } from '../helpers/registration-pki';
import { chooseSandboxAndTrust, foreignCredential, sandboxUserCredential, type SandboxUser } from '../helpers/register-setup';
import { CredentialStore } from '../../electron/services/credential/store';

/**
 * The Register step through the real UI in browser mode, against the sandbox VO (VOMS-Admin and
 * mailbox run by the app). The earlier steps are done in test setup through the services
 * in-process on the same data folder before the app starts: the sandbox VO chosen, the sandbox CA
 * in the app's trust, a user certificate from the sandbox CA (sponsor auto-approval, EST) kept
 * with a typed passphrase (Protect “ask each time”), and one from an unknown CA.
 * Why not the Request step's own run: the Register step takes the Request step's credential first,
 * and an unknown CA's certificate can reach the store only as a leftover (the Request step's
 * import refuses CAs the app does not trust), so the refusal case needs both placed here. The
 * certificate the Request step makes is registered by test/e2e/journey.test.ts.
 */
const PASS = 'e2e key passphrase';
const pki = new TestPki();
let s: E2eSession;
let dataDir: string;
let home: string;
let jane: SandboxUser;
let mallory: SandboxUser;

beforeAll(async () => {
  s = await startSession('register', {
    before: async (dirs) => {
      ({ dataDir, home } = dirs);
      await chooseSandboxAndTrust(dataDir, home);
      const t0 = Date.now();
      jane = await sandboxUserCredential(dataDir, { name: 'Jane Doe', email: 'jane.doe@example.org', passphrase: PASS, at: new Date(t0) });
      const other = await pki.ca('/DC=org/DC=elsewhere/CN=Unknown CA');
      // Newest: the Register step picks it first, and the sandbox VO must refuse it.
      mallory = await foreignCredential(dataDir, await pki.issue(other, '/DC=org/DC=elsewhere/CN=Mallory Example', 'client'), PASS, new Date(t0 + 60_000));
    },
  });
}, 180_000);

afterAll(async () => {
  await s?.stop();
  pki.cleanup();
});

const openPage = (opts: BrowserContextOptions = {}): Promise<Page> => openPageIn(s.browser, opts);

/** Axe (zero violations) and screenshots of one state of the step, in light then dark theme. */
const scanState = (page: Page, state: string) => scanBothThemes(page, `register-${state}`);

async function openRegister(page: Page) {
  await page.goto(s.app.openUrl);
  await page.getByTestId('step-register').click();
  await page.getByTestId('screen-register').getByRole('heading', { name: 'Register with your VO' }).waitFor();
}

async function unlock(page: Page) {
  await page.getByTestId('register-passphrase').fill(PASS);
  await page.getByTestId('register-unlock').click();
}

describe('Register step (browser mode, sandbox VO)', () => {
  it('a certificate from a CA the sandbox VO does not trust is refused, and the step says why', async () => {
    const page = await openPage();
    await openRegister(page);
    await page.getByTestId('register-needs-passphrase').waitFor();
    expect(await page.getByTestId('register-cert-subject').textContent()).toBe(mallory.subject);
    await scanState(page, 'passphrase');
    await unlock(page);
    const problem = page.getByTestId('register-problem');
    await problem.waitFor();
    expect(await problem.locator('[data-error-code]').getAttribute('data-error-code')).toBe('REGISTRATION_CERT_UNTRUSTED');
    expect(await problem.textContent()).toContain('does not accept certificates from the authority that issued yours');
    await scanState(page, 'refused');
    await page.close();
    // The user goes back to the certificate from the Request step: the foreign one is put aside.
    await new CredentialStore({ dataDir, secrets: null }).archive(mallory.credentialId);
  });

  it('fills the form from the certificate, names the field breaking the VOMS-Admin rule, then registers', async () => {
    const page = await openPage();
    await openRegister(page);
    await unlock(page);
    await page.getByTestId('register-form').waitFor();
    expect(await page.getByTestId('register-subject').textContent()).toBe(jane.subject);
    expect(await page.getByTestId('register-issuer').textContent()).toBe(jane.issuer);
    await page.getByText('Make sure that the DN listed is the one for the certificate that you just got.').waitFor();
    expect(await page.getByTestId('reg-name').inputValue()).toBe('Jane');
    expect(await page.getByTestId('reg-surname').inputValue()).toBe('Doe');
    expect(await page.getByTestId('reg-emailAddress').inputValue()).toBe('jane.doe@example.org');
    expect(await page.getByTestId('register-aup').textContent()).toContain('Acceptable Usage Policy');
    await scanState(page, 'form');

    await page.getByTestId('reg-institution').fill('A&B <Lab>');
    await page.getByTestId('register-submit').click();
    const errors = page.getByTestId('register-form-errors');
    await errors.waitFor();
    expect(await errors.textContent()).toContain('Institution must not contain < > & = or ;');
    expect(await errors.textContent()).toContain('I accept the AUP');
    await scanState(page, 'form-errors');

    await page.getByTestId('reg-institution').fill('University of Somewhere');
    await page.getByTestId('reg-phoneNumber').fill('+1 555 0100');
    await page.getByTestId('reg-group-/sandbox/analysis').check();
    await page.getByTestId('reg-aup').check();
    await page.getByTestId('register-submit').click();
    await page.getByTestId('register-check-email').waitFor();
    expect(await page.getByTestId('register-check-email').textContent()).toContain('jane.doe@example.org');
    await page.close();
  });

  it('opens the confirmation from the built-in mailbox, then waits for the VO administrator', async () => {
    const page = await openPage();
    await openRegister(page);
    // The passphrase typed before is kept by the app until it quits.
    await page.getByTestId('mailbox').waitFor();
    const requestId = (await page.getByTestId('register-request-id').textContent())!;
    await page.getByTestId('mail-list').getByRole('button', { name: /Please confirm your membership request.*jane\.doe@example\.org/ }).first().click();
    await page.getByTestId('mail-confirm').waitFor();
    expect(await page.getByTestId('mail-message').textContent()).toContain(`requestId=${requestId}`);
    await scanState(page, 'check-email');
    await page.getByTestId('mail-confirm').click();
    await page.getByTestId('register-waiting').waitFor();
    expect(await page.getByTestId('register-waiting').getByTestId('register-request-id').textContent()).toBe(requestId);
    await page.getByTestId('vo-admin-link').waitFor();
    await scanState(page, 'waiting');
    await page.close();
  });

  it('survives a restart while waiting; approved on the VO-admin page, it shows the member information', async () => {
    await s.restart();
    const page = await openPage();
    await openRegister(page);
    // After the restart the key passphrase is asked again; the request is remembered.
    await page.getByTestId('register-needs-passphrase').waitFor();
    expect(await page.getByTestId('register-needs-passphrase').textContent()).toMatch(/request \d+\) is kept/);
    await unlock(page);
    await page.getByTestId('register-waiting').waitFor();
    const requestId = (await page.getByTestId('register-waiting').getByTestId('register-request-id').textContent())!;

    // The VO administrator (the user, in the sandbox) approves on the VO-admin page of this start.
    const adminUrl = (await page.getByTestId('vo-admin-link').getAttribute('href'))!;
    const admin = await openPage({ ignoreHTTPSErrors: true });
    await admin.goto(adminUrl);
    const row = admin.locator(`tr[data-request-id="${requestId}"]`);
    expect(await row.getAttribute('data-request-status')).toBe('CONFIRMED');
    await row.getByRole('button', { name: 'Approve' }).click();
    await admin.getByText(`Request ${requestId} approved.`).waitFor();
    await admin.close();

    const member = page.getByTestId('register-member');
    await member.waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('member-dn').textContent()).toBe(jane.subject);
    expect(await page.getByTestId('member-ca').textContent()).toBe(jane.issuer);
    expect(await page.getByTestId('member-email').textContent()).toBe('jane.doe@example.org');
    expect(await page.getByTestId('member-status').textContent()).toBe('Active');
    const fqans = await page.getByTestId('member-fqans').textContent();
    expect(fqans).toContain('/sandbox');
    expect(fqans).toContain('/sandbox/analysis');
    expect(await page.getByTestId('member-dn-check').textContent()).toBe('The DN listed is the one for the certificate that you just got.');
    // The sandbox VO's running VOMS server goes into ~/.glite (vomses line + .lsc), as for a real VO.
    expect(await page.getByTestId('register-vomses').textContent()).toContain(path.join(home, '.glite', 'vomses', 'sandbox'));
    expect(existsSync(path.join(home, '.glite', 'vomses', 'sandbox'))).toBe(true);
    expect(await page.getByTestId('caption-register').textContent()).toBe('member of sandbox');
    await scanState(page, 'member');
    keepForReadme(path.join(shots, 'register-member-light.png'), 'register.png');
    await page.close();
  });

  it('a VO that registers on its web page (OSG) gets a plain hand-off: the URL, the certificate to pick, the p12 to import', async () => {
    const page = await openPage();
    await page.goto(s.app.openUrl);
    expect(await page.evaluate(async () => (await window.onboard!.voChoose({ name: 'osg' })).ok)).toBe(true);
    await openRegister(page);
    const handoff = page.getByTestId('register-handoff');
    await handoff.waitFor();
    expect(await page.getByTestId('handoff-url').getAttribute('href')).toMatch(/^https:\/\/osg-htc\.org\//);
    expect(await handoff.textContent()).toContain('a web page cannot present your certificate to another web site');
    expect(await handoff.textContent()).toContain(jane.subject);
    await scanState(page, 'handoff');
    expect(await page.evaluate(async () => (await window.onboard!.voChoose({ name: 'sandbox' })).ok)).toBe(true);
    await page.close();
  });
});
