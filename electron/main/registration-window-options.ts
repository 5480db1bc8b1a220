import type { BrowserWindowConstructorOptions } from 'electron';
import { REGISTRATION_PARTITION } from '../services/web-registration/window-policy';

/**
 * Makes the VO registration window. The constructor is handed in (Electron's BrowserWindow in the
 * app, a recorder in tests), so this file loads without Electron and tests see the exact options.
 * webPreferences are written out literally in the `new BrowserWindow(…)` so static checkers
 * (electronegativity) see every value: no preload — the VO's page gets no bridge to the app —
 * sandboxed, isolated, no Node, and its own in-memory session partition (no cookies shared with
 * the app window, nothing kept after quit).
 */
export function createRegistrationWindow<W>(BrowserWindow: new (options: BrowserWindowConstructorOptions) => W, title: string): W {
  return new BrowserWindow({
    width: 1024,
    height: 780,
    minWidth: 640,
    minHeight: 480,
    title,
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
      partition: REGISTRATION_PARTITION,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      // Middle-click would open links in a new window.
      disableBlinkFeatures: 'Auxclick',
    },
  });
}
