import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { SHOTS as shots, axe, openPage as openPageIn, startSession, type E2eSession } from '../helpers/journey';
import { API_KEYS } from '../../shared/contract';
import { findElectronBinary } from '../../build/bin/electron-path.mjs';

// A temp HOME and no session bus: nothing here may touch the runner's own keychain or ~/.globus.
let s: E2eSession;
let app: E2eSession['app'];

beforeAll(async () => {
  s = await startSession('choose-vo');
  app = s.app;
});

afterAll(async () => {
  await s?.stop();
});

/** One browser context per page (axe needs it; sessionStorage is per tab anyway). */
const openPage = (): Promise<Page> => openPageIn(s.browser);

describe('npm start (browser mode) and the Choose VO step', () => {
  it('says in one line that Electron is missing and serves the wizard instead', () => {
    if (findElectronBinary().path === null) {
      expect(app.output()).toMatch(/Electron's binary is not installed on this machine.*starting browser mode instead\./);
    }
    expect(app.output()).toContain('open this address in your browser');
  });

  it('exposes exactly the contract, and nothing of Node or Electron; the strict CSP blocks nothing of ours', async () => {
    const page = await openPage();
    const cspComplaints: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) cspComplaints.push(m.text());
    });
    const response = await page.goto(app.openUrl);
    const csp = response!.headers()['content-security-policy'];
    expect(csp).toMatch(/style-src 'self' 'nonce-[A-Za-z0-9+/=]{24}'/);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    await page.getByTestId('vo-list').waitFor();
    const probe = await page.evaluate(() => ({
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
      ipcRenderer: typeof (window as unknown as { ipcRenderer?: unknown }).ipcRenderer,
      electron: typeof (window as unknown as { electron?: unknown }).electron,
      keys: Object.keys(window.onboard ?? {}).sort(),
      hashKeptToken: window.location.hash.includes('token'),
    }));
    expect(probe).toEqual({
      require: 'undefined',
      process: 'undefined',
      ipcRenderer: 'undefined',
      electron: 'undefined',
      keys: [...API_KEYS].sort(),
      hashKeptToken: false,
    });
    // MUI's styles are really applied (the nonce works): the app bar is coloured.
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('header')!).backgroundColor)).not.toBe('rgba(0, 0, 0, 0)');
    expect(cspComplaints).toEqual([]);
    await page.close();
  });

  it('searches, picks the sandbox VO, and finds the choice kept after a reload', async () => {
    const page = await openPage();
    await page.goto(app.openUrl);
    await page.getByTestId('vo-search').fill('practice sandbox');
    await expect.poll(() => page.getByTestId('vo-list').locator('[data-testid^="vo-"]').count(), { timeout: 15_000 }).toBe(1);
    await page.getByTestId('vo-sandbox').click();
    await page.getByTestId('vo-details').getByText('OSG Onboard Sandbox').waitFor();
    await page.screenshot({ path: path.join(shots, 'choose-vo-light.png'), fullPage: true });
    // Reduced motion asked (as every test page does): MUI's transitions are off, so nothing is
    // scanned or photographed half-way through one.
    expect(await page.evaluate(() => matchMedia('(prefers-reduced-motion: reduce)').matches)).toBe(true);
    expect(await page.getByTestId('choose-vo').evaluate((b) => getComputedStyle(b).transitionProperty)).toBe('none');
    await page.getByTestId('choose-vo').click();
    // The next step is Protect.
    await page.getByTestId('screen-protect').getByRole('heading', { name: 'Protect your private key' }).waitFor();
    // Keyboard focus moved with the step: on its title, not lost to <body>.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('step-title');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Protect your private key');
    await page.reload();
    await page.getByTestId('chosen-vo-caption').waitFor();
    expect(await page.getByTestId('chosen-vo-caption').textContent()).toBe('sandbox');
    await page.getByTestId('step-chooseVo').click();
    expect(await page.getByTestId('current-vo').textContent()).toContain('(sandbox)');
    await page.close();
  });

  it('a search with no match says what to do', async () => {
    const page = await openPage();
    await page.goto(app.openUrl);
    await page.getByTestId('step-chooseVo').click();
    await page.getByTestId('vo-search').fill('zzzz-no-such-vo');
    expect(await page.getByTestId('vo-empty').textContent()).toContain('Custom VO');
    await page.close();
  });

  it('a custom VO with a bad port and DN is refused naming the fields, then a good one is added', async () => {
    const page = await openPage();
    await page.goto(app.openUrl);
    await page.getByTestId('step-chooseVo').click();
    await page.getByRole('button', { name: 'Custom VO' }).click();
    await page.getByTestId('custom-name').fill('myvo');
    await page.getByTestId('custom-registrationUrl').fill('https://voms.example.org:8443/voms/myvo');
    await page.getByTestId('custom-vomsHost').fill('voms.example.org');
    await page.getByTestId('custom-vomsPort').fill('99999');
    await page.getByTestId('custom-vomsDn').fill('not a dn');
    await page.getByTestId('custom-submit').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('VOMS server port must be between 1 and 65535').waitFor();
    await dialog.getByText('VOMS server DN must be a distinguished name').waitFor();
    expect(await axe(page)).toEqual([]);
    await page.getByTestId('custom-vomsPort').fill('15001');
    await page.getByTestId('custom-vomsDn').fill('/DC=org/DC=example/CN=voms.example.org');
    await page.getByTestId('custom-submit').click();
    await page.getByTestId('vo-myvo').waitFor();
    expect(await page.getByTestId('vo-details').textContent()).toContain('voms.example.org:15001');
    await page.close();
  });

  it('the Choose VO step has no accessibility violations, in light and dark themes', async () => {
    const page = await openPage();
    await page.goto(app.openUrl);
    await page.getByTestId('step-chooseVo').click();
    await page.getByTestId('vo-sandbox').click();
    expect(await axe(page)).toEqual([]);
    await page.getByRole('button', { name: 'Dark theme' }).click();
    // Let MUI's colour transitions finish (the dark primary is #8ab8f0) before scanning.
    await page.waitForFunction(() => {
      const b = document.querySelector('[data-testid="choose-vo"]');
      return b !== null && getComputedStyle(b).backgroundColor === 'rgb(138, 184, 240)' && getComputedStyle(b).color === 'rgba(0, 0, 0, 0.87)';
    });
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: path.join(shots, 'choose-vo-dark.png'), fullPage: true });
    await page.close();
  });

  it('a page opened without the token is told to use the printed address, and its calls are refused', async () => {
    const page = await openPage();
    await page.goto(app.url);
    await page.getByText('This page needs the address OSG Onboard printed').waitFor();
    const status = await page.evaluate(async () => (await fetch('/api/voList', { method: 'POST', body: '{}' })).status);
    expect(status).toBe(401);
    await page.close();
  });
});
