import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { registrationWindowOptions } from '../../../electron/main/registration-window-options';
import { REGISTRATION_PARTITION } from '../../../electron/services/web-registration';
import { ROOT } from '../../helpers/web-app';

describe('the VO registration window’s webPreferences', () => {
  const o = registrationWindowOptions('CDF — registration');

  it('are exactly: no preload, sandboxed, isolated, no Node, its own partition', () => {
    expect(o.webPreferences).toEqual({
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
    expect('preload' in o.webPreferences).toBe(false);
    expect(o.title).toBe('CDF — registration');
  });

  it('the glue passes these options to BrowserWindow and handles certificates in the app-wide event', () => {
    // The glue imports 'electron' (not loadable here): read it to check it uses the tested options.
    const glue = readFileSync(path.join(ROOT, 'electron', 'main', 'registration-window.ts'), 'utf8');
    expect(glue).toMatch(/new BrowserWindow\(registrationWindowOptions\(request\.title\)\)/);
    expect(glue).not.toMatch(/preload/);
    const main = readFileSync(path.join(ROOT, 'electron', 'main', 'index.ts'), 'utf8');
    expect(main).toMatch(/app\.on\('select-client-certificate', selectClientCertificate\)/);
    expect(main).toMatch(/openRegistrationWindow,/);
  });
});
