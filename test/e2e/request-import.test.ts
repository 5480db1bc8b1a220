// "I already have a certificate" and "Renew" through the real UI in browser mode (temp HOME, a
// real keyring): a usercred.p12 made by `openssl pkcs12 -export` from a certificate the sandbox
// CA issued is imported (a wrong password first), the Request step is done ("imported from
// usercred.p12") and the Back up step offers that certificate; then Renew goes to the sandbox CA
// (EST simplereenroll, signed in with the imported certificate): a new certificate, the old one
// listed as previous. Axe in light and dark for each new state; build/screenshots/request-import.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { keepForReadme } from '../helpers/journey';
import type { Browser, Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { launchChromium } from '../helpers/browser';
import { ROOT, startApp, type RunningApp } from '../helpers/web-app';
import { startTestBus, type TestBus } from '../helpers/keyring';
import { Sandbox } from '../../electron/sandbox';
import { foreignUser, opensslP12, sandboxUser, sh, type UserMaterial } from '../integration/request/import-fixtures';

const shots = path.join(ROOT, 'test-results', 'screenshots');
const P12_PASSWORD = 'Lichen harbour 52 sextant';

let root: string;
let browser: Browser;
let bus: TestBus;
let app: RunningApp;
let page: Page;
let ada: UserMaterial;

async function axe(p: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page: p }).analyze();
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => `${n.target.join(' ')} ${n.html.slice(0, 160)} ${n.failureSummary ?? ''}`).join('; ')})`);
}

/** Waits until MUI's colour transitions are over in the given theme. */
async function settleTheme(p: Page, dark: boolean): Promise<void> {
  const bg = dark ? 'rgb(15, 20, 25)' : 'rgb(245, 247, 250)';
  const title = dark ? 'rgb(255, 255, 255)' : 'rgba(0, 0, 0, 0.87)';
  await p.waitForFunction(([b, t]) => {
    const h = document.querySelector('#step-title');
    return getComputedStyle(document.body).backgroundColor === b && h !== null && getComputedStyle(h).color === t;
  }, [bg, title] as const);
  await p.waitForTimeout(400); // button and chip transitions (≤ 250 ms)
}

/** Axe in light and dark, zero violations, and a screenshot of each. */
async function checkState(p: Page, name: string): Promise<void> {
  await settleTheme(p, false);
  expect(await axe(p), `${name} (light)`).toEqual([]);
  await p.screenshot({ path: path.join(shots, `${name}-light.png`), fullPage: true });
  await p.getByRole('button', { name: 'Dark theme' }).click();
  await settleTheme(p, true);
  expect(await axe(p), `${name} (dark)`).toEqual([]);
  await p.screenshot({ path: path.join(shots, `${name}-dark.png`), fullPage: true });
  await p.getByRole('button', { name: 'Light theme' }).click();
  await settleTheme(p, false);
}

async function call<T>(p: Page, name: string, input: unknown): Promise<T> {
  const env = await p.evaluate(
    async ([n, i]) => (window.onboard as unknown as Record<string, (x: unknown) => Promise<unknown>>)[n](i),
    [name, input] as const,
  );
  const e = env as { ok: boolean; value?: T; error?: { message: string } };
  if (!e.ok) throw new Error(`${name}: ${e.error?.message}`);
  return e.value as T;
}

function journal(dataDir: string): { steps: Record<string, { status: string; summary?: string }>; request?: { credentialId: string } } {
  return JSON.parse(readFileSync(path.join(dataDir, 'journal.json'), 'utf8'));
}

const dataDir = () => path.join(root, 'data');
const home = () => bus.env.HOME!;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'osg-e2e-import-'));
  mkdirSync(shots, { recursive: true });
  mkdirSync(dataDir(), { recursive: true });
  browser = await launchChromium();
  bus = await startTestBus();
  await bus.startKeyring({ unlockPassword: 'login-password' });
  // A certificate the sandbox CA issued earlier (its CA is made now, in the app's data folder),
  // saved by the user as ~/usercred.p12 with OpenSSL.
  const sandbox = new Sandbox({ dataDir: dataDir() });
  ada = await sandboxUser(sandbox, path.join(root, 'ada'), 'Ada Lovelace S246810');
  await sandbox.close();
  opensslP12(ada, path.join(home(), 'usercred.p12'), P12_PASSWORD);
  app = await startApp({ dataDir: dataDir(), env: { ...bus.env, X509_CERT_DIR: undefined } });
  const context = await browser.newContext();
  page = await context.newPage();
  page.on('close', () => void context.close().catch(() => {}));
  await page.goto(app.openUrl);
  await page.getByTestId('environment').waitFor();
  await call(page, 'voChoose', { name: 'sandbox' });
  await call(page, 'trustInstall', { targets: ['app'] });
});

afterAll(async () => {
  await page?.close();
  await app?.stop();
  await browser?.close();
  await bus?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('Request step: import an existing certificate, then renew it (browser mode, sandbox CA)', () => {
  it('offers “I already have a certificate” with the .p12 found in the home folder; a wrong password is explained', async () => {
    await page.getByTestId('step-request').click();
    await page.getByTestId('mode-import').click();
    await page.getByTestId('import-panel').waitFor();
    expect(await page.getByTestId('import-path').inputValue()).toBe('~/usercred.p12');
    await checkState(page, 'request-import-form');
    await page.getByTestId('import-password').fill('not the password');
    await page.getByTestId('import-submit').click();
    await page.getByTestId('import-error').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('import-error').textContent()).toContain('The password for usercred.p12 is not right');
    await checkState(page, 'request-import-error');
    expect(journal(dataDir()).request).toBeUndefined();
  });

  it('imports it: the step is done (“imported from usercred.p12”), the file untouched, and Back up offers that certificate', async () => {
    const p12 = path.join(home(), 'usercred.p12');
    const before = readFileSync(p12);
    const mtime = statSync(p12).mtimeMs;
    await page.getByTestId('import-password').fill(P12_PASSWORD);
    await page.getByTestId('import-submit').click();
    await page.getByTestId('request-issued').waitFor({ timeout: 30_000 });
    await page.getByText('Your certificate is imported from usercred.p12').waitFor();
    await page.getByText('were brought in from the file you chose').waitFor(); // not “your key pair is made on this computer”
    expect(await page.getByTestId('cert-subject').textContent()).toBe(ada.subject);
    expect(await page.getByTestId('renew-expiry').textContent()).toMatch(/valid until .* \((36[45]) days left\)/);
    await page.getByTestId('caption-request').filter({ hasText: 'imported from usercred.p12' }).waitFor();
    await checkState(page, 'request-imported');
    keepForReadme(path.join(shots, 'request-imported-light.png'), 'request-import.png');
    expect(readFileSync(p12).equals(before)).toBe(true);
    expect(statSync(p12).mtimeMs).toBe(mtime);
    const j = journal(dataDir());
    expect(j.steps.request).toMatchObject({ status: 'done', summary: 'imported from usercred.p12' });
    const text = readFileSync(path.join(dataDir(), 'journal.json'), 'utf8');
    expect(text).not.toContain(P12_PASSWORD);
    expect(text).not.toContain(home());

    await page.getByTestId('go-backup').click();
    await page.getByTestId('backup-path').waitFor();
    expect(await page.getByLabel('Certificate to back up').textContent()).toContain(ada.subject);
  });

  it('renews it against the sandbox CA: a new certificate with the same name, the imported one listed as previous', async () => {
    await page.getByTestId('step-request').click();
    await page.getByTestId('renew-panel').waitFor();
    const before = await call<{ credentialId: string; certificate: { serial: string } }>(page, 'requestStatus', {});
    const oldSerial = before.certificate.serial;
    const oldId = before.credentialId;
    await page.getByTestId('renew-start').click();
    await page.getByText('Your certificate is renewed').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('cert-subject').textContent()).toBe(ada.subject);
    const rows = page.getByTestId('previous-row');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain(oldSerial);
    expect(await rows.first().textContent()).toContain('imported');
    const after = await call<{ credentialId: string; certificate: { serial: string } }>(page, 'requestStatus', {});
    expect(after.certificate.serial).not.toBe(oldSerial);
    expect(after.credentialId).not.toBe(oldId);
    await checkState(page, 'request-renewed');

    // The new certificate is the sandbox CA's, the old credential is kept as it was.
    const j = journal(dataDir());
    expect(j.steps.request).toMatchObject({ status: 'done', summary: 'renewed: Ada Lovelace S246810' });
    const newCert = path.join(dataDir(), 'credentials', j.request!.credentialId, 'cert.pem');
    expect(sh('openssl', ['verify', '-CAfile', ada.caFile, newCert])).toContain(': OK');
    expect(sh('openssl', ['x509', '-in', newCert, '-noout', '-subject'])).toMatch(/CN ?= ?Ada Lovelace S246810/);
    expect(statSync(path.join(dataDir(), 'credentials', oldId, 'cert.pem')).isFile()).toBe(true);
    expect(sh('openssl', ['x509', '-in', newCert, '-noout', '-pubkey'])).not.toBe(sh('openssl', ['x509', '-in', path.join(dataDir(), 'credentials', oldId, 'cert.pem'), '-noout', '-pubkey']));
  });

  it('names the CA of a certificate it does not trust (with a way to Trust CAs), refuses an expired one, and warns before the end', async () => {
    const sandbox = new Sandbox({ dataDir: dataDir() });
    const soon = await sandboxUser(sandbox, path.join(root, 'soon'), 'Soon Over S000002', new Date(Date.now() - 350 * 86_400_000));
    const old = await sandboxUser(sandbox, path.join(root, 'old'), 'Old Timer S000001', new Date(Date.now() - 400 * 86_400_000));
    opensslP12(soon, path.join(home(), 'soon.p12'), P12_PASSWORD);
    opensslP12(old, path.join(home(), 'old.p12'), P12_PASSWORD);
    opensslP12(foreignUser(path.join(root, 'foreign')), path.join(home(), 'foreign.p12'), P12_PASSWORD);

    await page.getByRole('button', { name: 'Request another certificate' }).click();
    await page.getByTestId('mode-import').click();
    await page.getByTestId('import-panel').waitFor();
    const tryFile = async (file: string) => {
      await page.getByTestId('import-path').fill(file);
      await page.getByTestId('import-password').fill(P12_PASSWORD);
      await page.getByTestId('import-submit').click();
    };
    await tryFile('~/foreign.p12');
    await page.getByTestId('import-go-trust').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('import-error').textContent()).toContain('/DC=org/DC=example/CN=Foreign Grid CA');
    await checkState(page, 'request-import-untrusted');
    await tryFile('~/old.p12');
    await page.getByTestId('import-error').filter({ hasText: 'expired on' }).waitFor({ timeout: 30_000 });
    await tryFile('~/soon.p12');
    await page.getByTestId('renew-soon').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('renew-expiry').textContent()).toMatch(/\(1[45] days left\)/);
    await checkState(page, 'request-import-expiring');
    expect((await page.getByTestId('previous-row').count())).toBe(2);
  });
});
