import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Journal } from '../../../electron/services/journal/journal';
import { VoService } from '../../../electron/services/vo/vo-service';
import { KeyProtection } from '../../../electron/services/request/key-protection';
import { SessionSecretStore } from '../../../electron/services/keychain/session-store';
import { RegisterService, registerHandlers } from '../../../electron/services/register';
import { createDispatcher, createServices, type Handlers } from '../../../electron/services';
import { WebRegistrationService, chooseClientCertificate, electronFingerprint, type RegistrationWindowRequest, type OfferedCertificate } from '../../../electron/services/web-registration';
import type { RegisterView } from '../../../shared/contract/register';
import type { WireError } from '../../../shared/errors';
import { foreignCredential } from '../../helpers/register-setup';
import { TestPki } from '../../helpers/registration-pki';

/**
 * The `web` connector's desktop half against a real NSS db with the real certutil / pk12util:
 * the certificate and key land in ~/.pki/nssdb (what Chromium, so Electron, reads), the window is
 * asked to present exactly that certificate, and undo removes what was added and nothing else.
 * The window itself is Electron's (test/e2e/electron-register.test.ts); here a stand-in receives
 * the request and offers what the real db holds, as Chromium would.
 */
const PASS = 'correct horse battery';
const pki = new TestPki();
const roots: string[] = [];

function tempDir(prefix: string): string {
  const d = mkdtempSync(path.join(os.tmpdir(), prefix));
  roots.push(d);
  return d;
}

function certutil(args: string[]): string {
  try {
    return execFileSync('certutil', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    return String((e as { stdout?: string }).stdout ?? '') + String((e as { stderr?: string }).stderr ?? '');
  }
}

/** What Chromium would offer from the db: every certificate that has a key, as Electron's Certificate. */
function offersFromDb(db: string): OfferedCertificate[] {
  const keys = certutil(['-K', '-d', db]);
  const out: OfferedCertificate[] = [];
  for (const line of certutil(['-L', '-d', db]).split('\n')) {
    const m = /^(.*\S)\s+u,u,u\s*$/.exec(line);
    if (!m || !keys.includes(m[1])) continue;
    const pems = certutil(['-L', '-d', db, '-n', m[1], '-a']).match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g) ?? [];
    for (const pem of pems) out.push({ data: pem, fingerprint: electronFingerprint(new X509Certificate(pem).raw), subjectName: m[1] });
  }
  return out;
}

interface App {
  readonly dataDir: string;
  readonly homeDir: string;
  readonly db: string;
  readonly opened: RegistrationWindowRequest[];
  readonly presented: OfferedCertificate[];
  tmpSeenByWindow: string[] | undefined;
  call<T>(name: keyof Handlers, input?: unknown): Promise<T>;
  fail(name: keyof Handlers, input?: unknown): Promise<WireError>;
}

let jane: { certPem: string; keyPem: string };
let other: { certPem: string; keyPem: string };

async function app(cert = jane): Promise<App> {
  const dataDir = tempDir('osg-webreg-data-');
  const homeDir = tempDir('osg-webreg-home-');
  const journal = new Journal(dataDir);
  const vo = new VoService({ environment: 'sandbox', journal, now: () => new Date() });
  await vo.choose('osg'); // registers on its web page (kind `web`)
  await foreignCredential(dataDir, cert, PASS);
  const keys = new KeyProtection({ dataDir, journal, keychain: () => new SessionSecretStore() });
  const context = { dataDir, homeDir, now: () => new Date(), emit: () => {}, shell: 'electron' as const };
  const register = new RegisterService({ context, journal, vo, sandbox: null, keys });
  const db = `sql:${path.join(homeDir, '.pki', 'nssdb')}`;
  const a: App = {
    dataDir, homeDir, db, opened: [], presented: [], tmpSeenByWindow: undefined,
    call: async () => { throw new Error('set below'); },
    fail: async () => { throw new Error('set below'); },
  };
  const web = new WebRegistrationService({
    context, journal, vo, credentials: register.credentials,
    openWindow: async (request) => {
      a.opened.push(request);
      a.tmpSeenByWindow = existsSync(path.join(dataDir, 'tmp')) ? readdirSync(path.join(dataDir, 'tmp')) : [];
      const chosen = chooseClientCertificate(offersFromDb(db), request.certificateSha256, request.url);
      a.presented.push(chosen);
      const now = new Date().toISOString();
      return { openedAt: now, closedAt: now, certificatePresented: true, openedInBrowser: [], refused: [] };
    },
  });
  const dispatch = createDispatcher(registerHandlers(register, web) as unknown as Handlers);
  a.call = async <T,>(name: keyof Handlers, input: unknown = {}) => {
    const r = await dispatch(name, input);
    if (!r.ok) throw new Error(`${String(name)}: ${r.error.code} ${r.error.message}`);
    return r.value as T;
  };
  a.fail = async (name: keyof Handlers, input: unknown = {}) => {
    const r = await dispatch(name, input);
    if (r.ok) throw new Error(`${String(name)} should have failed`);
    return r.error;
  };
  return a;
}

beforeAll(async () => {
  const ca = await pki.ca('/DC=org/DC=example/CN=Test Grid CA');
  jane = await pki.issue(ca, '/DC=org/DC=example/CN=Jane Doe', 'client');
  other = await pki.issue(ca, '/DC=org/DC=example/CN=John Roe', 'client');
}, 60_000);
afterAll(() => {
  pki.cleanup();
  for (const d of roots) rmSync(d, { recursive: true, force: true });
});

describe('registration window (desktop): the certificate in the browser store, presented, undone', () => {
  it('imports into a new ~/.pki/nssdb, asks the window to present exactly it, and undo removes cert and key', async () => {
    const a = await app();
    // Protect “ask each time”: the key needs the passphrase.
    expect((await a.fail('registerOpenWebWindow')).code).toBe('KEY_PASSPHRASE_REQUIRED');
    expect(existsSync(path.join(a.homeDir, '.pki', 'nssdb'))).toBe(false);

    const view = await a.call<RegisterView>('registerOpenWebWindow', { keyPassphrase: PASS });
    expect(view.stage).toBe('handoff');
    const store = view.handoff!.browserStore!;
    expect(store).toMatchObject({ db: a.db, nickname: 'Jane Doe (OSG Onboard)', alreadyPresent: false, sha256: view.certificate!.fingerprintSha256 });
    expect(view.handoff!.certificateSha256).toBe(view.certificate!.fingerprintSha256);
    expect(view.handoff!.lastWindow).toMatchObject({ certificatePresented: true, refused: [] });
    // The stepper says the page was opened — not that the registration is done.
    expect((await new Journal(a.dataDir).read()).steps.register).toMatchObject({ status: 'in-progress', summary: 'registration page opened' });
    // Desktop instructions: the window picks the certificate, the user is not asked to.
    expect(view.handoff!.instructions.join(' ')).not.toMatch(/When asked for a certificate/);

    // The window: the VO's page, its origin only, our certificate by SHA-256.
    expect(a.opened).toEqual([{ url: 'https://osg-htc.org/technology/policy/new-ospool-user/', origin: 'https://osg-htc.org', certificateSha256: store.sha256, title: expect.stringContaining('registration') }]);
    expect(new X509Certificate(a.presented[0].data!).fingerprint256).toBe(store.sha256);
    // The temporary p12 and password files were gone before the window opened.
    expect(a.tmpSeenByWindow).toEqual([]);

    // The real tools see the certificate under our nickname, and its key.
    expect(certutil(['-L', '-d', a.db])).toMatch(/^Jane Doe \(OSG Onboard\)\s+u,u,u$/m);
    expect(certutil(['-K', '-d', a.db])).toMatch(/rsa\s+[0-9a-f]+\s+Jane Doe \(OSG Onboard\)/);
    const exported = certutil(['-L', '-d', a.db, '-n', 'Jane Doe (OSG Onboard)', '-a']);
    expect(new X509Certificate(exported).fingerprint256).toBe(new X509Certificate(jane.certPem).fingerprint256);

    const after = await a.call<RegisterView>('registerWebStoreRemove');
    expect(after.handoff!.browserStore!.removedAt).toBeTruthy();
    expect(certutil(['-L', '-d', a.db])).not.toContain('Jane Doe');
    expect(certutil(['-K', '-d', a.db])).not.toContain('Jane Doe');
    expect((await a.fail('registerWebStoreRemove')).code).toBe('REGISTER_WEB_NOT_IMPORTED');
  });

  it('opening again finds it there, adds nothing, and undo still removes what we added', async () => {
    const a = await app();
    await a.call('registerOpenWebWindow', { keyPassphrase: PASS });
    const again = await a.call<RegisterView>('registerOpenWebWindow', {});
    expect(again.handoff!.browserStore!.alreadyPresent).toBe(false); // still the record of our import
    expect(a.opened).toHaveLength(2);
    expect(certutil(['-L', '-d', a.db]).match(/Jane Doe/g)).toHaveLength(1);
    await a.call('registerWebStoreRemove');
    expect(certutil(['-L', '-d', a.db])).not.toContain('Jane Doe');
  });

  it('a certificate the user had imported already is used as it is and left in place by undo', async () => {
    const a = await app();
    // The user's own earlier import (another nickname), and another person's certificate beside it.
    const dir = path.join(a.homeDir, '.pki', 'nssdb');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    execFileSync('certutil', ['-N', '--empty-password', '-d', `sql:${dir}`]);
    for (const [c, name] of [[jane, 'my grid cert'], [other, 'John Roe']] as const) {
      writeFileSync(path.join(a.dataDir, 'k.pem'), c.keyPem);
      writeFileSync(path.join(a.dataDir, 'c.pem'), c.certPem);
      execFileSync('openssl', ['pkcs12', '-export', '-inkey', path.join(a.dataDir, 'k.pem'), '-in', path.join(a.dataDir, 'c.pem'), '-name', name, '-passout', 'pass:x', '-out', path.join(a.dataDir, 'u.p12')]);
      execFileSync('pk12util', ['-i', path.join(a.dataDir, 'u.p12'), '-d', `sql:${dir}`, '-W', 'x', '-K', ''], { stdio: 'ignore' });
    }
    const view = await a.call<RegisterView>('registerOpenWebWindow', { keyPassphrase: PASS });
    expect(view.handoff!.browserStore).toMatchObject({ nickname: 'my grid cert', alreadyPresent: true });
    // Two certificates with keys were on offer; ours was presented.
    expect(a.presented[0].subjectName).toBe('my grid cert');
    await a.call('registerWebStoreRemove');
    expect(certutil(['-L', '-d', a.db])).toMatch(/my grid cert/);
    expect(certutil(['-K', '-d', a.db])).toMatch(/my grid cert/);
  });

  it('a store protected by a password is not touched: typed error, no window', async () => {
    const a = await app();
    const dir = path.join(a.homeDir, '.pki', 'nssdb');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(path.join(a.dataDir, 'pw'), 'db secret\n');
    execFileSync('certutil', ['-N', '-d', `sql:${dir}`, '-f', path.join(a.dataDir, 'pw')]);
    const err = await a.fail('registerOpenWebWindow', { keyPassphrase: PASS });
    expect(err.code).toBe('REGISTER_WEB_STORE_PASSWORD');
    expect(err.message).toContain(dir);
    expect(a.opened).toHaveLength(0);
    expect(certutil(['-L', '-d', `sql:${dir}`])).not.toContain('Jane');
  });
});

describe('browser mode: the same procedure says it works only in the desktop app', () => {
  it('answers REGISTER_DESKTOP_ONLY through the app’s dispatcher and changes nothing', async () => {
    const dataDir = tempDir('osg-webreg-browser-');
    const homeDir = tempDir('osg-webreg-browser-home-');
    const services = createServices({ shell: 'browser', dataDir, homeDir, environment: 'sandbox' });
    try {
      const dispatch = createDispatcher(services.handlers);
      expect(await dispatch('voChoose', { name: 'osg' })).toMatchObject({ ok: true });
      const r = await dispatch('registerOpenWebWindow', { keyPassphrase: PASS });
      expect(r).toMatchObject({ ok: false, error: { code: 'REGISTER_DESKTOP_ONLY' } });
      expect((r as { error: WireError }).error.message).toMatch(/desktop app/);
      // The hand-off is what browser mode shows: the URL and the p12 to import.
      const status = await dispatch('registerStatus', {});
      expect(status).toMatchObject({ ok: true, value: { stage: 'handoff', handoff: { url: 'https://osg-htc.org/technology/policy/new-ospool-user/' } } });
      expect((status as { value: RegisterView }).value.handoff!.instructions[0]).toMatch(/Import your certificate into this browser/);
      expect(existsSync(path.join(homeDir, '.pki'))).toBe(false);
      // Electron shell without a window opener (the CLI's situation) refuses the same way.
      const cli = createServices({ shell: 'electron', dataDir, homeDir, environment: 'sandbox' });
      try {
        expect(await createDispatcher(cli.handlers)('registerOpenWebWindow', {})).toMatchObject({ ok: false, error: { code: 'REGISTER_DESKTOP_ONLY' } });
      } finally {
        await cli.dispose();
      }
    } finally {
      await services.dispose();
    }
  });
});
