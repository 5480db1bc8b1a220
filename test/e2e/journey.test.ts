// The whole journey of seed 000 through the UI only, in browser mode, against the sandbox: a temp
// HOME with a Chromium NSS db, a real GNOME Keyring on a private D-Bus session, the sandbox VO,
// CA, VOMS-Admin, mailbox and submit host. Every step is clicks and typing; the sponsor and the
// VO administrator act on their own pages in other browser contexts, and the VOMS-Admin member
// page is opened by a browser presenting the usercred.p12 made in the Back up step. The results
// are checked with the real tools (openssl, certutil, grid-proxy-info) on the files. One `it`
// per step, in order: a failure names the step.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startTestBus, type TestBus } from '../helpers/keyring';
import { SHOTS, callOnboard, chooseSandboxVo, openPage, scanBothThemes, startSession, type E2eSession, approveOnSponsorPage } from '../helpers/journey';
import { STEPS } from '../../shared/steps';
import type { RegisterView } from '../../shared/contract';

const NAME = 'Ada Lovelace';
const EMAIL = 'ada.lovelace@example.edu';
const P12_PASSWORD = 'Analytical engine 1843 notes';

let bus: TestBus;
let s: E2eSession;
let page: Page;
/** What the steps learn and later steps check. */
const seen = { subject: '', fingerprint: '', p12: '', proxy: '', memberUrl: '' };

const home = () => s.dirs.home;
const dataDir = () => s.dirs.dataDir;
const sandboxCa = () => path.join(dataDir(), 'sandbox', 'ca', 'ca-cert.pem');
const submitGlobus = () => path.join(dataDir(), 'sandbox', 'submit-host', 'home', '.globus');
const nssdb = () => `sql:${path.join(home(), '.pki', 'nssdb')}`;

function sh(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', input, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
}

function journal(): { steps: Record<string, { status: string; summary?: string }>; protect?: { mode: string } } {
  return JSON.parse(readFileSync(path.join(dataDir(), 'journal.json'), 'utf8'));
}

/** SHA-256 of a certificate's DER, colon-separated upper-case hex (as the app and openssl print it). */
function sha256Of(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}

/** The first certificate of `openssl pkcs12 -clcerts -nokeys` output. */
function leafOfP12(file: string, password: string): string {
  const out = sh('openssl', ['pkcs12', '-in', file, '-clcerts', '-nokeys', '-passin', `pass:${password}`]);
  return /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(out)![0];
}

/** The stepper's steps whose icon says done. */
async function stepsDone(p: Page): Promise<string[]> {
  const done: string[] = [];
  for (const st of STEPS) if ((await p.getByTestId(`step-${st.id}`).locator('.Mui-completed').count()) > 0) done.push(st.id);
  return done;
}

/** The Journey tab's panel (the Tools tab, hidden, has fields with like names). */
const journeyPanel = () => page.getByRole('tabpanel', { name: 'Journey' });

/** What each step shows once done (its result), found again after a reload or a restart. */
const RESULT: Record<string, string> = {
  chooseVo: 'current-vo',
  protect: 'protect-current',
  trust: 'trust-done',
  request: 'request-issued',
  backup: 'backup-result',
  register: 'register-member',
  upload: 'upload-result',
  nextSteps: 'proxy-card',
};

/** Opens a step from the stepper and waits for its result to be shown. */
async function resultShown(step: string): Promise<void> {
  await page.getByTestId(`step-${step}`).click();
  await page.getByTestId(`screen-${step}`).getByTestId(RESULT[step]).first().waitFor({ timeout: 15_000 });
}

/** Reloads the window: the step just done shows its result again (the services keep it, not the window). */
async function keptAfterReload(step: string): Promise<void> {
  await page.reload();
  await resultShown(step);
  await listenToProgress();
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `journey-${name}-light.png`), fullPage: true });
}

/** Progress events the services pushed to this window (read only: the test listens, the UI drives). */
async function listenToProgress(): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { progressSeen?: string[] };
    if (w.progressSeen) return;
    w.progressSeen = [];
    window.onboard!.on('progress', (e) => w.progressSeen!.push(`${e.task}|${e.fraction ?? 'null'}|${e.label}`));
  });
}
const progressSeen = () => page.evaluate(() => (window as unknown as { progressSeen?: string[] }).progressSeen ?? []);

beforeAll(async () => {
  bus = await startTestBus();
  await bus.startKeyring({ unlockPassword: 'journey login keyring' });
  s = await startSession('journey', {
    bus,
    before: (dirs) => {
      // A user who has run Chromium once: its NSS db exists (Trust CAs and Back up import into it).
      mkdirSync(path.join(dirs.home, '.pki', 'nssdb'), { recursive: true, mode: 0o700 });
      sh('certutil', ['-N', '--empty-password', '-d', `sql:${path.join(dirs.home, '.pki', 'nssdb')}`]);
      mkdirSync(path.dirname(seen.proxy), { recursive: true });
    },
    // The proxy goes where X509_USER_PROXY says, never to the runner's /tmp/x509up_u<uid>.
    extra: (dirs) => ({ X509_USER_PROXY: (seen.proxy = path.join(dirs.root, 'proxies', 'x509up_journey')) }),
  });
}, 180_000);

afterAll(async () => {
  await s?.stop();
  await bus?.stop();
});

describe('The whole journey through the UI (browser mode, sandbox, GNOME Keyring)', () => {
  // Each step starts where the one before ended: after a failure the rest are skipped, so the
  // report names the step that broke (and the run does not wait out every later timeout).
  let broken: string | undefined;
  beforeEach((ctx) => {
    if (broken) ctx.skip(`skipped: “${broken}” failed`);
  });
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') broken ??= ctx.task.name;
  });

  it('1. Choose VO: the sandbox, first in the list', async () => {
    page = await openPage(s.browser, { viewport: { width: 1280, height: 900 } });
    await page.goto(s.app.openUrl);
    await page.getByRole('heading', { name: 'Choose your Virtual Organization' }).waitFor();
    await listenToProgress();
    const first = page.getByRole('group', { name: 'Virtual Organizations' }).getByRole('button').first();
    expect(await first.textContent()).toContain('OSG Onboard Sandbox');
    await chooseSandboxVo(page, 'ui');
    expect(await page.getByTestId('chosen-vo-caption').textContent()).toBe('sandbox');
    expect(await stepsDone(page)).toEqual(['chooseVo']);
  });

  it('2. Protect: the keychain (GNOME Keyring) keeps the key passphrase', async () => {
    await page.getByText('Your keychain works: GNOME Keyring').waitFor();
    await page.getByRole('radio', { name: /Remember passphrases in my keychain/ }).check();
    await shot('protect');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.getByRole('heading', { name: 'Trust the certificate authorities' }).waitFor();
    expect(journal().protect?.mode).toBe('keychain');
    await expect.poll(() => page.getByTestId('caption-protect').textContent(), { timeout: 15_000 }).toBe('passphrase in GNOME Keyring');
  });

  it('3. Trust CAs: the sandbox CA into the app, ~/.globus/certificates and the browser’s NSS db', async () => {
    await page.getByTestId('ca-card').waitFor();
    for (const id of ['app', 'x509', 'nss']) expect(await page.getByTestId(`target-check-${id}`).isChecked(), id).toBe(true);
    await page.getByRole('button', { name: 'Install', exact: true }).click();
    await page.getByTestId('trust-done').waitFor({ timeout: 60_000 });
    for (const id of ['app', 'x509', 'nss']) expect(await page.getByTestId(`result-${id}`).getAttribute('data-status'), id).toBe('changed');
    await shot('trust');
    // The real tools: openssl finds the CA by its hash in the X509 dir, certutil shows it trusted for web and e-mail.
    const certDir = path.join(home(), '.globus', 'certificates');
    const hashFile = readdirSync(certDir).find((f) => /^[0-9a-f]{8}\.0$/.test(f))!;
    expect(sh('openssl', ['x509', '-noout', '-subject_hash', '-in', path.join(certDir, hashFile)]).trim()).toBe(hashFile.slice(0, 8));
    expect(sha256Of(readFileSync(path.join(certDir, hashFile), 'utf8'))).toBe(sha256Of(readFileSync(sandboxCa(), 'utf8')));
    expect(sh('certutil', ['-L', '-d', nssdb()])).toMatch(/\(OSG Onboard\)\s+CT,C,C/);
    await keptAfterReload('trust');
    await page.getByRole('button', { name: 'Continue to Request' }).click();
    await page.getByRole('heading', { name: 'Request your certificate' }).waitFor();
  });

  it('4. Request: agree and send by keyboard, the key is made here (progress), the sponsor approves on the sponsor page, the certificate is issued', async () => {
    await page.getByTestId('ca-trusted').waitFor();
    await journeyPanel().getByLabel('Your name').fill(NAME);
    await journeyPanel().getByLabel('E-mail address').fill(EMAIL);
    await page.getByTestId('dn-preview').filter({ hasText: `CN=${NAME}` }).waitFor();
    // Nothing is sent before “I AGREE”.
    const submit = page.getByRole('button', { name: 'Make my key and send the request' });
    expect(await submit.isDisabled()).toBe(true);
    // From the e-mail field on, by keyboard only: Tab to “I AGREE”, Space, Tab to the button, Enter.
    await journeyPanel().getByLabel('E-mail address').focus();
    const visited: string[] = [];
    for (let i = 0; i < 25 && !visited.includes('request-submit'); i++) {
      await page.keyboard.press('Tab');
      visited.push(await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? ''));
      if (visited.at(-1) === 'policy-agree') await page.keyboard.press('Space');
    }
    expect(visited, 'Tab order from the e-mail field').toEqual(expect.arrayContaining(['policy-agree', 'request-submit']));
    expect(await page.getByRole('checkbox', { name: 'I AGREE' }).isChecked()).toBe(true);
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { name: 'Waiting for your sponsor' }).waitFor({ timeout: 60_000 });
    await page.getByTestId('request-id').filter({ hasText: /^[2-9A-Z]{6}$/ }).waitFor();
    const requestId = (await page.getByTestId('request-id').textContent())!.trim();
    const keygen = (await progressSeen()).filter((e) => e.startsWith('keygen|'));
    expect(keygen.length, 'key generation progress events').toBeGreaterThan(0);
    await shot('request-waiting');

    // The sponsor, in their own browser, approves request <id> on the sandbox sponsor page.
    const sponsorUrl = (await page.getByRole('link', { name: /sandbox sponsor page/ }).getAttribute('href'))!;
    await approveOnSponsorPage(s.browser, sponsorUrl, requestId);

    await page.getByText('Your certificate is issued').waitFor({ timeout: 60_000 });
    seen.subject = (await page.getByTestId('cert-subject').textContent())!.trim();
    seen.fingerprint = (await page.getByTestId('cert-fingerprint').textContent())!.trim();
    expect(seen.subject).toMatch(new RegExp(`^/DC=org/DC=osg-onboard/DC=sandbox/O=OSG Onboard Sandbox/CN=${NAME} S\\d{6}$`));
    expect(seen.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    await shot('request-issued');
    expect((await progressSeen()).some((e) => e.startsWith('approval|'))).toBe(true);
  });

  it('5. Back up: usercred.p12 with a password, remembered in the keychain and imported into the browser', async () => {
    await keptAfterReload('request');
    await page.getByRole('button', { name: 'Continue to Back up' }).click();
    await page.getByRole('heading', { name: 'Back up your certificate' }).waitFor();
    seen.p12 = path.join(home(), 'usercred.p12');
    expect(await journeyPanel().getByLabel('File').inputValue()).toBe(seen.p12);
    await journeyPanel().getByLabel('Password', { exact: true }).fill(P12_PASSWORD);
    await journeyPanel().getByLabel('Password again').fill(P12_PASSWORD);
    await page.getByRole('checkbox', { name: /Remember this password in my keychain/ }).check();
    await page.getByRole('checkbox', { name: /Also import it into my browser/ }).check();
    await page.getByRole('button', { name: 'Save the backup' }).click();
    await page.getByTestId('backup-result').waitFor({ timeout: 60_000 });
    await shot('backup');
    // openssl opens it with the password (and not without it); its certificate is the one the Request step got.
    sh('openssl', ['pkcs12', '-info', '-noout', '-in', seen.p12, '-passin', `pass:${P12_PASSWORD}`]);
    expect(() => sh('openssl', ['pkcs12', '-info', '-noout', '-in', seen.p12, '-passin', 'pass:wrong'])).toThrow();
    expect(sha256Of(leafOfP12(seen.p12, P12_PASSWORD))).toBe(seen.fingerprint);
    expect(statSync(seen.p12).mode & 0o777).toBe(0o600);
    expect(sh('certutil', ['-L', '-d', nssdb()])).toMatch(new RegExp(`${NAME} S\\d{6}\\s+u,u,u`));
  });

  it('6. Register: the form is filled from THE certificate, the e-mail link confirms, the VO admin approves, member info shown', async () => {
    await keptAfterReload('backup');
    await page.getByRole('button', { name: 'Continue to Register' }).click();
    await page.getByRole('heading', { name: 'Register with your VO' }).waitFor();
    await page.getByTestId('register-form').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('register-subject').textContent()).toBe(seen.subject);
    const view = await callOnboard<RegisterView>(page, 'registerStatus', {});
    expect(view.certificate?.fingerprintSha256).toBe(seen.fingerprint);
    expect(await journeyPanel().getByLabel('Given name').inputValue()).toBe('Ada');
    expect(await journeyPanel().getByLabel('Family name').inputValue()).toBe('Lovelace');
    expect(await journeyPanel().getByLabel('E-mail address').inputValue()).toBe(EMAIL);
    await journeyPanel().getByLabel('Institution').fill('University of London');
    await journeyPanel().getByLabel('Phone number').fill('+44 20 7946 0018');
    await page.getByRole('checkbox', { name: 'I accept the AUP' }).check();
    await page.getByRole('button', { name: 'Submit registration' }).click();

    // The built-in mailbox: the VOMS-Admin e-mail, its link.
    await page.getByTestId('register-check-email').waitFor({ timeout: 30_000 });
    const requestId = (await page.getByTestId('register-request-id').first().textContent())!.trim();
    await page.getByRole('group', { name: 'E-mails in the sandbox mailbox' })
      .getByRole('button', { name: /Please confirm your membership request/ }).first().click({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Confirm my registration (open the link)' }).click();
    await page.getByRole('heading', { name: 'Waiting for the VO administrator' }).waitFor({ timeout: 30_000 });
    await shot('register-waiting');

    // The VO administrator, in their own browser, approves on the VO-admin page.
    const adminUrl = (await page.getByRole('link', { name: /sandbox VO-admin page/ }).getAttribute('href'))!;
    const admin = await openPage(s.browser, { ignoreHTTPSErrors: true });
    await admin.goto(adminUrl);
    await admin.locator(`tr[data-request-id="${requestId}"]`).getByRole('button', { name: 'Approve' }).click();
    await admin.getByText(`Request ${requestId} approved.`).waitFor();
    await admin.close();

    await page.getByRole('button', { name: 'Check now' }).click();
    await page.getByTestId('register-member').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('member-dn').textContent()).toBe(seen.subject);
    expect(await page.getByTestId('member-status').textContent()).toBe('Active');
    expect(await page.getByTestId('member-dn-check').textContent()).toBe('The DN listed is the one for the certificate that you just got.');
    await shot('register-member');

    // The seed's verification: visit the VOMS-Admin server again with the certificate — here a
    // browser presenting the usercred.p12 from the Back up step.
    const origin = new URL(adminUrl).origin;
    seen.memberUrl = `${origin}/voms/sandbox/user/home.action`;
    const member = await openPage(s.browser, {
      ignoreHTTPSErrors: true,
      clientCertificates: [{ origin, pfxPath: seen.p12, passphrase: P12_PASSWORD }],
    });
    await member.goto(seen.memberUrl);
    await member.getByText('You are a member of sandbox').first().waitFor();
    expect(await member.locator('.dn').first().textContent()).toBe(seen.subject);
    await member.close();
    // Without the certificate the same page refuses.
    const stranger = await openPage(s.browser, { ignoreHTTPSErrors: true });
    const refused = await stranger.goto(seen.memberUrl);
    expect(refused?.status()).toBe(403);
    await stranger.close();
  });

  it('7. Upload: the sandbox submit host, the .p12 password remembered in Back up (none typed), its host key confirmed, a bar per file, the ~/.globus listing', async () => {
    await keptAfterReload('register');
    await page.getByRole('button', { name: 'Continue to Upload' }).click();
    await page.getByRole('heading', { name: 'Upload your certificate to the submit host' }).waitFor();
    await page.getByTestId('upload-p12-card').waitFor();
    expect(await page.getByTestId('upload-p12-path').textContent()).toBe(seen.p12);
    expect(await page.getByRole('radio', { name: /Sandbox submit host/ }).isChecked()).toBe(true);
    expect(await page.getByRole('radio', { name: /The sandbox account/ }).isChecked()).toBe(true);
    // Remembered in the keychain by the Back up step: said so, and the field is left empty (optional).
    const note = page.getByTestId('upload-p12-remembered');
    await note.waitFor();
    expect(await note.textContent()).toMatch(/The password remembered in your keychain, Secret Service \(GNOME Keyring \/ KWallet\), will be used/);
    expect(await journeyPanel().getByLabel('Password of the usercred.p12 (optional)').inputValue()).toBe('');
    await scanBothThemes(page, 'upload-remembered');
    await page.getByRole('button', { name: 'Upload to the submit host' }).click();

    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    const hostKey = /(SHA256:[A-Za-z0-9+/]+)/.exec(sh('ssh-keygen', ['-lf', path.join(dataDir(), 'sandbox', 'submit-host', 'ssh_host_ed25519_key.pub')]))![1];
    expect((await dialog.getByTestId('hostkey-fingerprint').textContent())?.trim()).toBe(hostKey);
    // Behind the (modal) dialog: a bar per file, each waiting; nothing sent yet.
    for (const f of ['userkey.pem', 'usercert.pem', 'usercred.p12']) expect(await page.getByTestId(`upload-file-label-${f}`).textContent()).toMatch(new RegExp(`^${f}: waiting`));
    await shot('upload-hostkey');
    await dialog.getByRole('button', { name: 'Yes, trust this host' }).click();

    await page.getByTestId('upload-result').waitFor({ timeout: 60_000 });
    const perFile = (await progressSeen()).filter((e) => e.startsWith('upload:'));
    for (const f of ['userkey.pem', 'usercert.pem', 'usercred.p12']) {
      expect(perFile.filter((e) => e.startsWith(`upload:${f}|`)).at(-1), f).toMatch(/\|1\|.*in place$/);
    }
    const rows = await page.getByRole('table', { name: /Files in/ }).locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows.map((r) => `${r[0]} ${r[3]}`)).toEqual(['-rw-r--r-- usercert.pem', '-r-------- usercred.p12', '-r-------- userkey.pem']);
    await shot('upload');

    // On the submit host's disk: the modes grid tools require, and THE certificate.
    const mode = (p: string) => statSync(p).mode & 0o7777;
    expect(mode(submitGlobus())).toBe(0o700);
    expect(mode(path.join(submitGlobus(), 'usercred.p12'))).toBe(0o400);
    expect(mode(path.join(submitGlobus(), 'usercert.pem'))).toBe(0o644);
    expect(mode(path.join(submitGlobus(), 'userkey.pem'))).toBe(0o400);
    expect(sha256Of(readFileSync(path.join(submitGlobus(), 'usercert.pem'), 'utf8'))).toBe(seen.fingerprint);
    expect(createHash('sha256').update(readFileSync(path.join(submitGlobus(), 'usercred.p12'))).digest('hex'))
      .toBe(createHash('sha256').update(readFileSync(seen.p12)).digest('hex'));
    sh('openssl', ['pkey', '-noout', '-in', path.join(submitGlobus(), 'userkey.pem'), '-passin', `pass:${P12_PASSWORD}`]);
  });

  it('8. Next steps: the first proxy, from the certificate the app holds (passphrase from the keychain)', async () => {
    await keptAfterReload('upload');
    await page.getByRole('button', { name: 'Continue to Next steps' }).click();
    await page.getByRole('heading', { name: /Next steps: make a proxy/ }).waitFor();
    expect(await page.getByTestId('proxy-path').textContent()).toBe(seen.proxy);
    expect(await page.getByTestId('source-app').isChecked()).toBe(true);
    expect(await page.getByTestId('proxy-passphrase').count()).toBe(0);
    // A member of the sandbox VO (step 6): "with VO attributes" starts on, as voms-proxy-init -voms sandbox.
    expect(await page.getByTestId('proxy-voms').isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Make proxy' }).click();
    const card = page.getByTestId('proxy-card');
    await card.waitFor({ timeout: 60_000 });
    expect(await card.getByTestId('info-identity').first().textContent()).toBe(seen.subject);
    expect(await card.getByTestId('info-vo').first().textContent()).toContain('VO sandbox');
    expect(await page.getByTestId('proxy-verification').getAttribute('data-valid')).toBe('true');
    await shot('next-steps');

    expect(statSync(seen.proxy).mode & 0o777).toBe(0o600);
    expect(sh('openssl', ['verify', '-allow_proxy_certs', '-CAfile', sandboxCa(), '-untrusted', seen.proxy, seen.proxy]).trim()).toBe(`${seen.proxy}: OK`);
    const info = sh('grid-proxy-info', ['-all', '-file', seen.proxy]);
    expect(info).toMatch(new RegExp(`identity\\s*:\\s*${seen.subject.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`));
    expect(info).toMatch(/type\s*:\s*RFC 3820 compliant impersonation proxy/);
    // The test-job commands log in where the Upload step went, as the account it used.
    const sshLine = (await page.getByTestId('commands-text-test-job').textContent())!.split('\n')[0];
    expect(sshLine).toMatch(/^ssh -p \d+ sandbox@127\.0\.0\.1$/);
  });

  it('all 8 steps are done in the stepper, after a reload and after an app restart; each step shows its result, a new proxy needs no passphrase; no accessibility violations', async () => {
    const all = STEPS.map((x) => x.id);
    await expect.poll(() => stepsDone(page), { timeout: 15_000 }).toEqual(all);
    expect(Object.values(journal().steps).filter((x) => x.status === 'done')).toHaveLength(8);
    await page.reload();
    await page.getByTestId('step-nextSteps').waitFor();
    expect(await stepsDone(page)).toEqual(all);
    await resultShown('nextSteps');
    await s.restart();
    await page.goto(s.app.openUrl);
    await page.getByTestId('step-nextSteps').waitFor();
    // With every step done, a returning user lands on Next steps, not back at Choose VO.
    await page.getByTestId('screen-nextSteps').waitFor();
    await expect.poll(() => stepsDone(page), { timeout: 15_000 }).toEqual(all);
    for (const step of all) await resultShown(step);
    // The keychain still holds the key passphrase after the restart: a new proxy, nothing asked.
    const before = readFileSync(seen.proxy, 'utf8');
    expect(await page.getByTestId('proxy-passphrase').count()).toBe(0);
    await page.getByRole('button', { name: 'Make a new proxy' }).click();
    await expect.poll(() => readFileSync(seen.proxy, 'utf8') !== before, { timeout: 30_000 }).toBe(true);
    expect(sh('openssl', ['verify', '-allow_proxy_certs', '-CAfile', sandboxCa(), '-untrusted', seen.proxy, seen.proxy]).trim()).toBe(`${seen.proxy}: OK`);
    await scanBothThemes(page, 'journey-done');
  });
});
