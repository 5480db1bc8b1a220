import type { BrowserWindowConstructorOptions } from 'electron';
import { hasOrigin } from './ipc';

/** The only web preferences any window gets. Tests read this object. */
export function secureWebPreferences(preloadPath: string): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
  };
}

/** Navigation stays inside the app's own origin. */
export function isAllowedNavigation(url: string): boolean {
  return hasOrigin(url);
}

/**
 * Links the user may open in their browser (VO registration pages, documentation): https only,
 * no credentials in the URL. Everything else is refused.
 */
export function isAllowedExternal(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && !u.username && !u.password && u.hostname.length > 0;
  } catch {
    return false;
  }
}
