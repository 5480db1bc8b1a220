// The VO registration window (Register step, `web` VOs): thin Electron glue over the rules in
// electron/services/web-registration (which origin it shows, which certificate it presents).
import { BrowserWindow, dialog, session, shell, type Certificate, type Event, type WebContents } from 'electron';
import { OnboardError, toWireError, type WireError } from '../../shared/errors';
import { certificateRequestAllowed, chooseClientCertificate, navigationDecision, permissionVerdict, REGISTRATION_PARTITION } from '../services/web-registration';
import type { RegistrationWindowOutcome, RegistrationWindowRequest } from '../services/web-registration';
import { createRegistrationWindow } from './registration-window-options';

interface OpenWindow {
  readonly win: BrowserWindow;
  readonly request: RegistrationWindowRequest;
  readonly done: Promise<RegistrationWindowOutcome>;
  presented: boolean;
  problem?: WireError;
  readonly openedInBrowser: string[];
  readonly refused: string[];
}

/** The open registration window, by its webContents id (one at a time). */
const open = new Map<number, OpenWindow>();

/** True for the registration window's webContents: the app-wide rules leave it to its own. */
export function isRegistrationContents(id: number): boolean {
  return open.has(id);
}

/**
 * `app` 'select-client-certificate', for every webContents: the registration window presents the
 * user's certificate (matched by SHA-256) to the registration server only, or none; any other page
 * or server gets none (Electron's default would send the store's first certificate).
 */
export function selectClientCertificate(event: Event, contents: WebContents | null, url: string, list: Certificate[], callback: (c?: Certificate) => void): void {
  event.preventDefault();
  const w = contents ? open.get(contents.id) : undefined;
  if (!w) return callback();
  // `url` is the asking server's host:port: only the registration server gets the certificate.
  if (!certificateRequestAllowed(url, w.request.origin)) {
    w.refused.push(`certificate request from ${url}`);
    return callback();
  }
  try {
    callback(chooseClientCertificate(list, w.request.certificateSha256, url));
    w.presented = true;
  } catch (e) {
    callback();
    const err = toWireError(e);
    w.problem = err;
    void dialog.showMessageBox(w.win, { type: 'error', title: 'Your certificate was not offered', message: err.message, detail: err.hint });
  }
}

function guard(w: OpenWindow, event: { preventDefault(): void }, url: string): void {
  const decision = navigationDecision(url, w.request.origin);
  if (decision === 'allow') return;
  event.preventDefault();
  if (decision === 'external') {
    w.openedInBrowser.push(url);
    void shell.openExternal(url);
  } else w.refused.push(url);
}

/** Opens the VO's registration page; resolves when the user closes the window. */
export function openRegistrationWindow(request: RegistrationWindowRequest): Promise<RegistrationWindowOutcome> {
  for (const w of open.values()) {
    w.win.focus();
    return w.done;
  }
  const ses = session.fromPartition(REGISTRATION_PARTITION);
  ses.setPermissionRequestHandler((_wc, _permission, cb) => cb(permissionVerdict()));
  ses.setPermissionCheckHandler(() => permissionVerdict());
  ses.removeAllListeners('will-download');
  ses.on('will-download', (event) => event.preventDefault());

  const openedAt = new Date().toISOString();
  const win = createRegistrationWindow(BrowserWindow, request.title);
  const id = win.webContents.id;
  let resolve!: (o: RegistrationWindowOutcome) => void;
  const w: OpenWindow = { win, request, done: new Promise((r) => (resolve = r)), presented: false, openedInBrowser: [], refused: [] };
  open.set(id, w);

  win.webContents.on('will-navigate', (event, url) => guard(w, event, url));
  win.webContents.on('will-redirect', (event, url) => guard(w, event, url));
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    // Pop-ups never open inside the app; other https sites go to the user's browser.
    guard(w, { preventDefault: () => {} }, url);
    if (navigationDecision(url, request.origin) === 'allow') void win.loadURL(url);
    return { action: 'deny' };
  });
  win.once('ready-to-show', () => win.show());
  // A page that cannot load (TLS refused, server down) shows Chromium's error page: show that too.
  win.webContents.once('did-fail-load', () => {
    if (!win.isDestroyed() && !win.isVisible()) win.show();
  });
  win.on('closed', () => {
    open.delete(id);
    resolve({ openedAt, closedAt: new Date().toISOString(), certificatePresented: w.presented, problem: w.problem, openedInBrowser: w.openedInBrowser, refused: w.refused });
  });
  win.webContents.on('did-fail-load', (_e, code, description, url, isMainFrame) => {
    // -3 is ERR_ABORTED (a navigation we stopped); the rest say the page could not be shown.
    if (isMainFrame && code !== -3) w.problem ??= new OnboardError('REGISTRATION_UNREACHABLE', { url, detail: `${description} (${code})` }).toWire();
  });
  void win.loadURL(request.url).catch(() => {});
  return w.done;
}
