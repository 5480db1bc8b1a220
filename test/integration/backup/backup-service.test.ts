// The Back up step's service: usercred.p12 from the issued sandbox certificate, checked with
// openssl and NSS's certutil/pk12util; never over an existing file; weak passwords, bad paths,
// typed key passphrases and a browser database with a master password.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { OnboardError, type ErrorCode } from '../../../shared/errors';
import { BackupService, backupSecretAccount } from '../../../electron/services/backup/backup-service';
import { backupHandlers } from '../../../electron/services/backup/backup-handlers';
import { makeWorld, NoKeychain, until, type App, type World } from '../request/setup';

const PASSWORD = 'Seven tidy otters paddle home';
let world: World;
let app: App;
let credentialId: string;

async function expectCode(p: Promise<unknown>, code: ErrorCode): Promise<OnboardError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(OnboardError);
  expect((e as OnboardError).code, (e as OnboardError).message).toBe(code);
  return e as OnboardError;
}

function openssl(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

async function issue(a: App, name: string, keyPassphrase?: string): Promise<string> {
  const policySha256 = (await a.request.preview({ name: '', email: '' })).policy.sha256;
  const s = await a.request.start({ name, email: 'noether@example.edu', keyBits: 2048, agree: true, policySha256, keyPassphrase });
  await (await a.sandbox.ca()).approve(s.requestId!);
  await until(async () => ((await a.request.status())?.state === 'issued' ? true : undefined), 'the certificate');
  return s.credentialId;
}

beforeAll(async () => {
  world = makeWorld('backup');
  mkdirSync(world.home, { recursive: true });
  app = world.open();
  await app.vo.choose('sandbox');
  await app.request.preview({ name: '', email: '' }); // starts the sandbox CA (makes its folder)
  await world.trustSandbox(app);
});

afterAll(async () => {
  await app?.close();
  world?.dispose();
});

describe('Back up step service', () => {
  it('has nothing to back up before the Request step is done', async () => {
    const d = await app.backup.defaults();
    expect(d.certificate).toBeNull();
    await expectCode(app.backup.write({ path: '~/usercred.p12', password: PASSWORD, confirm: PASSWORD, format: 'modern', remember: false, importToBrowser: false }), 'BACKUP_NO_CERTIFICATE');
  });

  it('offers ~/usercred.p12, the keychain and the browser database; the folder picker only where there is one', async () => {
    credentialId = await issue(app, 'Emmy Noether');
    const d = await backupHandlers(app.backup).backupDefaults({});
    expect(d.certificate).toMatchObject({ credentialId, subject: expect.stringMatching(/\/CN=Emmy Noether S\d{6}$/) });
    expect(d.defaultPath).toBe(path.join(world.home, 'usercred.p12'));
    expect(d.defaultPathExists).toBe(false);
    expect(d.keychain.available).toBe(true);
    expect(d.keyPassphraseNeeded).toBe(false);
    expect(d.folderPicker).toBe(false);
    expect(d.browser.available).toBe(true);
    expect(d.browser.dbs).toEqual([expect.objectContaining({ dir: path.join(world.home, '.pki', 'nssdb'), exists: false })]);
    expect(d.personal).toEqual(['Emmy Noether', 'noether@example.edu']);
    await expectCode(app.backup.pickFolder(), 'BACKUP_PICKER_UNAVAILABLE');
    const withPicker = new BackupService({ homeDir: world.home, journal: app.journal, keys: app.keys, now: () => new Date(), emit: () => {}, pickFolder: async (start) => `${start}/chosen` });
    expect(await withPicker.pickFolder()).toEqual({ folder: `${world.home}/chosen` });
  });

  it('refuses weak or mismatched passwords and unusable paths, saying why', async () => {
    const base = { format: 'modern' as const, remember: false, importToBrowser: false };
    const weak = await expectCode(app.backup.write({ ...base, path: '~/usercred.p12', password: 'password123', confirm: 'password123' }), 'BACKUP_PASSWORD_WEAK');
    expect(weak.message).toContain('common password');
    const personal = await expectCode(app.backup.write({ ...base, path: '~/usercred.p12', password: 'noether-forever-2025', confirm: 'noether-forever-2025' }), 'BACKUP_PASSWORD_WEAK');
    expect(personal.message).toContain('noether');
    await expectCode(app.backup.write({ ...base, path: '~/usercred.p12', password: PASSWORD, confirm: PASSWORD + 'x' }), 'BACKUP_PASSWORDS_DIFFER');
    const txt = await expectCode(app.backup.write({ ...base, path: '~/notes.txt', password: PASSWORD, confirm: PASSWORD }), 'BACKUP_PATH_INVALID');
    expect(txt.message).toContain('.p12');
    expect(readdirSync(world.home)).toEqual([]);
  });

  it('writes usercred.p12 (0600) that openssl opens with the password; remembers it; imports it into the browser', async () => {
    app.events.length = 0;
    const r = await app.backup.write({ path: '~/usercred.p12', password: PASSWORD, confirm: PASSWORD, format: 'modern', remember: true, importToBrowser: true });
    const file = path.join(world.home, 'usercred.p12');
    expect(r).toMatchObject({ path: file, format: 'modern', reopened: true, previousFileKeptAs: undefined, rememberedIn: world.keychain.backend });
    expect(r.keyProtection).toContain('AES-256-CBC');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    openssl(['pkcs12', '-info', '-noout', '-in', file, '-passin', `pass:${PASSWORD}`]);
    const leaf = openssl(['pkcs12', '-in', file, '-nokeys', '-clcerts', '-passin', `pass:${PASSWORD}`]);
    const fp = execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], { input: leaf, encoding: 'utf8' }).trim().replace(/^.*=/, '');
    expect(r.fingerprintSha256).toBe(fp);
    // The chain (the sandbox CA) is in the file too.
    const all = openssl(['pkcs12', '-in', file, '-nokeys', '-passin', `pass:${PASSWORD}`]);
    expect(all.match(/BEGIN CERTIFICATE/g)?.length).toBe(2);
    expect(await world.keychain.get(backupSecretAccount(credentialId))).toBe(PASSWORD);
    expect(r.browser).toEqual([expect.objectContaining({ ok: true, nickname: r.subject.replace(/^.*\/CN=/, '') })]);
    const listed = execFileSync('certutil', ['-L', '-d', `sql:${path.join(world.home, '.pki', 'nssdb')}`], { encoding: 'utf8' });
    expect(listed).toMatch(/Emmy Noether S\d{6}\s+u,u,u/);
    const j = await app.journal.read();
    expect(j.steps.backup).toMatchObject({ status: 'done', summary: 'usercred.p12' });
    expect(app.events.filter((e) => e.task === 'backup').at(-1)).toMatchObject({ fraction: 1 });
    expect((await app.backup.defaults()).last?.path).toBe(file);
  });

  it('never overwrites: a second (legacy 3DES) backup keeps the first as .bak-<time>, and says where', async () => {
    const file = path.join(world.home, 'usercred.p12');
    const before = readFileSync(file);
    expect((await app.backup.defaults()).defaultPathExists).toBe(true);
    const r = await app.backup.write({ path: world.home, password: PASSWORD, confirm: PASSWORD, format: 'legacy', remember: false, importToBrowser: false });
    expect(r.path).toBe(file);
    expect(r.previousFileKeptAs).toMatch(/usercred\.p12\.bak-\d{8}T\d{6}Z$/);
    expect(readFileSync(r.previousFileKeptAs!).equals(before)).toBe(true);
    expect(r.keyProtection).toContain('3DES');
    const info = spawnSync('openssl', ['pkcs12', '-info', '-noout', '-in', file, '-passin', `pass:${PASSWORD}`], { encoding: 'utf8' });
    expect(info.status, info.stderr).toBe(0);
    expect(info.stderr).toMatch(/pbeWithSHA1And3-KeyTripleDES-CBC/);
  });

  it('a browser database with a master password is reported, the file itself is saved', async () => {
    const db = path.join(world.home, '.pki', 'nssdb');
    const pw = path.join(world.root, 'nss-pw');
    const empty = path.join(world.root, 'nss-empty');
    writeFileSync(pw, 'Browser master pw 1\n', { mode: 0o600 });
    writeFileSync(empty, '\n', { mode: 0o600 });
    execFileSync('certutil', ['-W', '-d', `sql:${db}`, '-f', empty, '-@', pw], { stdio: ['ignore', 'ignore', 'ignore'], timeout: 30_000 });
    const r = await app.backup.write({ path: '~/second/usercred.p12', password: PASSWORD, confirm: PASSWORD, format: 'modern', remember: false, importToBrowser: true });
    expect(r.path).toBe(path.join(world.home, 'second', 'usercred.p12'));
    expect(r.browser).toHaveLength(1);
    expect(r.browser[0].ok).toBe(false);
    expect(r.browser[0].error?.code).toBe('BACKUP_NSS_IMPORT_FAILED');
    expect(r.browser[0].error?.hint).toContain('pk12util -i');
    openssl(['pkcs12', '-info', '-noout', '-in', r.path, '-passin', `pass:${PASSWORD}`]);
  });

  it('with a typed key passphrase (no keychain) the key passphrase is asked, and a wrong one is refused', async () => {
    await app.close();
    app = world.open({ keychain: new NoKeychain() });
    const pass = 'cobalt river sparrow tile';
    credentialId = await issue(app, 'Emmy Noether', pass);
    await app.close();
    app = world.open({ keychain: new NoKeychain() });
    const d = await app.backup.defaults();
    expect(d.keyPassphraseNeeded).toBe(true);
    expect(d.keychain.available).toBe(false);
    const input = { path: '~/typed.p12', password: PASSWORD, confirm: PASSWORD, format: 'modern' as const, remember: false, importToBrowser: false };
    await expectCode(app.backup.write(input), 'KEY_PASSPHRASE_REQUIRED');
    await expectCode(app.backup.write({ ...input, keyPassphrase: 'not the right words' }), 'KEY_PASSPHRASE_WRONG');
    await expectCode(app.backup.write({ ...input, remember: true, keyPassphrase: pass }), 'KEYCHAIN_UNAVAILABLE');
    const r = await app.backup.write({ ...input, keyPassphrase: pass });
    expect(r.rememberedIn).toBeUndefined();
    openssl(['pkcs12', '-info', '-noout', '-in', r.path, '-passin', `pass:${PASSWORD}`]);
    expect((await app.backup.defaults()).keyPassphraseNeeded).toBe(false);
  });
});
