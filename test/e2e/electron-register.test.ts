import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import os from 'node:os';
import path from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright';
import { findElectronBinary } from '../../build/bin/electron-path.mjs';
import { ROOT } from '../helpers/web-app';
import { foreignCredential } from '../helpers/register-setup';
import { TestPki, type TestCert } from '../helpers/registration-pki';
import { Journal } from '../../electron/services/journal/journal';
import { VoService } from '../../electron/services/vo/vo-service';

// The Register step's window for VOMRS / web-registered VOs, in the real Electron app: the user's
// certificate goes into ~/.pki/nssdb (a temp HOME), the VO's page (a local HTTPS server that asks
// for a client certificate) is opened in the registration window, and the server sees exactly the
// user's certificate — not the other one in the store. It needs Electron's binary, which its
// installer downloads from GitHub: where that is impossible, skipped with the reason.
const electron = findElectronBinary();
if (!electron.path) console.log(`[e2e] Electron registration-window tests skipped: ${electron.reason}.`);

const PASS = 'correct horse battery';

function certutil(args: string[]): string {
  try {
    return execFileSync('certutil', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    return String((e as { stdout?: string }).stdout ?? '') + String((e as { stderr?: string }).stderr ?? '');
  }
}

describe.skipIf(!electron.path)('Electron window: Register on a VO’s web page (VOMRS)', () => {
  const pki = new TestPki();
  let app: ElectronApplication;
  let page: Page;
  let server: https.Server;
  let dataDir: string;
  let home: string;
  let db: string;
  let jane: TestCert;
  let origin: string;
  const seen: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'osg-electron-reg-'));
    home = mkdtempSync(path.join(os.tmpdir(), 'osg-electron-reg-home-'));
    const ca = await pki.ca('/DC=org/DC=example/CN=Test Grid CA');
    const serverCert = await pki.issue(ca, '/DC=org/DC=example/CN=127.0.0.1', 'server');
    jane = await pki.issue(ca, '/DC=org/DC=example/CN=Jane Doe', 'client');
    const john = await pki.issue(ca, '/DC=org/DC=example/CN=John Roe', 'client');

    // The VO's registration page: asks for a client certificate and shows which one it got.
    server = https.createServer({ key: serverCert.keyPem, cert: serverCert.certPem, ca: [ca.certPem], requestCert: true, rejectUnauthorized: false }, (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      const fp = peer && 'fingerprint256' in peer && peer.fingerprint256 ? peer.fingerprint256 : 'none';
      seen.push(fp);
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><title>Registration (Phase I)</title><h1>Registration (Phase I)</h1><p id="presented">${fp}</p>`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

    // The browser store as the Trust step leaves it (the CA trusted for web sites), with another
    // person's certificate and key already in it: the window must not present that one.
    const dir = path.join(home, '.pki', 'nssdb');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    db = `sql:${dir}`;
    execFileSync('certutil', ['-N', '--empty-password', '-d', db]);
    writeFileSync(path.join(home, 'ca.pem'), ca.certPem);
    execFileSync('certutil', ['-A', '-d', db, '-n', 'Test Grid CA', '-t', 'C,,', '-i', path.join(home, 'ca.pem')]);
    writeFileSync(path.join(home, 'k.pem'), john.keyPem);
    writeFileSync(path.join(home, 'c.pem'), john.certPem);
    execFileSync('openssl', ['pkcs12', '-export', '-inkey', path.join(home, 'k.pem'), '-in', path.join(home, 'c.pem'), '-name', 'John Roe', '-passout', 'pass:x', '-out', path.join(home, 'j.p12')]);
    execFileSync('pk12util', ['-i', path.join(home, 'j.p12'), '-d', db, '-W', 'x', '-K', ''], { stdio: 'ignore' });
    for (const f of ['k.pem', 'c.pem', 'j.p12']) rmSync(path.join(home, f));

    // Earlier steps, in-process: a VOMRS VO registering at the local page; Jane's certificate (typed passphrase).
    const journal = new Journal(dataDir);
    const vo = new VoService({ environment: 'sandbox', journal, now: () => new Date() });
    await vo.addCustom({ name: 'vo.example.org', displayName: 'Example VOMRS VO', registrationKind: 'vomrs', registrationUrl: `${origin}/vomrs/vo.example.org/vomrs?path=/RootNode/MemberAction/Registration` });
    await vo.choose('vo.example.org');
    await foreignCredential(dataDir, jane, PASS);

    app = await _electron.launch({
      executablePath: electron.path!,
      args: [ROOT, '--no-sandbox'],
      env: { ...process.env, HOME: home, OSG_ONBOARD_DATA: dataDir, X509_CERT_DIR: '' },
    });
    page = await app.firstWindow();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    pki.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  it('says what it will do, and shows the fingerprint of the certificate it will present', async () => {
    await page.getByTestId('step-register').click();
    await page.getByTestId('register-web-window').waitFor();
    expect(await page.getByTestId('register-handoff').getAttribute('data-shell')).toBe('electron');
    expect(await page.getByTestId('web-window-fingerprint').textContent()).toBe(new X509Certificate(jane.certPem).fingerprint256);
    expect(await page.getByTestId('register-web-window').textContent()).toContain('~/.pki/nssdb');
  });

  it('imports the certificate, opens the page in a locked-down window, and the server gets exactly Jane’s certificate', async () => {
    await page.getByTestId('web-window-open').click();
    // Protect “ask each time”: the key passphrase is asked for first.
    await page.getByTestId('web-window-passphrase').fill(PASS);
    const opened = app.waitForEvent('window');
    await page.getByTestId('web-window-open').click();
    const reg = await opened;
    await reg.locator('#presented').waitFor();
    expect(await reg.locator('#presented').textContent()).toBe(new X509Certificate(jane.certPem).fingerprint256);
    expect(seen.filter((s) => s !== new X509Certificate(jane.certPem).fingerprint256)).toEqual([]);

    // Its page has no bridge to the app and no Node; its settings are the literal ones.
    expect(await reg.evaluate(() => ({ onboard: typeof (window as unknown as { onboard?: unknown }).onboard, require: typeof (window as unknown as { require?: unknown }).require, process: typeof (window as unknown as { process?: unknown }).process })))
      .toEqual({ onboard: 'undefined', require: 'undefined', process: 'undefined' });
    const windows = await app.evaluate(({ BrowserWindow, session }) =>
      BrowserWindow.getAllWindows().map((w) => ({
        url: w.webContents.getURL(),
        prefs: (w.webContents as unknown as { getLastWebPreferences(): Record<string, unknown> | null }).getLastWebPreferences() ?? {},
        ownSession: w.webContents.session === session.fromPartition('osg-vo-registration'),
        defaultSession: w.webContents.session === session.defaultSession,
      })));
    const regWindow = windows.find((w) => w.url.startsWith(origin))!;
    expect(regWindow.prefs).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false });
    expect(regWindow.prefs.preload ?? '').toBe('');
    expect({ own: regWindow.ownSession, shared: regWindow.defaultSession }).toEqual({ own: true, shared: false });

    // Away from the VO's origin: refused (http, file:), the window stays on the page.
    await reg.evaluate(() => { window.location.href = 'http://127.0.0.1:9/'; });
    await reg.evaluate(() => { window.location.href = 'file:///etc/passwd'; });
    await reg.waitForTimeout(300);
    expect(reg.url().startsWith(origin)).toBe(true);

    // The store holds Jane's certificate and key under the app's nickname, beside John's.
    expect(certutil(['-L', '-d', db])).toMatch(/^Jane Doe \(OSG Onboard\)\s+u,u,u$/m);
    expect(certutil(['-K', '-d', db])).toMatch(/Jane Doe \(OSG Onboard\)/);

    // The user closes the window (as its close button does).
    await app.evaluate(({ BrowserWindow }, o) => BrowserWindow.getAllWindows().find((w) => w.webContents.getURL().startsWith(o))?.close(), origin);
    await page.getByTestId('web-window-last').waitFor();
    expect(await page.getByTestId('web-window-last').textContent()).toContain('presented it');
    expect(await page.getByTestId('web-window-nickname').textContent()).toBe('Jane Doe (OSG Onboard)');
  });

  it('removes what it imported, and only that', async () => {
    await page.getByTestId('web-window-remove').click();
    await page.getByText('Removed from the browser certificate store').waitFor();
    expect(certutil(['-L', '-d', db])).not.toContain('Jane Doe');
    expect(certutil(['-K', '-d', db])).not.toContain('Jane Doe');
    expect(certutil(['-L', '-d', db])).toContain('John Roe');
    expect(certutil(['-L', '-d', db])).toContain('Test Grid CA');
  });
});
