/**
 * The support bundle from a planted data folder + HOME: every kind of secret is put where a real
 * user would have it (keys, the journal, errors through the real dispatcher, the sandbox's
 * account password and enrolment code, a proxy file, a .p12), then the saved bundle is searched
 * for each one. Certificates are made by the real openssl.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash, X509Certificate } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { createDispatcher, createServices, type Dispatcher, type Services } from '../../../electron/services';
import { ERROR_LOG_FILE, ErrorLog, MAX_BYTES, MAX_ENTRIES } from '../../../electron/services/support';
import type { SupportPreview, SupportSaved } from '../../../shared/contract';

let root: string;
let dataDir: string;
let home: string;
let services: Services;
let call: Dispatcher;
const savedProxyEnv = process.env.X509_USER_PROXY;

// Every planted secret: none may be in the bundle.
const S = {
  accountPassword: 'Sbx-Account-Pw-7Q2r9',
  enrolmentCode: 'ZX9P-4K2M',
  confirmationId: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  journalPassword: 'Journal-Field-Pw-55',
  historyPassword: 'History-Text-Pw-66',
  adminToken: 'AdminTok9a8b7c6d5e4f',
  bridgeToken: '5f4e3d2c1b0a99887766554433221100aabbccddeeff0011',
  inputPassword: 'Typed-Input-Pw-77',
  keyPassphrase: 'Key-Pass-Planted-88',
  p12Password: 'P12-Pass-Planted-99',
  emailLocal: 'alice.smith',
};
let keyBody: string; // a line of the unencrypted private key's base64
let encKeyBody: string;
let certSha256: string;

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'pipe' });
}

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'osg-support-'));
  dataDir = path.join(root, 'data');
  home = path.join(root, 'home-alice');
  mkdirSync(path.join(home, '.globus'), { recursive: true });
  mkdirSync(path.join(home, 'Downloads'), { recursive: true });
  const globus = path.join(home, '.globus');
  const rawKey = path.join(root, 'raw-key.pem');
  const cert = path.join(globus, 'usercert.pem');
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', rawKey, '-out', cert, '-days', '30',
    '-subj', `/DC=org/DC=example/O=Test/CN=Alice Smith/emailAddress=${S.emailLocal}@physics.example.edu`]);
  openssl(['pkey', '-in', rawKey, '-aes256', '-passout', `pass:${S.keyPassphrase}`, '-out', path.join(globus, 'userkey.pem')]);
  openssl(['pkcs12', '-export', '-in', cert, '-inkey', rawKey, '-passout', `pass:${S.p12Password}`, '-out', path.join(home, 'usercred.p12')]);
  const rawKeyPem = readFileSync(rawKey, 'utf8');
  keyBody = rawKeyPem.split('\n')[5];
  encKeyBody = readFileSync(path.join(globus, 'userkey.pem'), 'utf8').split('\n')[5];
  certSha256 = new X509Certificate(readFileSync(cert)).fingerprint256;
  // The app's credential store with an UNENCRYPTED key (worst case), and a proxy file holding a key.
  const cred = path.join(dataDir, 'credentials', '20261124t190000z-0a1b2c3d');
  mkdirSync(cred, { recursive: true });
  writeFileSync(path.join(cred, 'key.pem'), rawKeyPem, { mode: 0o600 });
  writeFileSync(path.join(cred, 'cert.pem'), readFileSync(cert));
  writeFileSync(path.join(cred, 'meta.json'), JSON.stringify({ id: 'x', passphrase: 'typed', note: S.journalPassword }));
  const proxy = path.join(root, 'x509up_test');
  writeFileSync(proxy, readFileSync(cert, 'utf8') + rawKeyPem, { mode: 0o600 });
  process.env.X509_USER_PROXY = proxy;
  // The sandbox's secrets.
  mkdirSync(path.join(dataDir, 'sandbox', 'submit-host'), { recursive: true });
  writeFileSync(path.join(dataDir, 'sandbox', 'submit-host', 'account.json'), JSON.stringify({ username: 'sandbox', password: S.accountPassword }));
  mkdirSync(path.join(dataDir, 'sandbox', 'ca'), { recursive: true });
  writeFileSync(path.join(dataDir, 'sandbox', 'ca', 'enrolment-code'), `${S.enrolmentCode}\n`);
  writeFileSync(path.join(dataDir, 'sandbox', 'ca', 'ca-key.pem'), rawKeyPem);
  mkdirSync(path.join(dataDir, 'sandbox', 'voms-admin'), { recursive: true });
  writeFileSync(path.join(dataDir, 'sandbox', 'voms-admin', 'state.json'), JSON.stringify({ requests: [{ id: 1, confirmationId: S.confirmationId }] }));
  // The journal: statuses, a history holding a password, a path under HOME, an e-mail, an admin link,
  // the sandbox password and confirmation link copied into text, and a section with a password field.
  writeFileSync(path.join(dataDir, 'journal.json'), JSON.stringify({
    version: 1,
    vo: { name: 'sandbox', chosenAt: '2026-11-24T18:00:00.000Z' },
    customVos: [],
    steps: {
      chooseVo: { status: 'done', at: '2026-11-24T18:00:00.000Z', summary: 'sandbox' },
      trust: { status: 'failed', at: '2026-11-24T18:01:00.000Z', summary: 'NSS database locked' },
    },
    history: [
      { at: '2026-11-24T18:00:00.000Z', step: 'chooseVo', event: 'done', detail: 'sandbox' },
      { at: '2026-11-24T18:02:00.000Z', step: 'request', event: 'note', detail: `password: ${S.historyPassword} in ${home}/.globus for ${S.emailLocal}@physics.example.edu` },
      // A key's base64 pasted without its PEM lines.
      { at: '2026-11-24T18:02:30.000Z', step: 'request', event: 'note', detail: `pasted ${rawKeyPem.split('\n').filter((l) => l && !l.startsWith('-----')).join('\n')}` },
      { at: '2026-11-24T18:03:00.000Z', step: 'register', event: 'note', detail: `admin https://127.0.0.1:9/sandbox-admin/login?token=${S.adminToken} sandbox pw ${S.accountPassword} confirm https://127.0.0.1:9/confirm/${S.confirmationId}` },
    ],
    mystery: { password: S.journalPassword },
    register: { sandbox: { vo: 'sandbox', kind: 'voms-admin', stage: 'pending-approval', dn: '/DC=org/CN=Alice Smith', emailAddress: `${S.emailLocal}@physics.example.edu`, requestedGroups: ['/sandbox'], member: { name: 'Alice', surname: 'Smith', fqans: [], status: 'active', dnMatches: true, certificates: [] } } },
    upload: { last: { host: 'submit.example.org', port: 22, username: 'alice', files: [], warnings: [] }, history: [] },
  }), { mode: 0o600 });
  // A foreign line in the error log: a stack with a key, the HOME path, the bridge token and an e-mail.
  writeFileSync(path.join(dataDir, ERROR_LOG_FILE), JSON.stringify({
    at: '2026-11-24T18:04:00.000Z', procedure: 'uploadStart', code: 'INTERNAL', message: `boom at http://127.0.0.1:1/#token=${S.bridgeToken}`, hint: 'h',
    stack: `Error: boom\n    at ${home}/app/x.js:1:1\n${rawKeyPem}\nmail ${S.emailLocal}@physics.example.edu`,
  }) + '\nnot json\n', { mode: 0o600 });
  services = createServices({ shell: 'browser', dataDir, homeDir: home, environment: 'sandbox' });
  call = createDispatcher(services.handlers);
});

afterAll(async () => {
  await services?.dispose();
  if (savedProxyEnv === undefined) delete process.env.X509_USER_PROXY;
  else process.env.X509_USER_PROXY = savedProxyEnv;
  rmSync(root, { recursive: true, force: true });
});

function expectNoSecrets(text: string): void {
  for (const [name, value] of Object.entries(S)) expect(text, name).not.toContain(value);
  expect(text).not.toMatch(/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/);
  expect(text).not.toContain(keyBody);
  expect(text).not.toContain(encKeyBody);
  expect(text).not.toContain(home);
  expect(text).not.toContain(dataDir);
}

describe('errors.jsonl: what the dispatcher returns, never the input', () => {
  it('records a real failing procedure call with code, name, message, hint and stack, but not the typed password', async () => {
    const r = await call('backupWrite', { path: '~/usercred.p12', password: S.inputPassword, confirm: S.inputPassword });
    expect(r.ok).toBe(false);
    const vo = await call('voChoose', { name: 'no-such-vo' });
    expect(vo).toMatchObject({ ok: false, error: { code: 'VO_NOT_FOUND' } });
    const file = path.join(dataDir, ERROR_LOG_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(S.inputPassword);
    const entries = await new ErrorLog(dataDir).read();
    const mine = entries.filter((e) => e.procedure === 'backupWrite' || e.procedure === 'voChoose');
    expect(mine.map((e) => e.code)).toEqual([r.ok ? '' : r.error.code, 'VO_NOT_FOUND']);
    expect(mine[1]).toMatchObject({ procedure: 'voChoose', message: expect.stringContaining('no-such-vo'), hint: expect.any(String), shell: 'browser' });
    expect(mine[1].stack).toMatch(/OnboardError[\s\S]*\n\s+at /);
    // The foreign line was kept; the torn one dropped (never a crash).
    expect(entries[0].procedure).toBe('uploadStart');
  });

  it('stays bounded (last entries kept, under the byte limit) and 0600', async () => {
    const dir = mkdtempSync(path.join(root, 'bounded-'));
    const log = new ErrorLog(dir);
    const big = 'x'.repeat(3000);
    for (let i = 0; i < 40; i++) {
      await log.append({ at: new Date(0).toISOString(), procedure: `p${i}`, code: 'INTERNAL', message: big, hint: big, stack: big });
    }
    const entries = await log.read();
    const size = statSync(log.file).size;
    expect(size).toBeLessThanOrEqual(MAX_BYTES);
    expect(entries.length).toBeLessThanOrEqual(MAX_ENTRIES);
    expect(entries.length).toBeGreaterThan(20);
    expect(entries[entries.length - 1].procedure).toBe('p39');
    expect(entries.length).toBeLessThan(40); // the oldest went first
    expect(statSync(log.file).mode & 0o777).toBe(0o600);
    // Small entries: exactly the last MAX_ENTRIES.
    const small = new ErrorLog(mkdtempSync(path.join(root, 'small-')));
    for (let i = 0; i < MAX_ENTRIES + 5; i++) await small.append({ at: 't', procedure: `q${i}`, code: 'INTERNAL', message: 'm', hint: 'h' });
    const kept = await small.read();
    expect(kept.length).toBe(MAX_ENTRIES);
    expect(kept[0].procedure).toBe('q5');
  });
});

describe('the support bundle of a planted data folder and HOME', () => {
  let preview: SupportPreview;
  let saved: SupportSaved;
  let text: string;

  beforeAll(async () => {
    // An error naming a path under HOME, through the dispatcher.
    const bad = await call('supportBundleSave', { folder: `${home}/no-such-folder` });
    expect(bad).toMatchObject({ ok: false, error: { code: 'SUPPORT_SAVE_FOLDER_INVALID' } });
    const p = await call('supportBundlePreview', {});
    if (!p.ok) throw new Error(JSON.stringify(p.error));
    preview = p.value as SupportPreview;
    const s = await call('supportBundleSave', {});
    if (!s.ok) throw new Error(JSON.stringify(s.error));
    saved = s.value as SupportSaved;
    text = readFileSync(saved.path, 'utf8');
  });

  it('holds no private key, password, passphrase, token, code, home path or full e-mail', () => {
    expectNoSecrets(text);
    expectNoSecrets(preview.text);
    expectNoSecrets(JSON.stringify({ ...preview, defaultFolder: '' })); // the default folder is shown to the user only
  });

  it('lists what was redacted, by rule, and what is never included', () => {
    const rules = preview.redactions.map((r) => r.rule);
    // (The journal's `mystery.password` never gets that far: other sections are listed by name only.)
    expect(rules).toEqual(expect.arrayContaining(['private-key-block', 'known-secret', 'secret-in-text', 'home-path', 'email']));
    expect(preview.neverIncluded.join(' ')).toMatch(/passwords/);
    expect(JSON.parse(text).redactions.length).toBeGreaterThanOrEqual(5);
  });

  it('keeps what the help desk needs: versions, steps, error codes with stacks, certificate facts, hosts', () => {
    const b = JSON.parse(text);
    expect(b).toMatchObject({ format: 'osg-onboard-support-bundle', version: 1, app: { environment: 'sandbox' }, system: { node: process.versions.node } });
    expect(b.journey.steps.trust.status).toBe('failed');
    expect(b.journey.vo.name).toBe('sandbox');
    expect(b.journey.otherSections).toEqual(['mystery']);
    expect(b.journey.register).toEqual({ sandbox: { vo: 'sandbox', kind: 'voms-admin', stage: 'pending-approval', dn: '/DC=org/CN=Alice Smith', requestedGroups: ['/sandbox'], member: { fqans: [], status: 'active', dnMatches: true } } });
    expect(preview.sections.find((x) => x.id === 'journey')!.lines).toContain('registration with sandbox: pending-approval');
    expect(preview.errorCodes).toEqual(expect.arrayContaining(['SUPPORT_SAVE_FOLDER_INVALID', 'VO_NOT_FOUND', 'INTERNAL']));
    const folderError = b.errors.find((e: { code: string }) => e.code === 'SUPPORT_SAVE_FOLDER_INVALID');
    expect(folderError.message).toContain('~/no-such-folder');
    expect(folderError.stack).toMatch(/\n\s+at /);
    const globus = b.credentials.globus as { file: string; mode: string; holds: string[]; certificates: { sha256: string; subject: string }[] }[];
    const usercert = globus.find((f) => f.file === '~/.globus/usercert.pem')!;
    expect(usercert.certificates[0].sha256).toBe(certSha256);
    expect(usercert.certificates[0].subject).toContain('/CN=Alice Smith/emailAddress=a***@physics.example.edu');
    expect(globus.find((f) => f.file === '~/.globus/userkey.pem')).toMatchObject({ holds: ['ENCRYPTED PRIVATE KEY'], certificates: [] });
    expect(b.credentials.backups[0]).toMatchObject({ file: '~/usercred.p12', holds: ['PKCS#12 or other binary'] });
    expect(b.credentials.proxy).toMatchObject({ source: 'X509_USER_PROXY', holds: ['CERTIFICATE', 'PRIVATE KEY'] });
    expect(b.credentials.proxy.certificates[0].sha256).toBe(certSha256);
    expect(b.upload.last).toEqual({ host: 'submit.example.org', port: 22, warnings: [], files: [] });
    expect(text).not.toContain('"alice"'); // the submit host account name is not needed
    expect(preview.sections.map((s) => s.id)).toEqual(['app', 'system', 'journey', 'errors', 'credentials', 'trust', 'upload']);
  });

  it('is saved 0600 in ~/Downloads, never over another file, with the size and SHA-256 it reports', async () => {
    expect(path.dirname(saved.path)).toBe(path.join(home, 'Downloads'));
    expect(statSync(saved.path).mode & 0o777).toBe(0o600);
    const bytes = readFileSync(saved.path);
    expect(saved.size).toBe(bytes.length);
    expect(saved.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    const again = await call('supportBundleSave', { folder: '~/Downloads' });
    if (!again.ok) throw new Error(JSON.stringify(again.error));
    const second = (again.value as SupportSaved).path;
    expect(second).not.toBe(saved.path);
    expect(readFileSync(saved.path).equals(bytes)).toBe(true);
  });
});
