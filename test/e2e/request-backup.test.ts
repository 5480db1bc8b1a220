// Request (step 4) and Back up (step 5) through the real UI in browser mode, against the
// embedded sandbox CA: the sponsor approves (and rejects) on the sandbox sponsor page in another
// page; the saved usercred.p12 is checked with openssl and certutil. A second app, with no
// keychain (the key passphrase is typed), is killed (SIGKILL of its service process) while
// waiting for the sponsor and started again: it resumes with the same key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { keepForReadme, SHOTS as shots, appEnv, callOnboard, launchChromium, openPage as openPageIn, scanBothThemes, startApp, tempDirs, type RunningApp, type TempDirs } from '../helpers/journey';
import { startTestBus, type TestBus } from '../helpers/keyring';
import { TrustService } from '../../electron/services/trust';
import { Sandbox } from '../../electron/sandbox';

const P12_PASSWORD = 'Correct horse battery staple 42';
const KEY_PASSPHRASE = 'quartz meadow lantern violin';

let dirs: TempDirs;
let root: string;
let browser: Browser;
let bus: TestBus;

function sh(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', input, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
}

const openPage = (opts: BrowserContextOptions = {}): Promise<Page> => openPageIn(browser, opts);

/** Axe in light and dark, zero violations, and a screenshot of each. */
const checkState = (page: Page, name: string): Promise<void> => scanBothThemes(page, name);

const call = <T>(page: Page, name: string, input: unknown): Promise<T> => callOnboard<T>(page, name, input);

/** The Trust CAs step through its procedure when it exists, else the trust service directly. */
async function trustSandbox(page: Page, dataDir: string, home: string): Promise<string> {
  const has = await page.evaluate(() => typeof (window.onboard as unknown as Record<string, unknown>).trustInstall === 'function');
  if (has) {
    await call(page, 'trustInstall', { targets: ['app', 'x509'] });
    return 'trustInstall';
  }
  const sandbox = new Sandbox({ dataDir });
  const trust = new TrustService({ dataDir, homeDir: home, runtimeBundles: async () => [await sandbox.trustBundle()] });
  const report = await trust.install({ bundle: 'sandbox', targets: ['app'] });
  expect(report.results.map((r) => r.status)).not.toContain('failed');
  return 'TrustService';
}

async function fillRequest(page: Page, opts: { name: string; email: string; code?: string; estUrl?: string; passphrase?: string }) {
  await page.getByTestId('request-name').fill(opts.name);
  await page.getByTestId('request-email').fill(opts.email);
  if (opts.code !== undefined || opts.estUrl !== undefined) {
    if (!(await page.getByTestId('request-code').isVisible())) await page.getByTestId('ca-advanced').click();
    await page.getByTestId('request-code').fill(opts.code ?? '');
    await page.getByTestId('request-est-url').fill(opts.estUrl ?? '');
  }
  if (opts.passphrase) {
    await page.getByTestId('request-passphrase').fill(opts.passphrase);
    await page.getByTestId('request-passphrase-confirm').fill(opts.passphrase);
  }
  await page.getByTestId('dn-preview').filter({ hasText: /CN=/ }).waitFor();
  const agree = page.getByTestId('policy-agree');
  if (!(await agree.isChecked())) await agree.check();
}

/** Approves or rejects a request on the sandbox sponsor page (its TLS is the sandbox CA's). */
async function sponsorDecides(sponsorUrl: string, requestId: string, decision: 'approve' | 'reject', reason?: string) {
  const sponsor = await openPage({ ignoreHTTPSErrors: true });
  await sponsor.goto(sponsorUrl);
  if (decision === 'approve') {
    await sponsor.getByRole('button', { name: `Approve ${requestId}` }).click();
    await sponsor.getByText(`Request ${requestId} approved`).waitFor({ timeout: 5000 }).catch(async (e) => {
      throw new Error(`${(e as Error).message}\n${(await sponsor.content()).slice(0, 3000)}`);
    });
  } else {
    await sponsor.getByLabel('Reason (shown to the requester)').fill(reason ?? '');
    await sponsor.getByRole('button', { name: `Reject ${requestId}` }).click();
    await sponsor.getByText(`Request ${requestId} rejected`).waitFor();
  }
  await sponsor.close();
}

async function waitingRequest(page: Page): Promise<{ id: string; sponsorUrl: string }> {
  await page.getByTestId('request-waiting').waitFor();
  await page.getByTestId('request-id').filter({ hasText: /^[2-9A-Z]{6}$/ }).waitFor();
  const id = (await page.getByTestId('request-id').textContent())!.trim();
  expect(id).toMatch(/^[2-9A-Z]{6}$/);
  const sponsorUrl = (await page.getByTestId('sponsor-link').getAttribute('href'))!;
  expect(sponsorUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/sponsor\?token=/);
  return { id, sponsorUrl };
}

function journal(dataDir: string): Record<string, unknown> & { vo?: { name: string }; history: { step: string; event: string }[]; steps: Record<string, { status: string }> } {
  return JSON.parse(readFileSync(path.join(dataDir, 'journal.json'), 'utf8'));
}

/** The public key (SPKI PEM) of a CSR or certificate file, as openssl prints it. */
function publicKeyOf(file: string, kind: 'req' | 'x509'): string {
  return sh('openssl', [kind, '-in', file, '-pubkey', '-noout']);
}

/** The app's service process (the bridge started by build/bin/start.mjs). */
function servicePid(app: RunningApp): number {
  const parent = app.process.pid!;
  const children = readFileSync(`/proc/${parent}/task/${parent}/children`, 'utf8').trim().split(/\s+/).map(Number).filter(Boolean);
  expect(children.length).toBe(1);
  return children[0];
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

beforeAll(async () => {
  dirs = tempDirs('request');
  root = dirs.root;
  browser = await launchChromium();
  bus = await startTestBus();
  await bus.startKeyring({ unlockPassword: 'login-password' });
});

afterAll(async () => {
  await browser?.close();
  await bus?.stop();
  dirs?.cleanup();
});

describe('Request and Back up steps (browser mode, sandbox CA, keychain)', () => {
  let app: RunningApp;
  let page: Page;
  const dataDir = () => path.join(root, 'data-a');
  const home = () => bus.env.HOME!;

  beforeAll(async () => {
    mkdirSync(dataDir(), { recursive: true });
    app = await startApp({ dataDir: dataDir(), env: appEnv(home(), { bus, extra: bus.env }) });
    page = await openPage();
    await page.goto(app.openUrl);
    await page.getByTestId('environment').waitFor();
    await call(page, 'voChoose', { name: 'sandbox' });
  });

  afterAll(async () => {
    await page?.close();
    await app?.stop();
  });

  it('before the Trust CAs step, the request is refused with “not trusted” and a way to the Trust step; no key is made', async () => {
    await page.getByTestId('step-request').click();
    await page.getByTestId('ca-not-trusted').waitFor();
    await fillRequest(page, { name: 'Ada Lovelace', email: 'ada@example.edu' });
    expect(await page.getByTestId('dn-preview').textContent()).toMatch(/^\/DC=org\/DC=osg-onboard\/DC=sandbox\/O=OSG Onboard Sandbox\/CN=Ada Lovelace S\d{6}$/);
    await checkState(page, 'request-form');
    await page.getByTestId('request-submit').click();
    const alert = page.getByTestId('request-error').locator('[data-error-code="REQUEST_CA_NOT_TRUSTED"]');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Trust CAs step');
    await page.getByTestId('go-trust').waitFor();
    await checkState(page, 'request-not-trusted');
    expect(existsSync(path.join(dataDir(), 'credentials'))).toBe(false);
    expect(journal(dataDir()).vo?.name).toBe('sandbox');
  });

  it('a wrong enrolment code shows its message; the same key is sent again, then the sponsor’s rejection is shown', async () => {
    const via = await trustSandbox(page, dataDir(), home());
    console.log(`sandbox CA installed into the app trust via ${via}`);
    await page.reload();
    await page.getByTestId('step-request').click();
    await page.getByTestId('ca-trusted').waitFor();
    await fillRequest(page, { name: 'Ada Lovelace', email: 'ada@example.edu', code: 'WRONG-CODE' });
    await page.getByTestId('request-submit').click();
    const wrong = page.getByTestId('request-failed-error').locator('[data-error-code="ISSUER_BAD_ENROLMENT_CODE"]');
    await wrong.waitFor();
    expect(await wrong.textContent()).toContain('the enrolment code is wrong');
    await checkState(page, 'request-wrong-code');

    await page.getByTestId('request-retry').click();
    const { id, sponsorUrl } = await waitingRequest(page);
    await sponsorDecides(sponsorUrl, id, 'reject', 'We could not confirm your identity');
    const rejected = page.getByTestId('request-rejected-error').locator('[data-error-code="ISSUER_REQUEST_REJECTED"]');
    await rejected.waitFor({ timeout: 30_000 });
    expect(await rejected.textContent()).toContain('We could not confirm your identity');
    await checkState(page, 'request-rejected');
  });

  it('an unreachable CA shows its message', async () => {
    const port = await closedPort();
    await page.getByTestId('request-new').click();
    await fillRequest(page, { name: 'Ada Lovelace', email: 'ada@example.edu', estUrl: `https://127.0.0.1:${port}`, code: '' });
    await page.getByTestId('request-submit').click();
    const unreachable = page.getByTestId('request-failed-error').locator('[data-error-code="ISSUER_UNREACHABLE"]');
    await unreachable.waitFor();
    expect(await unreachable.textContent()).toContain(`127.0.0.1:${port}`);
    await checkState(page, 'request-unreachable');
  });

  it('waits for the sponsor with the request id and a live elapsed time; the sponsor approves; the step completes', async () => {
    await page.getByTestId('request-new').click();
    await fillRequest(page, { name: 'Ada Lovelace', email: 'ada@example.edu', estUrl: '', code: '' });
    await page.getByTestId('key-3072').check();
    await page.getByTestId('request-submit').click();
    const { id, sponsorUrl } = await waitingRequest(page);
    const first = await page.getByTestId('request-elapsed').textContent();
    await expect.poll(() => page.getByTestId('request-elapsed').textContent(), { timeout: 5000 }).not.toBe(first);
    await checkState(page, 'request-waiting');
    await sponsorDecides(sponsorUrl, id, 'approve');
    await page.getByTestId('request-issued').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('cert-subject').textContent()).toMatch(/\/CN=Ada Lovelace S\d{6}$/);
    expect(await page.getByTestId('cert-issuer').textContent()).toContain('Sandbox');
    await page.getByTestId('caption-request').filter({ hasText: /Ada Lovelace/ }).waitFor();
    await checkState(page, 'request-issued');
    keepForReadme(path.join(shots, 'request-waiting-light.png'), 'request.png');

    // Nothing in the journal was lost on the way: the VO, the agreement, each failure, the earlier requests.
    const j = journal(dataDir());
    expect(j.vo?.name).toBe('sandbox');
    expect(j.steps.request.status).toBe('done');
    const events = j.history.filter((h) => h.step === 'request').map((h) => h.event);
    expect(events).toEqual(expect.arrayContaining(['agreed', 'keyMade', 'failed', 'sent', 'rejected', 'issued']));
    expect((j.requestHistory as unknown[]).length).toBeGreaterThanOrEqual(2);
    expect((j.request as { agreement: { agreedAt: string } }).agreement.agreedAt).toBeTruthy();
  });

  it('backs up usercred.p12: weak passwords are explained; the saved file opens with openssl and holds the sandbox CA’s certificate', async () => {
    await page.getByTestId('go-backup').click();
    await page.getByTestId('backup-path').waitFor();
    const target = path.join(home(), 'usercred.p12');
    expect(await page.getByTestId('backup-path').inputValue()).toBe(target);
    await page.getByTestId('backup-password').fill('password123');
    await page.getByTestId('backup-confirm').fill('password123');
    expect(await page.getByTestId('backup-meter-why').textContent()).toContain('common password');
    expect(await page.getByTestId('backup-save').isDisabled()).toBe(true);
    await checkState(page, 'backup-form');
    await page.getByTestId('backup-password').fill(P12_PASSWORD);
    await page.getByTestId('backup-confirm').fill(P12_PASSWORD);
    await page.getByTestId('backup-remember').check();
    await page.getByTestId('backup-browser').check();
    await page.getByTestId('backup-save').click();
    await page.getByTestId('backup-result').waitFor();
    expect(await page.getByTestId('backup-saved-path').textContent()).toBe(target);
    await checkState(page, 'backup-saved');
    keepForReadme(path.join(shots, 'backup-saved-light.png'), 'backup.png');

    sh('openssl', ['pkcs12', '-info', '-noout', '-in', target, '-passin', `pass:${P12_PASSWORD}`]);
    const leaf = sh('openssl', ['pkcs12', '-in', target, '-nokeys', '-clcerts', '-passin', `pass:${P12_PASSWORD}`]);
    const issuer = sh('openssl', ['x509', '-noout', '-issuer', '-nameopt', 'compat'], leaf).trim().replace(/^issuer=\s*/, '');
    const caSubject = sh('openssl', ['x509', '-noout', '-subject', '-nameopt', 'compat', '-in', path.join(dataDir(), 'sandbox', 'ca', 'ca-cert.pem')]).trim().replace(/^subject=\s*/, '');
    expect(issuer).toBe(caSubject);
    const fp = sh('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], leaf).trim().replace(/^.*=/, '');
    expect(await page.getByTestId('backup-fingerprint').textContent()).toBe(fp);
    expect(() => sh('openssl', ['pkcs12', '-info', '-noout', '-in', target, '-passin', 'pass:not-the-password'])).toThrow();
    // Imported into the browser's NSS db with the user's certificate and key.
    const listed = sh('certutil', ['-L', '-d', `sql:${path.join(home(), '.pki', 'nssdb')}`]);
    expect(listed).toMatch(/Ada Lovelace S\d{6}\s+u,u,u/);
    expect(journal(dataDir()).steps.backup.status).toBe('done');
  });

  it('saving again never overwrites: the old file is kept and the user is told where', async () => {
    const target = path.join(home(), 'usercred.p12');
    const before = readFileSync(target);
    await page.getByTestId('backup-again').click();
    await page.getByTestId('backup-exists').waitFor();
    await page.getByTestId('backup-password').fill(P12_PASSWORD);
    await page.getByTestId('backup-confirm').fill(P12_PASSWORD);
    await page.getByTestId('format-legacy').check();
    await page.getByTestId('backup-save').click();
    await page.getByTestId('backup-previous').waitFor();
    const kept = (await page.getByTestId('backup-previous').locator('code').textContent())!;
    expect(kept).toMatch(/usercred\.p12\.bak-\d{8}T\d{6}Z$/);
    expect(readFileSync(kept).equals(before)).toBe(true);
    sh('openssl', ['pkcs12', '-info', '-noout', '-in', target, '-passin', `pass:${P12_PASSWORD}`]);
    expect(readdirSync(home()).filter((n) => n.startsWith('usercred.p12')).length).toBe(2);
  });
});

describe('Restart while waiting for the sponsor (no keychain: the key passphrase is typed)', () => {
  const dataDir = () => path.join(root, 'data-b');
  const home = () => path.join(root, 'home-b');
  const env = () => appEnv(home(), { extra: { DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(root, 'no-bus')}` } });
  let app: RunningApp | undefined;

  afterAll(async () => {
    await app?.stop();
  });

  it('the service process is killed while waiting; started again it resumes, and the certificate is for the same public key', async () => {
    mkdirSync(dataDir(), { recursive: true });
    mkdirSync(home(), { recursive: true });
    app = await startApp({ dataDir: dataDir(), env: env() });
    let page = await openPage();
    await page.goto(app.openUrl);
    await page.getByTestId('environment').waitFor();
    await call(page, 'voChoose', { name: 'sandbox' });
    await call(page, 'requestPreview', { name: '', email: '' }); // makes the sandbox CA
    await trustSandbox(page, dataDir(), home());
    await page.reload();
    await page.getByTestId('step-request').click();
    await page.getByTestId('request-passphrase').waitFor();
    await fillRequest(page, { name: 'Lise Meitner', email: 'lise@example.edu', passphrase: KEY_PASSPHRASE });
    await page.getByTestId('request-submit').click();
    const { id } = await waitingRequest(page);
    const credentials = readdirSync(path.join(dataDir(), 'credentials')).filter((n) => !n.startsWith('.'));
    expect(credentials.length).toBe(1);
    const csrPublicKey = publicKeyOf(path.join(dataDir(), 'credentials', credentials[0], 'csr.pem'), 'req');

    const pid = servicePid(app);
    const exited = new Promise((r) => app!.process.once('exit', r));
    process.kill(pid, 'SIGKILL');
    await exited;
    await page.close();

    app = await startApp({ dataDir: dataDir(), env: env() });
    page = await openPage();
    await page.goto(app.openUrl);
    await page.getByTestId('step-request').click();
    const resumed = await waitingRequest(page);
    expect(resumed.id).toBe(id);
    await sponsorDecides(resumed.sponsorUrl, id, 'approve');
    // The passphrase was only in the killed process's memory: it is asked again.
    await page.getByTestId('request-needs-passphrase').waitFor({ timeout: 30_000 });
    await checkState(page, 'request-needs-passphrase');
    await page.getByTestId('resume-passphrase').fill(KEY_PASSPHRASE);
    await page.getByTestId('resume-passphrase-submit').click();
    await page.getByTestId('request-issued').waitFor();
    const certPublicKey = publicKeyOf(path.join(dataDir(), 'credentials', credentials[0], 'cert.pem'), 'x509');
    expect(certPublicKey).toBe(csrPublicKey);
    expect(readdirSync(path.join(dataDir(), 'credentials')).filter((n) => !n.startsWith('.')).length).toBe(1);

    // Back up asks for the key passphrase in this mode.
    await page.getByTestId('go-backup').click();
    await page.getByTestId('backup-password').fill(P12_PASSWORD);
    await page.getByTestId('backup-confirm').fill(P12_PASSWORD);
    expect(await page.getByTestId('backup-remember').isDisabled()).toBe(true);
    await page.getByTestId('backup-save').click();
    await page.getByTestId('backup-result').waitFor();
    const leafKey = sh('openssl', ['pkcs12', '-in', path.join(home(), 'usercred.p12'), '-nokeys', '-clcerts', '-passin', `pass:${P12_PASSWORD}`]);
    expect(sh('openssl', ['x509', '-pubkey', '-noout'], leafKey)).toBe(csrPublicKey);
    await page.close();
  });
});
