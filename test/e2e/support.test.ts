/**
 * "Get help" end to end, in browser mode with a temp HOME: a real error in a step (Request before
 * Trust: the sandbox CA is not trusted), the support dialog's preview (the error's code, the
 * redactions), the saved bundle (no secret in it), then a help-desk replay app started from that
 * bundle (`npm run web -- --replay`): its banner and the same step statuses in the stepper.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { keepForReadme } from '../helpers/journey';
import type { Browser, Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { launchChromium } from '../helpers/browser';
import { ROOT, startApp, type RunningApp } from '../helpers/web-app';
import type { AppInfo } from '../../shared/contract';

const shots = path.join(ROOT, 'test-results', 'screenshots');
const KEY_PASSPHRASE = 'Planted-Key-Passphrase-4471';
let root: string;
let home: string;
let app: RunningApp;
let replayApp: RunningApp | undefined;
let browser: Browser;
let savedPath = '';
let userProgress: AppInfo['progress'] = {};

function envFor(h: string): NodeJS.ProcessEnv {
  return {
    HOME: h,
    DBUS_SESSION_BUS_ADDRESS: 'disabled:',
    XDG_DATA_HOME: path.join(h, '.local', 'share'),
    X509_CERT_DIR: undefined,
    X509_USER_PROXY: path.join(h, 'no-proxy'),
  };
}

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'osg-e2e-support-'));
  home = path.join(root, 'home');
  mkdirSync(path.join(home, '.globus'), { recursive: true });
  mkdirSync(path.join(home, 'Downloads'));
  mkdirSync(shots, { recursive: true });
  // An old certificate of the user's in ~/.globus (with an e-mail in its subject), as many have.
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '10', '-keyout', path.join(home, '.globus', 'userkey.pem'),
    '-out', path.join(home, '.globus', 'usercert.pem'), '-subj', '/DC=org/DC=example/CN=Alice Smith/emailAddress=alice.smith@example.edu'], { stdio: 'pipe' });
  app = await startApp({ dataDir: path.join(root, 'data'), env: envFor(home) });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await replayApp?.stop();
  await app?.stop();
  rmSync(root, { recursive: true, force: true });
});

async function openPage(url: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('close', () => void context.close().catch(() => {}));
  await page.goto(url);
  return page;
}

async function axe(page: Page) {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => `${n.target.join(' ')} ${n.html.slice(0, 160)}`).join('; ')})`);
}

async function openPreview(page: Page): Promise<void> {
  await page.getByTestId('get-help').click();
  await page.getByTestId('support-sections').waitFor();
}

describe('Get help: the support bundle, and the help desk’s replay of it', () => {
  it('a real error in a step (Request before Trust) is listed in the preview, with the redactions', async () => {
    const page = await openPage(app.openUrl);
    await page.getByTestId('vo-list').waitFor();
    // Earlier steps through the API (quicker); the Request fails for real: the sandbox CA is not trusted yet.
    const failed = await page.evaluate(async (pass) => {
      const api = window.onboard!;
      await api.voChoose({ name: 'sandbox' });
      await api.protectChoose({ mode: 'ask' });
      const preview = await api.requestPreview({ name: 'Alice Smith', email: 'alice.smith@example.edu' });
      if (!preview.ok) return preview;
      return api.requestStart({ name: 'Alice Smith', email: 'alice.smith@example.edu', agree: true, policySha256: preview.value.policy.sha256, keyPassphrase: pass });
    }, KEY_PASSPHRASE);
    expect(failed).toMatchObject({ ok: false, error: { code: 'REQUEST_CA_NOT_TRUSTED' } });
    await page.reload();
    await openPreview(page);
    const codes = page.getByTestId('support-error-codes');
    await codes.getByText('REQUEST_CA_NOT_TRUSTED').waitFor();
    const redactions = page.getByTestId('support-redactions');
    expect(await redactions.locator('[data-rule="home-path"]').count()).toBe(1);
    expect(await redactions.locator('[data-rule="email"]').count()).toBe(1);
    expect(await page.getByTestId('support-section-credentials').textContent()).toContain('~/.globus/usercert.pem');
    await page.screenshot({ path: path.join(shots, 'support-dialog-light.png') });
    keepForReadme(path.join(shots, 'support-dialog-light.png'), 'support.png');
    await page.getByText(/Show the exact file/).click();
    const text = (await page.getByTestId('support-text').textContent()) ?? '';
    expect(text).toContain('"code": "REQUEST_CA_NOT_TRUSTED"');
    expect(text).not.toContain(home);
    expect(text).not.toContain('alice.smith@');
    expect(text).not.toContain(KEY_PASSPHRASE);
    expect(text).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: path.join(shots, 'support-preview-light.png'), fullPage: true });
    await page.close();
  });

  it('saves the bundle in ~/Downloads (0600) and shows its path; nothing secret is in the file', async () => {
    const page = await openPage(app.openUrl);
    await openPreview(page);
    expect(await page.getByTestId('support-folder').inputValue()).toBe(path.join(home, 'Downloads'));
    await page.getByTestId('support-save').click();
    savedPath = (await page.getByTestId('support-saved-path').textContent()) ?? '';
    expect(path.dirname(savedPath)).toBe(path.join(home, 'Downloads'));
    expect(statSync(savedPath).mode & 0o777).toBe(0o600);
    const text = readFileSync(savedPath, 'utf8');
    for (const secret of [home, 'alice.smith@', KEY_PASSPHRASE, readFileSync(path.join(home, '.globus', 'userkey.pem'), 'utf8').split('\n')[3]]) {
      expect(text).not.toContain(secret);
    }
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: path.join(shots, 'support-saved-light.png'), fullPage: true });
    userProgress = ((await page.evaluate(() => window.onboard!.appInfo({}))) as { value: AppInfo }).value.progress;
    expect(userProgress).toMatchObject({ chooseVo: { status: 'done' }, protect: { status: 'done' } });
    await page.close();
  });

  it('the dialog has no accessibility violations in the dark theme', async () => {
    const page = await openPage(app.openUrl);
    await page.getByRole('button', { name: 'Dark theme' }).click();
    await page.waitForFunction(() => getComputedStyle(document.body).backgroundColor !== 'rgb(255, 255, 255)');
    await openPreview(page);
    await page.waitForFunction(() => {
      const d = document.querySelector('[data-testid="support-dialog"] [role="dialog"]');
      return d !== null && getComputedStyle(d).color.startsWith('rgb(255, 255, 255)');
    });
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: path.join(shots, 'support-preview-dark.png'), fullPage: true });
    await page.close();
  });

  it('a replay app from that bundle shows the replay banner and the same step statuses in the stepper', async () => {
    const staffHome = path.join(root, 'staff-home');
    mkdirSync(staffHome);
    const replayDir = path.join(root, 'replay');
    replayApp = await startApp({
      dataDir: path.join(root, 'staff-data'),
      args: ['--web', '--replay', savedPath, '--data', replayDir],
      env: envFor(staffHome),
    });
    expect(replayApp.output()).toContain(`Replay of ${path.basename(savedPath)}`);
    expect(replayApp.output()).toContain(`Replay data folder: ${replayDir}`);
    const page = await openPage(replayApp.openUrl);
    const banner = page.getByTestId('replay-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toContain(`Replay of ${path.basename(savedPath)} — sandbox`);
    expect(await page.getByTestId('environment').textContent()).toContain('Sandbox');
    const replayProgress = ((await page.evaluate(() => window.onboard!.appInfo({}))) as { value: AppInfo }).value.progress;
    expect(replayProgress).toEqual(userProgress);
    for (const [id, p] of Object.entries(userProgress)) {
      const completed = await page.getByTestId(`step-${id}`).locator('.Mui-completed').count();
      expect(completed > 0, id).toBe(p?.status === 'done');
    }
    expect(await page.getByTestId('chosen-vo-caption').textContent()).toBe('sandbox');
    // The replay never wrote into the staff member's HOME or the user's data folder.
    expect(existsSync(path.join(staffHome, '.globus'))).toBe(false);
    expect(existsSync(path.join(replayDir, 'replay.json'))).toBe(true);
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: path.join(shots, 'support-replay-light.png'), fullPage: true });
    // A narrow window: "Get help" floats at the bottom right (icon alone, still named); nothing overflows; the banner still shows.
    await page.setViewportSize({ width: 600, height: 800 });
    expect(await page.getByRole('button', { name: 'Get help' }).isVisible()).toBe(true);
    const wide = await page.evaluate(() => [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 8).map((e) => `${e.tagName}.${String(e.className).slice(0, 60)} ${Math.round(e.getBoundingClientRect().right)}`));
    expect(wide).toEqual([]);
    expect(await banner.isVisible()).toBe(true);
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: path.join(shots, 'support-replay-narrow-light.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('button', { name: 'Dark theme' }).click();
    await page.waitForFunction(() => getComputedStyle(document.body).backgroundColor !== 'rgb(255, 255, 255)');
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: path.join(shots, 'support-replay-dark.png') });
    await page.close();
  });
});
