import { REGISTRATION_PARTITION } from '../services/web-registration/window-policy';

/**
 * The VO registration window's options (no 'electron' import, so tests read them). webPreferences
 * are written out literally so static checkers (electronegativity) see every value: no preload —
 * the VO's page gets no bridge to the app — sandboxed, isolated, no Node, and its own in-memory
 * session partition (no cookies shared with the app window, nothing kept after quit).
 */
export function registrationWindowOptions(title: string) {
  return {
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
  } as const;
}
