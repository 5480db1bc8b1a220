import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { _electron, type ElectronApplication, type Page } from 'playwright';
import { findElectronBinary } from '../../build/bin/electron-path.mjs';
import { ROOT } from '../helpers/web-app';
import { appEnv, tempDirs, type TempDirs } from '../helpers/journey';
import { API_KEYS } from '../../shared/contract';

// The same flow as the browser-mode E2E, in the real Electron window. It needs Electron's
// binary, which its installer downloads from GitHub: where that is impossible, skipped with the reason.
const electron = findElectronBinary();
if (!electron.path) console.log(`[e2e] Electron window tests skipped: ${electron.reason}.`);

describe.skipIf(!electron.path)('Electron window: Choose VO', () => {
  let app: ElectronApplication;
  let page: Page;
  let dirs: TempDirs;

  beforeAll(async () => {
    // A temp HOME and data folder: the window never touches the runner's ~/.globus or keychain.
    dirs = tempDirs('electron');
    const env = { ...process.env, ...appEnv(dirs.home), OSG_ONBOARD_DATA: dirs.dataDir };
    app = await _electron.launch({
      executablePath: electron.path!,
      args: [ROOT, '--no-sandbox'],
      env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)),
    });
    page = await app.firstWindow();
  });
  afterAll(async () => {
    await app?.close();
    dirs?.cleanup();
  });

  it('runs isolated: exactly the contract on window.onboard, no Node', async () => {
    await page.getByTestId('vo-list').waitFor();
    const probe = await page.evaluate(() => ({
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
      keys: Object.keys(window.onboard ?? {}).sort(),
      origin: window.location.origin,
    }));
    expect(probe).toEqual({ require: 'undefined', process: 'undefined', keys: [...API_KEYS].sort(), origin: 'app://bundle' });
  });

  it('picks the sandbox VO and keeps it after a reload', async () => {
    await page.getByTestId('vo-search').fill('sandbox');
    await page.getByTestId('vo-sandbox').click();
    await page.getByTestId('choose-vo').click();
    await page.getByTestId('screen-protect').getByRole('heading', { name: 'Protect your private key' }).waitFor();
    await page.reload();
    await page.getByTestId('chosen-vo-caption').waitFor();
    expect(await page.getByTestId('chosen-vo-caption').textContent()).toBe('sandbox');
  });

  it('refuses to open a new window or navigate away', async () => {
    const before = app.windows().length;
    await page.evaluate(() => window.open('https://example.org/'));
    await page.evaluate(() => {
      window.location.href = 'https://example.org/';
    });
    await page.waitForTimeout(300);
    expect(app.windows().length).toBe(before);
    expect(page.url().startsWith('app://bundle/')).toBe(true);
  });
});
