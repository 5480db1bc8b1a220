// "I already have a certificate" and "Renew" against real files and the real sandbox CA:
// p12s made by `openssl pkcs12 -export` (default and -legacy) and `pk12util -o`, the ~/.globus
// pair with an encrypted userkey.pem, a wrong password, a CA the app does not trust, an expired
// certificate, one about to expire; then a renewal over EST simplereenroll authenticated by the
// imported certificate (TLS client certificate): new serial, same subject, new key, old kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { OnboardError, type ErrorCode } from '../../../shared/errors';
import { readRequestSection } from '../../../electron/services/request/request-state';
import { requestHandlers } from '../../../electron/services/request/request-handlers';
import { makeWorld, type App, type World } from './setup';
import { foreignUser, globusPair, opensslP12, pk12utilP12, sandboxUser, sh, type UserMaterial } from './import-fixtures';

const P12_PW = 'Tangerine orbit 7 cellar';
const KEY_PW = 'saffron glacier tunnel 31';
const DAY = 86_400_000;

let world: World;
let app: App;
let ada: UserMaterial;

async function expectCode(p: Promise<unknown>, code: ErrorCode): Promise<OnboardError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(OnboardError);
  expect((e as OnboardError).code, (e as OnboardError).message).toBe(code);
  return e as OnboardError;
}

function credentialIds(): string[] {
  try {
    return readdirSync(path.join(world.dataDir, 'credentials')).filter((n) => !n.startsWith('.')).sort();
  } catch {
    return [];
  }
}

function fileState(f: string): string {
  const st = statSync(f);
  return `${createHash('sha256').update(readFileSync(f)).digest('hex')} ${st.mtimeMs} ${st.mode.toString(8)}`;
}

function journalText(): string {
  return readFileSync(path.join(world.dataDir, 'journal.json'), 'utf8');
}

beforeAll(async () => {
  world = makeWorld('request-import');
  mkdirSync(world.home, { recursive: true });
  app = world.open();
  await app.vo.choose('sandbox');
  await world.trustSandbox(app);
  ada = await sandboxUser(app.sandbox, path.join(world.root, 'ada'), 'Ada Lovelace S123456');
});

afterAll(async () => {
  await app?.close();
  world?.dispose();
});

describe('import an existing credential', () => {
  it('a wrong .p12 password is a typed error and stores nothing', async () => {
    const p12 = opensslP12(ada, path.join(world.home, 'usercred.p12'), P12_PW);
    const before = fileState(p12);
    await expectCode(app.request.importCredential({ source: { kind: 'p12', path: '~/usercred.p12' }, password: 'not the password' }), 'P12_WRONG_PASSWORD');
    expect(credentialIds()).toEqual([]);
    expect(readRequestSection(await app.journal.read())).toBeNull();
    expect(fileState(p12)).toBe(before);
    await expectCode(app.request.importCredential({ source: { kind: 'p12', path: '~/nothing-here.p12' }, password: P12_PW }), 'REQUEST_IMPORT_FILE');
    // A folder stands for the one .p12 in it; with several, the user is asked to name one.
    mkdirSync(path.join(world.home, 'Downloads'));
    opensslP12(ada, path.join(world.home, 'Downloads', 'a.p12'), P12_PW);
    opensslP12(ada, path.join(world.home, 'Downloads', 'b.pfx'), P12_PW);
    const many = await expectCode(app.request.importCredential({ source: { kind: 'p12', path: '~/Downloads' }, password: 'not the password' }), 'REQUEST_IMPORT_FILE');
    expect(many.message).toContain('2 .p12/.pfx files (a.p12, b.pfx)');
    await expectCode(app.request.importCredential({ source: { kind: 'p12', path: '~' }, password: 'not the password' }), 'P12_WRONG_PASSWORD');
    expect(credentialIds()).toEqual([]);
  });

  it('imports an OpenSSL 3 default .p12: stored like an issued request, the journal says “imported from usercred.p12”, the file untouched', async () => {
    const p12 = path.join(world.home, 'usercred.p12');
    const before = fileState(p12);
    const sources = await app.request.importSources();
    expect(sources.p12Files).toContain('~/usercred.p12');
    expect(sources.globus).toBeNull();
    expect(sources.folderPicker).toBe(false); // no dialog outside the desktop app
    const s = await requestHandlers(app.request).requestImport({ source: { kind: 'p12', path: p12 }, password: P12_PW });
    expect(s).toMatchObject({ state: 'issued', origin: 'import', importedFrom: 'usercred.p12', sandbox: true, keyBits: 2048, previous: [] });
    expect(s.certificate!.subject).toBe(ada.subject);
    expect(s.certificate!.issuer).toMatch(/Sandbox/);
    expect(s.estUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/\.well-known\/est$/);
    expect(fileState(p12)).toBe(before);

    const j = await app.journal.read();
    expect(j.steps.request).toMatchObject({ status: 'done', summary: 'imported from usercred.p12' });
    const text = journalText();
    expect(text).not.toContain(P12_PW);
    expect(text).not.toContain(world.home);
    expect(text).toContain('~/usercred.p12');

    // Stored exactly as a request's: encrypted key (keychain passphrase), certificate + CA chain.
    const dir = path.join(world.dataDir, 'credentials', s.credentialId);
    expect(readFileSync(path.join(dir, 'key.pem'), 'utf8')).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    expect(statSync(path.join(dir, 'key.pem')).mode & 0o777).toBe(0o600);
    const certs = readFileSync(path.join(dir, 'cert.pem'), 'utf8').match(/BEGIN CERTIFICATE/g)!;
    expect(certs.length).toBe(2);
    expect(sh('openssl', ['verify', '-CAfile', ada.caFile, path.join(dir, 'cert.pem')])).toContain(': OK');
    const record = await (await app.keys.store()).get(s.credentialId);
    expect(record).toMatchObject({ status: 'issued', passphrase: 'keychain' });

    // The Back up step offers it and writes a p12 that openssl opens.
    const d = await app.backup.defaults();
    expect(d.certificate).toMatchObject({ credentialId: s.credentialId, subject: ada.subject });
    const out = path.join(world.home, 'backup-of-import.p12');
    const b = await app.backup.write({ path: out, password: 'Walnut drizzle 88 compass', confirm: 'Walnut drizzle 88 compass', format: 'modern', remember: false, importToBrowser: false });
    expect(b.path).toBe(out);
    expect(sh('openssl', ['pkcs12', '-in', out, '-nokeys', '-clcerts', '-passin', 'stdin'], 'Walnut drizzle 88 compass\n')).toMatch(/CN ?= ?Ada Lovelace S123456/);
  });

  it('reads -legacy and pk12util (Firefox-style) files; each import keeps the earlier one as previous', async () => {
    const legacy = opensslP12(ada, path.join(world.home, 'legacy.pfx'), P12_PW, { legacy: true });
    const a = await app.request.importCredential({ source: { kind: 'p12', path: legacy }, password: P12_PW });
    expect(a).toMatchObject({ state: 'issued', importedFrom: 'legacy.pfx' });
    expect(a.previous.length).toBe(1);
    const nss = pk12utilP12(ada, path.join(world.home, 'firefox-backup.p12'), P12_PW);
    const b = await app.request.importCredential({ source: { kind: 'p12', path: '~/firefox-backup.p12' }, password: P12_PW });
    expect(b).toMatchObject({ state: 'issued', importedFrom: 'firefox-backup.p12' });
    expect(b.previous.map((p) => p.credentialId)).toEqual([a.credentialId, a.previous[0].credentialId]);
    expect(statSync(nss).isFile()).toBe(true);
  });

  it('refuses a certificate whose CA is not installed, naming that CA; nothing stored', async () => {
    const m = foreignUser(path.join(world.root, 'foreign'));
    const p12 = opensslP12(m, path.join(world.home, 'foreign.p12'), P12_PW);
    const ids = credentialIds();
    const e = await expectCode(app.request.importCredential({ source: { kind: 'p12', path: p12 }, password: P12_PW }), 'REQUEST_IMPORT_CA_NOT_TRUSTED');
    expect(e.message).toContain('/DC=org/DC=example/CN=Foreign Grid CA');
    expect(e.hint).toContain('Trust CAs');
    expect(credentialIds()).toEqual(ids);
  });

  it('refuses an expired certificate; warns (and imports) one with less than 30 days left', async () => {
    const old = await sandboxUser(app.sandbox, path.join(world.root, 'old'), 'Old Timer S000001', new Date(Date.now() - 400 * DAY));
    const ids = credentialIds();
    const e = await expectCode(app.request.importCredential({ source: { kind: 'p12', path: opensslP12(old, path.join(world.home, 'old.p12'), P12_PW) }, password: P12_PW }), 'REQUEST_IMPORT_EXPIRED');
    expect(e.message).toContain('expired on');
    expect(credentialIds()).toEqual(ids);
    const soon = await sandboxUser(app.sandbox, path.join(world.root, 'soon'), 'Soon Over S000002', new Date(Date.now() - 350 * DAY));
    const s = await app.request.importCredential({ source: { kind: 'p12', path: opensslP12(soon, path.join(world.home, 'soon.p12'), P12_PW) }, password: P12_PW });
    expect(s.warnings?.join(' ')).toMatch(/expires in 1[45] days/);
  });

  it('imports the ~/.globus pair (encrypted userkey.pem, PKCS#1 3DES and PKCS#8 AES); a wrong passphrase is KEY_PASSPHRASE_WRONG', async () => {
    const globus = path.join(world.home, '.globus');
    globusPair(ada, globus, KEY_PW, { traditional: true });
    const src = await app.request.importSources();
    expect(src.globus).toMatchObject({ display: '~/.globus', subject: ada.subject, keyEncrypted: true });
    const before = fileState(path.join(globus, 'userkey.pem'));
    await expectCode(app.request.importCredential({ source: { kind: 'globus' }, password: 'wrong passphrase' }), 'KEY_PASSPHRASE_WRONG');
    const s = await app.request.importCredential({ source: { kind: 'globus' }, password: KEY_PW });
    expect(s).toMatchObject({ state: 'issued', importedFrom: '~/.globus' });
    expect((await app.journal.read()).steps.request?.summary).toBe('imported from ~/.globus');
    expect(fileState(path.join(globus, 'userkey.pem'))).toBe(before);
    // PKCS#8 AES-256 in another folder, named by path.
    globusPair(ada, path.join(world.root, 'other-globus'), KEY_PW);
    const t = await app.request.importCredential({ source: { kind: 'globus', dir: path.join(world.root, 'other-globus') }, password: KEY_PW });
    expect(t.state).toBe('issued');
    await expectCode(app.request.importCredential({ source: { kind: 'globus', dir: '~/nowhere' }, password: KEY_PW }), 'REQUEST_IMPORT_GLOBUS_MISSING');
  });
});

describe('renew the current certificate (EST simplereenroll, sandbox CA)', () => {
  it('makes a new key, sends the same subject authenticated by the current certificate, keeps the old credential', async () => {
    const current = await app.request.importCredential({ source: { kind: 'p12', path: '~/usercred.p12' }, password: P12_PW });
    const oldCert = readFileSync(path.join(world.dataDir, 'credentials', current.credentialId, 'cert.pem'), 'utf8');
    app.events.length = 0;
    const r = await requestHandlers(app.request).requestRenew({ keyBits: 2048 });
    expect(r).toMatchObject({ state: 'issued', origin: 'renewal', subject: ada.subject, renewOf: { credentialId: current.credentialId, serial: current.certificate!.serial } });
    expect(r.credentialId).not.toBe(current.credentialId);
    expect(r.certificate!.subject).toBe(ada.subject);
    expect(r.certificate!.serial).not.toBe(current.certificate!.serial);
    expect(r.publicKeyFingerprint).not.toBe(current.publicKeyFingerprint);
    expect(r.previous[0]).toMatchObject({ credentialId: current.credentialId, serial: current.certificate!.serial, origin: 'import' });
    expect(app.events.filter((e) => e.task === 'keygen').at(-1)).toMatchObject({ fraction: 1 });

    // The CA recorded a renewal of the old serial.
    const reqs = await (await app.sandbox.ca()).list();
    expect(reqs.some((q) => q.kind === 'reenroll' && q.renews === current.certificate!.serial && q.status === 'issued')).toBe(true);
    // Old credential intact; new cert verifies against the sandbox CA and carries the new key.
    expect(readFileSync(path.join(world.dataDir, 'credentials', current.credentialId, 'cert.pem'), 'utf8')).toBe(oldCert);
    const newDir = path.join(world.dataDir, 'credentials', r.credentialId);
    expect(sh('openssl', ['verify', '-CAfile', ada.caFile, path.join(newDir, 'cert.pem')])).toContain(': OK');
    const j = await app.journal.read();
    expect(j.steps.request).toMatchObject({ status: 'done', summary: 'renewed: Ada Lovelace S123456' });
    expect((await app.backup.defaults()).certificate?.credentialId).toBe(r.credentialId);
  });

  it('an expired certificate cannot be renewed: a clear message, nothing made', async () => {
    const later = world.open({ now: () => new Date(Date.now() + 400 * DAY) });
    try {
      const ids = credentialIds();
      const e = await expectCode(later.request.renew({ keyBits: 2048 }), 'REQUEST_RENEW_EXPIRED');
      expect(e.message).toContain('renewal needs a certificate that is still valid');
      expect(e.hint).toContain('Request a new certificate');
      expect(credentialIds()).toEqual(ids);
    } finally {
      await later.close();
    }
  });

  it('a renewal the CA refuses leaves the current certificate current (the attempt kept in the history)', async () => {
    const before = (await app.request.status())!;
    // Another CA's address: its TLS is not in the app's trust, so the renewal fails before the CA takes it.
    await expectCode(app.request.renew({ keyBits: 2048, estUrl: 'https://127.0.0.1:9/.well-known/est' }), 'ISSUER_UNREACHABLE');
    const after = (await app.request.status())!;
    expect(after.credentialId).toBe(before.credentialId);
    expect(after.state).toBe('issued');
    const hist = (await app.journal.read() as Record<string, unknown>).requestHistory as { origin?: string; state: string }[];
    expect(hist.at(-1)).toMatchObject({ origin: 'renewal', state: 'failed' });
  });

  it('nothing to renew without an issued certificate', async () => {
    const w = makeWorld('request-renew-none');
    const a = w.open();
    try {
      await expectCode(a.request.renew({ keyBits: 2048 }), 'REQUEST_RENEW_NONE');
    } finally {
      await a.close();
      w.dispose();
    }
  });
});
