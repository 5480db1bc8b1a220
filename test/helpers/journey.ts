// What the E2E files share: a temp HOME and data folder removed at the end, the app started
// with an environment that cannot touch the runner's own ~/.globus, keychain or proxy, one
// browser context per page, axe, the light/dark scan with screenshots, and the sandbox VO.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { launchChromium } from './browser';
import { ROOT, startApp, type RunningApp } from './web-app';
import type { TestBus } from './keyring';

export { ROOT, launchChromium, startApp, type RunningApp };

/** Where E2E screenshots go (gitignored). */
export const SHOTS = path.join(ROOT, 'test-results', 'screenshots');
export const README_SHOTS = path.join(ROOT, 'build', 'screenshots');

/**
 * Copies one good light screenshot to build/screenshots/<name> for the README — only when
 * asked (`npm run screenshots`), so a test run never changes committed files.
 */
export function keepForReadme(shotFile: string, name: string): void {
  if (process.env.OSG_ONBOARD_README_SHOTS !== '1') return;
  copyFileSync(path.isAbsolute(shotFile) ? shotFile : path.join(SHOTS, shotFile), path.join(README_SHOTS, name));
}

export interface TempDirs {
  readonly root: string;
  /** The HOME the app sees (its ~/.globus, ~/.pki, ~/.glite). */
  readonly home: string;
  /** The app's data folder (OSG_ONBOARD_DATA). */
  readonly dataDir: string;
  cleanup(): void;
}

/** One temp folder holding `home/` and `data/`; also makes the screenshots folder. */
export function tempDirs(prefix: string): TempDirs {
  const root = mkdtempSync(path.join(os.tmpdir(), `osg-e2e-${prefix}-`));
  const home = path.join(root, 'home');
  const dataDir = path.join(root, 'data');
  mkdirSync(home, { recursive: true, mode: 0o700 });
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(SHOTS, { recursive: true });
  return { root, home, dataDir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * The app's environment: the given HOME, none of the runner's grid variables, the sandbox (not
 * OSG_ONBOARD_ENV), and either the test's own D-Bus session (a real keyring) or none at all.
 * `extra` comes last (e.g. X509_USER_PROXY); a key set to undefined is removed.
 */
export function appEnv(home: string, opts: { bus?: TestBus; extra?: NodeJS.ProcessEnv } = {}): NodeJS.ProcessEnv {
  const bus: NodeJS.ProcessEnv = opts.bus
    ? { DBUS_SESSION_BUS_ADDRESS: opts.bus.address, XDG_RUNTIME_DIR: opts.bus.env.XDG_RUNTIME_DIR }
    : { DBUS_SESSION_BUS_ADDRESS: 'disabled:', XDG_DATA_HOME: path.join(home, '.local', 'share') };
  return {
    HOME: home,
    X509_CERT_DIR: undefined,
    X509_USER_CERT: undefined,
    X509_USER_KEY: undefined,
    X509_USER_PROXY: undefined,
    OSG_ONBOARD_ENV: undefined,
    SSH_AUTH_SOCK: undefined,
    ...bus,
    ...opts.extra,
  };
}

/** Starts the app (browser mode) on `dataDir` with `appEnv(home, …)`. */
export function startE2eApp(dirs: { home: string; dataDir: string }, opts: { bus?: TestBus; extra?: NodeJS.ProcessEnv } = {}): Promise<RunningApp> {
  return startApp({ dataDir: dirs.dataDir, env: appEnv(dirs.home, opts) });
}

/** A page in its own browser context (axe needs it; sessionStorage is per tab); closing the page closes the context. */
export async function openPage(browser: Browser, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.on('close', () => void context.close().catch(() => {}));
  return page;
}

/** Axe's violations as one readable line each (an empty list is the pass). */
export async function axe(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => `${n.target.join(' ')} ${n.html.slice(0, 160)} ${n.failureSummary ?? ''}`).join('; ')})`);
}

export const BODY_COLOUR = { light: 'rgb(245, 247, 250)', dark: 'rgb(15, 20, 25)' } as const;

/** The theme is in (the body's colour) and no CSS transition is running: the colours are final. Spinners' endless animations are ignored. */
export async function themeSettled(page: Page, mode: 'light' | 'dark'): Promise<void> {
  await page.waitForFunction(
    (want) =>
      getComputedStyle(document.body).backgroundColor === want &&
      document.getAnimations().every((a) => a.constructor.name !== 'CSSTransition' || a.playState !== 'running'),
    BODY_COLOUR[mode],
  );
}

/** Clicks the app bar's theme toggle (dispatched: a modal dialog hides the app bar from the accessibility tree and covers it). */
export async function setTheme(page: Page, mode: 'light' | 'dark'): Promise<void> {
  await page.locator(`button[aria-label="${mode === 'light' ? 'Light' : 'Dark'} theme"]`).dispatchEvent('click');
  await themeSettled(page, mode);
}

/**
 * Axe (zero violations) and a full-page screenshot `<name>-light.png` / `<name>-dark.png` of the
 * page as it is, in light then dark theme; back to light at the end.
 */
export async function scanBothThemes(page: Page, name: string): Promise<void> {
  await themeSettled(page, 'light');
  const expectNone = async (mode: string) => {
    const v = await axe(page);
    if (v.length > 0) throw new Error(`axe: ${name} (${mode}) has ${v.length} violation(s):\n${v.join('\n')}`);
  };
  await expectNone('light');
  await page.screenshot({ path: path.join(SHOTS, `${name}-light.png`), fullPage: true });
  await setTheme(page, 'dark');
  await expectNone('dark');
  await page.screenshot({ path: path.join(SHOTS, `${name}-dark.png`), fullPage: true });
  await setTheme(page, 'light');
}

/** A contract procedure called from the page, for setup or to read state; throws with the error's code and message. */
export async function callOnboard<T>(page: Page, name: string, input: unknown = {}): Promise<T> {
  const env = (await page.evaluate(
    async ([n, i]) => (window.onboard as unknown as Record<string, (x: unknown) => Promise<unknown>>)[n](i),
    [name, input] as const,
  )) as { ok: boolean; value?: T; error?: { code?: string; message?: string } };
  if (!env.ok) throw new Error(`${name} failed: ${env.error?.code ?? ''} ${env.error?.message ?? JSON.stringify(env.error)}`);
  return env.value as T;
}

/** Chooses the sandbox VO: through the Choose VO screen (`ui`, ends on Protect) or through the contract (`api`, for tests of later steps). */
export async function chooseSandboxVo(page: Page, via: 'ui' | 'api'): Promise<void> {
  if (via === 'api') {
    await callOnboard(page, 'voChoose', { name: 'sandbox' });
    return;
  }
  if ((await page.getByTestId('screen-chooseVo').count()) === 0) await page.getByTestId('step-chooseVo').click();
  await page.getByRole('button', { name: /OSG Onboard Sandbox/ }).first().click();
  await page.getByTestId('vo-details').getByText('OSG Onboard Sandbox').waitFor();
  await page.getByRole('button', { name: /^(Choose|Keep) this VO and continue$/ }).click();
  await page.getByTestId('screen-protect').getByRole('heading', { name: 'Protect your private key' }).waitFor();
}

/** One started browser and app with their temp folders, stopped and removed by `stop()`. */
export interface E2eSession {
  readonly dirs: TempDirs;
  readonly browser: Browser;
  app: RunningApp;
  /** Stops the app and starts it again on the same folders and environment. */
  restart(): Promise<RunningApp>;
  stop(): Promise<void>;
}

/**
 * Temp folders, the app and Chromium. `before` prepares the folders (e.g. an NSS db in HOME)
 * before the app starts; `extra` may be made from the folders (e.g. X509_USER_PROXY inside them).
 */
export async function startSession(
  prefix: string,
  opts: { bus?: TestBus; extra?: NodeJS.ProcessEnv | ((dirs: TempDirs) => NodeJS.ProcessEnv); before?: (dirs: TempDirs) => void | Promise<void> } = {},
): Promise<E2eSession> {
  const dirs = tempDirs(prefix);
  const env = { bus: opts.bus, extra: typeof opts.extra === 'function' ? opts.extra(dirs) : opts.extra };
  let app: RunningApp | undefined;
  let browser: Browser | undefined;
  try {
    await opts.before?.(dirs);
    app = await startE2eApp(dirs, env);
    browser = await launchChromium();
  } catch (e) {
    await browser?.close();
    await app?.stop();
    dirs.cleanup();
    throw e;
  }
  const session: E2eSession = {
    dirs,
    browser,
    app,
    async restart() {
      await session.app.stop();
      session.app = await startE2eApp(dirs, env);
      return session.app;
    },
    async stop() {
      await browser!.close().catch(() => {});
      await session.app.stop();
      dirs.cleanup();
    },
  };
  return session;
}

/**
 * The sponsor, in a browser of their own, approves request `requestId` on the sandbox sponsor
 * page (its TLS certificate is the sandbox CA's, which that browser does not trust).
 */
export async function approveOnSponsorPage(browser: Browser, sponsorUrl: string, requestId: string): Promise<void> {
  const sponsor = await openPage(browser, { ignoreHTTPSErrors: true });
  try {
    await sponsor.goto(sponsorUrl);
    await sponsor.getByRole('button', { name: `Approve ${requestId}` }).click();
    await sponsor.getByText(`Request ${requestId} approved`).waitFor();
  } finally {
    await sponsor.close();
  }
}
