import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import os from 'node:os';
import path from 'node:path';
import { importIntoBrowserStore, removeFromBrowserStore } from '../../../electron/services/web-registration';
import { CHROMIUM, CHROMIUM_ARGS } from '../../helpers/browser';
import { TestPki, type TestCert } from '../../helpers/registration-pki';

/**
 * What the registration window relies on, checked with the same network stack: Chromium on Linux
 * (Electron's is Chromium's) finds the certificate and key the app put into ~/.pki/nssdb and
 * presents them to a server asking for a client certificate; after undo it has none to present.
 * Chromium runs headless with HOME set to a temp home; a profile preference auto-selects the
 * certificate (the app's window picks it with select-client-certificate instead).
 */
const pki = new TestPki();
const dirs: string[] = [];
let server: https.Server;
let origin: string;
const seen: string[] = [];
let jane: TestCert;
let home: string;
let dataDir: string;

function temp(prefix: string): string {
  const d = mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(d);
  return d;
}

/** Chromium fetches `origin` once (headless, --dump-dom) with the temp HOME; bounded, killed by PID. */
function chromiumVisit(issuerCn: string): Promise<string> {
  const profile = temp('osg-chromium-profile-');
  mkdirSync(path.join(profile, 'Default'));
  const pattern = `${origin},*`;
  writeFileSync(path.join(profile, 'Default', 'Preferences'), JSON.stringify({
    profile: { content_settings: { exceptions: { auto_select_certificate: { [pattern]: { last_modified: '13300000000000000', setting: { filters: [{ ISSUER: { CN: issuerCn } }] } } } } } },
  }));
  return new Promise((resolve, reject) => {
    const child = spawn(CHROMIUM, [...CHROMIUM_ARGS, '--headless=new', `--user-data-dir=${profile}`, '--dump-dom', `${origin}/vomrs`], {
      env: { ...process.env, HOME: home },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    const timer = setTimeout(() => {
      if (child.pid) process.kill(child.pid, 'SIGKILL');
      reject(new Error('chromium did not finish within 60 s'));
    }, 60_000);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

beforeAll(async () => {
  home = temp('osg-store-chromium-home-');
  dataDir = temp('osg-store-chromium-data-');
  const ca = await pki.ca('/DC=org/DC=example/CN=Test Grid CA');
  const serverCert = await pki.issue(ca, '/DC=org/DC=example/CN=127.0.0.1', 'server');
  jane = await pki.issue(ca, '/DC=org/DC=example/CN=Jane Doe', 'client');
  server = https.createServer({ key: serverCert.keyPem, cert: serverCert.certPem, ca: [ca.certPem], requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    const fp = peer && peer.fingerprint256 ? peer.fingerprint256 : 'none';
    seen.push(fp);
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(`<p id="presented">${fp}</p>`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The CA trusted for web sites, as the Trust CAs step installs it.
  const db = path.join(home, '.pki', 'nssdb');
  mkdirSync(db, { recursive: true, mode: 0o700 });
  execFileSync('certutil', ['-N', '--empty-password', '-d', `sql:${db}`]);
  writeFileSync(path.join(dataDir, 'ca.pem'), ca.certPem);
  execFileSync('certutil', ['-A', '-d', `sql:${db}`, '-n', 'Test Grid CA', '-t', 'C,,', '-i', path.join(dataDir, 'ca.pem')]);
}, 60_000);

afterAll(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  pki.cleanup();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('Chromium presents the certificate the app put into ~/.pki/nssdb', () => {
  it('after the import it presents exactly that certificate; after undo, none', async () => {
    const want = new X509Certificate(jane.certPem).fingerprint256;
    const rec = await importIntoBrowserStore({ homeDir: home, dataDir }, { key: createPrivateKey(jane.keyPem), certificate: new X509Certificate(jane.certPem) });
    expect(rec.sha256).toBe(want);

    const page = await chromiumVisit('Test Grid CA');
    expect(page).toContain(`<p id="presented">${want}</p>`);
    expect(seen).toContain(want);

    expect(await removeFromBrowserStore({ homeDir: home, dataDir }, rec)).toBe(true);
    seen.length = 0;
    const after = await chromiumVisit('Test Grid CA');
    expect(after).toContain('<p id="presented">none</p>');
    expect(seen.every((s) => s === 'none')).toBe(true);
  }, 180_000);
});
