import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { BrowserWindowConstructorOptions } from 'electron';
import { createRegistrationWindow } from '../../../electron/main/registration-window-options';
import { REGISTRATION_PARTITION } from '../../../electron/services/web-registration';
import { ROOT } from '../../helpers/web-app';

/** Stands in for Electron's BrowserWindow: records what it was made with. */
class RecordingWindow {
  static made: BrowserWindowConstructorOptions[] = [];
  constructor(readonly options: BrowserWindowConstructorOptions) {
    RecordingWindow.made.push(options);
  }
}

describe('the VO registration window', () => {
  it('is made with exactly these webPreferences: no preload, sandboxed, isolated, no Node, its own partition', () => {
    const w = createRegistrationWindow(RecordingWindow, 'CDF — registration');
    expect(RecordingWindow.made).toEqual([w.options]);
    expect(w.options.title).toBe('CDF — registration');
    expect(w.options.show).toBe(false);
    expect(w.options.webPreferences).toEqual({
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
      disableBlinkFeatures: 'Auxclick',
    });
    expect(w.options.webPreferences).not.toHaveProperty('preload');
    expect(w.options.webPreferences).not.toHaveProperty('session');
  });

  it('the glue makes its window only this way and handles certificates in the app-wide event', () => {
    // The glue imports 'electron' (not loadable here): read it to check how it is wired.
    const glue = readFileSync(path.join(ROOT, 'electron', 'main', 'registration-window.ts'), 'utf8');
    expect(glue.match(/new BrowserWindow/g)).toBeNull();
    expect(glue).toMatch(/createRegistrationWindow\(BrowserWindow, request\.title\)/);
    expect(glue).not.toMatch(/preload|setCertificateVerifyProc/);
    const main = readFileSync(path.join(ROOT, 'electron', 'main', 'index.ts'), 'utf8');
    expect(main).toMatch(/app\.on\('select-client-certificate', selectClientCertificate\)/);
    expect(main).toMatch(/openRegistrationWindow,/);
  });
});
