/**
 * Back up → Upload with the .p12 password remembered in a real GNOME Keyring (private D-Bus
 * session, temp HOME: test/helpers/keyring.ts). The app's services run in child processes (keytar
 * reads the bus address when it first connects), the second one as the app after a restart:
 *   1. Request (sandbox CA) → Back up with “Remember this password in my keychain” → the Upload
 *      step says the password is remembered and uploads to the sandbox submit host with none typed;
 *      the files on the host are checked with openssl.
 *   2. The file replaced by another one → refused with “type it”; the typed password wins.
 *      The original back but the keychain entry gone → the password is asked for by field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestBus, type TestBus } from '../../helpers/keyring';
import { makeTestCredential } from '../transfer/credential-fixture';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const PASSWORD = 'Seven tidy otters paddle home';
const OTHER_PASSWORD = 'Another file, another password 9';
let bus: TestBus;
let work: string;
let dataDir: string;

/** The app's services in a child process on the test bus; `body` uses ok/fails/call/services/out. */
function app(body: string): Record<string, unknown> {
  const file = path.join(work, `child-${Math.random().toString(36).slice(2)}.mts`);
  writeFileSync(
    file,
    `import { createServices, createDispatcher } from ${JSON.stringify(path.join(repo, 'electron/services/index.ts'))};
import { KeytarSecretStore } from ${JSON.stringify(path.join(repo, 'electron/services/keychain/index.ts'))};
const out: Record<string, unknown> = {};
let call: ReturnType<typeof createDispatcher>;
const services = createServices({
  dataDir: ${JSON.stringify(dataDir)}, homeDir: process.env.HOME!, environment: 'sandbox', shell: 'cli',
  emit: (event, payload: any) => {
    // The host-key question of the first upload: yes, when it is the sandbox host's own key.
    if (event === 'uploadQuestion' && payload.open && payload.kind === 'host-key' && payload.fingerprint === payload.sandboxFingerprint) {
      void call('uploadAnswer', { uploadId: payload.uploadId, questionId: payload.questionId, accept: true });
    }
  },
});
call = createDispatcher(services.handlers);
async function ok(name: string, input: unknown): Promise<any> {
  const e = await call(name, input);
  if (!e.ok) throw new Error(name + ': ' + JSON.stringify(e.error));
  return e.value;
}
async function fails(name: string, input: unknown): Promise<any> {
  const e = await call(name, input);
  if (e.ok) throw new Error(name + ' should have failed');
  return e.error;
}
void KeytarSecretStore; void fails;
let n = 0;
const uploadId = () => 'remembered-' + (++n) + '-' + Date.now();
try {
${body}
} finally {
  await services.dispose();
}
console.log(JSON.stringify(out));
`,
  );
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: repo, env: bus.env, encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0) throw new Error(`child failed (${r.status}): ${r.stderr}\n${r.stdout}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

function openssl(args: string[], input?: string | Buffer): string {
  const r = spawnSync('openssl', args, { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'osg-upload-remembered-'));
  dataDir = path.join(work, 'data');
  bus = await startTestBus();
  await bus.startKeyring({ unlockPassword: 'keyring login pw' });
});
afterAll(async () => {
  await bus?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('the .p12 password remembered by the Back up step, in GNOME Keyring, used by the Upload step', () => {
  let first: Record<string, any>;
  const home = () => bus.env.HOME!;
  const p12 = () => path.join(home(), 'usercred.p12');
  const globus = () => path.join(first.sandboxHome as string, '.globus');

  it('Back up remembers it; the upload goes with no password typed, and the host’s files are right', () => {
    first = app(`
  await ok('voChoose', { name: 'sandbox' });
  await ok('trustInstall', { targets: ['app'] });
  const preview = await ok('requestPreview', { name: 'Lise Meitner', email: 'meitner@example.edu' });
  const started = await ok('requestStart', { name: 'Lise Meitner', email: 'meitner@example.edu', keyBits: 2048, agree: true, policySha256: preview.policy.sha256 });
  await (await services.sandbox!.ca()).approve(started.requestId);
  const end = Date.now() + 60_000;
  let s: any;
  do { await new Promise((r) => setTimeout(r, 200)); s = await ok('requestStatus', {}); } while (s?.state !== 'issued' && Date.now() < end);
  out.credentialId = s.credentialId;
  out.before = await ok('uploadDefaults', {});
  out.backup = await ok('backupWrite', { path: '~/usercred.p12', password: ${JSON.stringify(PASSWORD)}, confirm: ${JSON.stringify(PASSWORD)}, format: 'modern', remember: true, importToBrowser: false });
  out.defaults = await ok('uploadDefaults', {});
  out.sandboxHome = out.defaults.sandbox.homeDir;
  const t = out.defaults.target;
  out.upload = await ok('uploadStart', { uploadId: uploadId(), target: t, auth: { method: 'sandbox-account' }, credential: { p12Path: out.defaults.p12.path } });
  out.after = await ok('uploadDefaults', {});
`);
    expect(first.backup).toMatchObject({ path: p12(), rememberedIn: 'Secret Service (GNOME Keyring / KWallet)' });
    // Before the backup there is nothing to remember.
    expect(first.before).toMatchObject({ p12: null, p12PasswordRemembered: false });
    expect(first.defaults).toMatchObject({ p12: { path: p12(), source: 'backup', exists: true }, p12PasswordRemembered: true, p12PasswordKeychain: 'Secret Service (GNOME Keyring / KWallet)' });
    expect(first.defaults.p12PasswordStale).toBeUndefined();
    // A boolean, never the secret.
    expect(JSON.stringify([first.defaults, first.upload, first.after])).not.toContain(PASSWORD);
    // The password really is in GNOME Keyring (libsecret's own client finds it).
    const look = spawnSync('secret-tool', ['lookup', 'service', 'osg-onboard', 'account', `backup-password:${first.credentialId}`], { env: bus.env, encoding: 'utf8', timeout: 20_000 });
    expect(look.stdout).toBe(PASSWORD);

    expect(first.upload).toMatchObject({ sandbox: true, p12Path: p12(), keyPassphrase: 'p12-password' });
    const g = globus();
    expect(readFileSync(path.join(g, 'usercred.p12')).equals(readFileSync(p12()))).toBe(true);
    expect(statSync(path.join(g, 'usercred.p12')).mode & 0o777).toBe(0o400);
    expect(statSync(path.join(g, 'userkey.pem')).mode & 0o777).toBe(0o400);
    expect(statSync(path.join(g, 'usercert.pem')).mode & 0o777).toBe(0o644);
    const certFp = openssl(['x509', '-in', path.join(g, 'usercert.pem'), '-noout', '-fingerprint', '-sha256']).trim().replace(/^.*=/, '');
    expect(certFp).toBe(first.backup.fingerprintSha256);
    // userkey.pem opens with the remembered .p12 password and is the certificate's key.
    const keyPub = openssl(['pkey', '-in', path.join(g, 'userkey.pem'), '-passin', `pass:${PASSWORD}`, '-pubout']);
    expect(() => openssl(['pkey', '-in', path.join(g, 'userkey.pem'), '-passin', 'pass:wrong', '-pubout'])).toThrow();
    expect(openssl(['x509', '-in', path.join(g, 'usercert.pem'), '-noout', '-pubkey'])).toBe(keyPub);
  });

  it('after a restart: a changed file is refused with “type it” and the typed password wins; no keychain entry → asked by field', () => {
    const original = readFileSync(p12());
    const other = makeTestCredential('Someone Else', OTHER_PASSWORD);
    writeFileSync(p12(), other.p12, { mode: 0o600 });
    const backupFile = path.join(work, 'original.p12');
    writeFileSync(backupFile, original);
    const second = app(`
  const d = await ok('uploadDefaults', {});
  out.changedDefaults = d;
  out.stale = await fails('uploadStart', { uploadId: uploadId(), target: d.target, auth: { method: 'sandbox-account' }, credential: { p12Path: d.p12.path } });
  out.typed = await ok('uploadStart', { uploadId: uploadId(), target: d.target, auth: { method: 'sandbox-account' }, credential: { p12Path: d.p12.path, password: ${JSON.stringify(OTHER_PASSWORD)} } });
  const { copyFileSync } = await import('node:fs');
  copyFileSync(${JSON.stringify(backupFile)}, d.p12.path);
  out.restoredDefaults = await ok('uploadDefaults', {});
  await new KeytarSecretStore().delete('backup-password:${first.credentialId}');
  out.goneDefaults = await ok('uploadDefaults', {});
  out.required = await fails('uploadStart', { uploadId: uploadId(), target: d.target, auth: { method: 'sandbox-account' }, credential: { p12Path: d.p12.path } });
  out.status = (await ok('uploadStatus', {})).lastError;
`) as Record<string, any>;
    expect(second.changedDefaults).toMatchObject({ p12PasswordRemembered: false, p12PasswordStale: expect.stringContaining('no longer opens the file') });
    expect(second.stale.code).toBe('UPLOAD_P12_PASSWORD_STALE');
    expect(second.stale.message).toContain(p12());
    expect(second.stale.hint).toMatch(/Type the file’s password/);
    // The typed one wins: the other file went to the host.
    expect(second.typed).toMatchObject({ p12Path: p12() });
    expect(sha256(readFileSync(path.join(globus(), 'usercred.p12')))).toBe(sha256(other.p12));
    // The original back: remembered again (the file, not its name, decides).
    expect(second.restoredDefaults).toMatchObject({ p12PasswordRemembered: true });
    expect(second.goneDefaults.p12PasswordRemembered).toBe(false);
    expect(second.goneDefaults.p12PasswordStale).toBeUndefined();
    expect(second.required).toMatchObject({ code: 'UPLOAD_P12_PASSWORD_REQUIRED', details: { field: 'password' } });
    expect(second.required.message).toContain('Password of the usercred.p12');
    expect(second.required.message).toContain('no longer holds it');
    expect(second.status.code).toBe('UPLOAD_P12_PASSWORD_REQUIRED');
  });
});
