// Electron main: thin glue. Windows, the app:// protocol, IPC made from the contract, and
// the security rules. All logic lives in electron/services (plain Node).
import { app, BrowserWindow, dialog, ipcMain, protocol, shell, session, webContents } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServices, createDispatcher } from '../services';
import { APP_ORIGIN, SenderTrust, broadcast, registerIpc } from './ipc';
import { isAllowedExternal, isAllowedNavigation } from './security';
import { serveAppFile } from './protocol';
import { isRegistrationContents, openRegistrationWindow, selectClientCertificate } from './registration-window';

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererDir = path.join(here, '..', 'renderer');
const preloadPath = path.join(here, '..', 'preload', 'index.cjs');

protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

const trust = new SenderTrust(APP_ORIGIN);
const trustedWindows = new Set<number>();

// Every webContents, whatever made it: no navigation away, no new windows, no webviews.
// The VO registration window applies its own rules (registration-window.ts).
app.on('web-contents-created', (_e, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (!isRegistrationContents(contents.id) && !isAllowedNavigation(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isRegistrationContents(contents.id) && !isAllowedNavigation(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternal(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
});

// Client certificates: the registration window presents the user's own, every other page none.
app.on('select-client-certificate', selectClientCertificate);

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1180,
    height: 820,
    minWidth: 760,
    minHeight: 560,
    title: 'OSG Onboard',
    show: false,
    // Written out here (not built by a helper) so static checkers (electronegativity) see them.
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      // Middle-click would open links in a new window.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  const id = win.webContents.id;
  trust.add(id);
  trustedWindows.add(id);
  win.on('closed', () => {
    trust.remove(id);
    trustedWindows.delete(id);
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

void app.whenReady().then(() => {
  // Deny every permission request (camera, notifications, …): the wizard needs none.
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, callback) => callback(false));
  protocol.handle('app', (request) => serveAppFile(rendererDir, request.url));

  const services = createServices({
    shell: 'electron',
    dataDir: process.env.OSG_ONBOARD_DATA ?? path.join(app.getPath('userData'), 'data'),
    emit: (event, payload) => broadcast([...trustedWindows].map((id) => webContents.fromId(id)).filter((w) => w !== undefined), event, payload),
    // The Back up step's "Choose folder…" (browser mode has none and says so).
    pickFolder: async (startIn) => {
      const r = await dialog.showOpenDialog({ defaultPath: startIn, properties: ['openDirectory', 'createDirectory'] });
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    // The Register step's window for VOs that register on their own web page.
    openRegistrationWindow,
  });
  app.on('before-quit', () => void services.dispose());
  registerIpc(ipcMain, createDispatcher(services.handlers, (e) => console.error('[services]', e)), trust, (l) => console.error(l));
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
