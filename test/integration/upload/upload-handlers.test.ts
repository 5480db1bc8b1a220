/**
 * The Upload step's procedures, through the app's real dispatcher and services, against the
 * sandbox submit host (ssh2 server in this process): the host-key question round trip, the
 * upload into the sandbox home checked on disk with openssl, backups, a dropped connection
 * resumed, cancel, timeouts, busy, wrong passwords, and one-time codes asked through the window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDispatcher, createServices, type Services } from '../../../electron/services';
import { UploadStep, createUploadStep } from '../../../electron/services/upload/upload-handlers';
import { createTransferService } from '../../../electron/services/transfer';
import { startSandboxSubmitHost } from '../../../electron/sandbox/submit-host';
import type { EventName, EventPayload, UploadView, UploadStatusView, UploadDefaults } from '../../../shared/contract';
import type { WireError } from '../../../shared/errors';
import { freePort, sshKeygenFingerprint } from '../../helpers/sshd';
import { makeTestCredential, type TestCredential } from '../transfer/credential-fixture';

type Ev = { event: EventName; payload: EventPayload<EventName> };
type Question = EventPayload<'uploadQuestion'>;

/** openssl without blocking this process's event loop (the sandbox host runs in it). */
function run(cmd: string, args: string[]): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d));
    p.stderr.on('data', (d: Buffer) => (out += d));
    p.on('close', (status) => resolve({ status, out }));
  });
}

const P12_PW = 'test-pass-1';
let work: string;
let home: string;
let dataDir: string;
let services: Services;
let call: ReturnType<typeof createDispatcher>;
const events: Ev[] = [];
const onEvent: ((e: Ev) => void)[] = [];
let cred1: TestCredential;
let cred2: TestCredential;
let cred3: TestCredential;
let n = 0;

async function ok<T>(name: string, input: unknown): Promise<T> {
  const env = await call(name, input);
  if (!env.ok) throw new Error(`${name}: ${JSON.stringify(env.error)}`);
  return env.value as T;
}
async function fails(name: string, input: unknown): Promise<WireError> {
  const env = await call(name, input);
  if (env.ok) throw new Error(`${name} should have failed`);
  return env.error;
}
function nextQuestion(): Promise<Question> {
  return new Promise((resolve) => {
    const f = (e: Ev) => {
      if (e.event === 'uploadQuestion' && (e.payload as Question).open) {
        onEvent.splice(onEvent.indexOf(f), 1);
        resolve(e.payload as Question);
      }
    };
    onEvent.push(f);
  });
}
function p12File(c: TestCredential): string {
  const f = path.join(home, 'certs', `usercred-${++n}.p12`);
  mkdirSync(path.dirname(f), { recursive: true });
  writeFileSync(f, c.p12, { mode: 0o600 });
  return f;
}

let sandboxHost: Awaited<ReturnType<NonNullable<Services['sandbox']>['submitHost']>>;
const globus = () => path.join(sandboxHost.homeDir, '.globus');
const mode = (p: string) => statSync(p).mode & 0o7777;
const id = () => `test-upload-${++n}-${Date.now()}`;
function startInput(p12Path: string, extra: Record<string, unknown> = {}) {
  return {
    uploadId: id(),
    target: { host: sandboxHost.host, port: sandboxHost.port, username: sandboxHost.username },
    auth: { method: 'sandbox-account' },
    credential: { p12Path, password: P12_PW },
    ...extra,
  };
}

beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'osg-upload-it-'));
  home = path.join(work, 'home');
  dataDir = path.join(work, 'data');
  mkdirSync(home);
  services = createServices({
    dataDir,
    homeDir: home,
    environment: 'sandbox',
    shell: 'cli',
    emit: (event, payload) => {
      const e = { event, payload } as Ev;
      events.push(e);
      for (const f of [...onEvent]) f(e);
    },
  });
  call = createDispatcher(services.handlers);
  await ok('voChoose', { name: 'sandbox' });
  sandboxHost = await services.sandbox!.submitHost();
  cred1 = makeTestCredential('Upload User 1', P12_PW);
  cred2 = makeTestCredential('Upload User 2', P12_PW);
  cred3 = makeTestCredential('Upload User 3', P12_PW);
});

afterAll(async () => {
  await services?.dispose();
  rmSync(work, { recursive: true, force: true });
});

describe('Upload step procedures against the sandbox submit host', () => {
  it('offers the sandbox submit host (its key as ssh-keygen prints it) and the Back up step’s p12', async () => {
    const d = await ok<UploadDefaults>('uploadDefaults', {});
    expect(d.environment).toBe('sandbox');
    expect(d.vo).toBe('sandbox');
    expect(d.hosts[0]).toMatchObject({ source: 'sandbox', host: '127.0.0.1', port: sandboxHost.port });
    expect(d.target).toEqual({ host: '127.0.0.1', port: sandboxHost.port, username: 'sandbox' });
    const fp = sshKeygenFingerprint(path.join(dataDir, 'sandbox', 'submit-host', 'ssh_host_ed25519_key.pub'));
    expect(d.sandbox).toMatchObject({ username: 'sandbox', homeDir: sandboxHost.homeDir, hostKey: { keyType: 'ssh-ed25519', keyTypeLabel: 'ED25519', fingerprint: fp } });
    expect(d.sandbox!.accountFile).toBe(path.join(dataDir, 'sandbox', 'submit-host', 'account.json'));
    // No password of the sandbox account crosses the contract.
    expect(JSON.stringify(d)).not.toContain(sandboxHost.password);
    expect(d.p12).toBeNull();
    expect(d.running).toBeNull();
    expect(d.last).toBeNull();

    const saved = p12File(cred1);
    await services.journal.update((j) => {
      (j as Record<string, unknown>).backup = { last: { path: saved, savedAt: '2026-11-24T12:00:00.000Z', subject: '/DC=org/CN=x', notAfter: '2027-01-01T00:00:00.000Z' } };
    });
    expect((await ok<UploadDefaults>('uploadDefaults', {})).p12).toMatchObject({ path: saved, exists: true, source: 'backup' });
  });

  it('asks about the unknown host key with no connection open; “no” sends nothing', async () => {
    const p12 = p12File(cred1);
    const input = startInput(p12);
    const asked = nextQuestion();
    const started = call('uploadStart', input);
    const q = await asked;
    expect(q).toMatchObject({ uploadId: input.uploadId, kind: 'host-key', host: '127.0.0.1', port: sandboxHost.port, keyType: 'ssh-ed25519', keyTypeLabel: 'ED25519', fingerprint: sandboxHost.hostKey.fingerprint, sandboxFingerprint: sandboxHost.hostKey.fingerprint });
    const st = await ok<UploadStatusView>('uploadStatus', {});
    expect(st.running).toMatchObject({ uploadId: input.uploadId, question: { questionId: q.questionId } });
    expect(st.running!.files.map((f) => `${f.name} ${f.state}`)).toEqual(['userkey.pem waiting', 'usercert.pem waiting', 'usercred.p12 waiting']);
    // A second upload meanwhile is refused.
    expect((await fails('uploadStart', startInput(p12))).code).toBe('UPLOAD_BUSY');
    await ok('uploadAnswer', { uploadId: input.uploadId, questionId: q.questionId, accept: false });
    const env = await started;
    expect(env.ok).toBe(false);
    expect(!env.ok && env.error).toMatchObject({ code: 'TRANSFER_HOST_KEY_REJECTED', details: { fingerprint: sandboxHost.hostKey.fingerprint } });
    expect(existsSync(globus())).toBe(false);
    expect(existsSync(path.join(dataDir, 'known_hosts'))).toBe(false);
    expect((await services.journal.read()).steps.upload).toMatchObject({ status: 'failed', summary: 'host key not trusted' });
    expect((await ok<UploadStatusView>('uploadStatus', {})).lastError?.code).toBe('TRANSFER_HOST_KEY_REJECTED');
  });

  it('“yes” uploads: modes 0700/0400/0644/0400, bytes as built from the p12, key opens with the p12 password, listing and openssl', async () => {
    const p12 = p12File(cred1);
    const input = startInput(p12);
    const asked = nextQuestion();
    const started = ok<UploadView>('uploadStart', input);
    const q = await asked;
    await ok('uploadAnswer', { uploadId: input.uploadId, questionId: q.questionId, accept: true });
    const r = await started;
    expect(r).toMatchObject({ host: '127.0.0.1', port: sandboxHost.port, username: 'sandbox', sandbox: true, directory: '/home/sandbox/.globus', directoryModeText: 'drwx------', keyPassphrase: 'p12-password' });
    expect(r.hostKey).toEqual({ keyType: 'ssh-ed25519', keyTypeLabel: 'ED25519', fingerprint: sandboxHost.hostKey.fingerprint, trust: 'accepted' });
    expect(r.files.map((f) => `${f.name} ${f.modeText} ${f.status} ${f.backupPath ?? '-'}`)).toEqual([
      'userkey.pem -r-------- installed -',
      'usercert.pem -rw-r--r-- installed -',
      'usercred.p12 -r-------- installed -',
    ]);
    expect(r.listing.map((e) => `${e.modeText} ${e.name}`)).toEqual(['-rw-r--r-- usercert.pem', '-r-------- usercred.p12', '-r-------- userkey.pem']);
    expect(mode(globus())).toBe(0o700);
    expect([mode(path.join(globus(), 'usercred.p12')), mode(path.join(globus(), 'usercert.pem')), mode(path.join(globus(), 'userkey.pem'))]).toEqual([0o400, 0o644, 0o400]);
    expect(readFileSync(path.join(globus(), 'usercred.p12')).equals(cred1.p12)).toBe(true);
    expect(r.listing.find((e) => e.name === 'usercred.p12')!.size).toBe(cred1.p12.length);
    const key = path.join(globus(), 'userkey.pem');
    expect(readFileSync(key, 'utf8')).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    expect((await run('openssl', ['pkey', '-in', key, '-passin', `pass:${P12_PW}`, '-noout'])).status).toBe(0);
    expect((await run('openssl', ['pkey', '-in', key, '-passin', 'pass:wrong', '-noout'])).status).not.toBe(0);
    const local = await run('openssl', ['x509', '-noout', '-subject', '-enddate', '-in', path.join(globus(), 'usercert.pem')]);
    expect(r.openssl).toMatchObject({ available: true, exitCode: 0, output: local.out.trim() });
    expect(r.openssl.output).toContain('CN = Upload User 1');
    expect((await run('ssh-keygen', ['-F', `[127.0.0.1]:${sandboxHost.port}`, '-f', path.join(dataDir, 'known_hosts')])).out).toContain('ssh-ed25519');
    const j = await services.journal.read();
    expect(j.steps.upload).toMatchObject({ status: 'done', summary: 'sandbox@127.0.0.1' });
    expect((await ok<UploadStatusView>('uploadStatus', {})).last?.uploadId).toBe(input.uploadId);
    // Per-file progress went out as upload:<file> events, each file ending in place.
    const last = new Map<string, string>();
    for (const e of events) if (e.event === 'progress' && (e.payload as { task: string }).task.startsWith('upload:')) last.set((e.payload as { task: string }).task, (e.payload as { label: string }).label);
    expect([...last.entries()]).toEqual([
      ['upload:userkey.pem', 'userkey.pem: in place'],
      ['upload:usercert.pem', 'usercert.pem: in place'],
      ['upload:usercred.p12', 'usercred.p12: in place'],
    ]);
  });

  it('the same p12 again is left alone; a renewed one keeps the old files as .bak-*, with its own key passphrase', async () => {
    const again = await ok<UploadView>('uploadStart', startInput(p12File(cred1)));
    expect(again.files.map((f) => f.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    const oldCert = readFileSync(path.join(globus(), 'usercert.pem'));
    const r = await ok<UploadView>('uploadStart', startInput(p12File(cred2), { credential: { p12Path: p12File(cred2), password: P12_PW, keyPassphrase: 'a different one', keyPassphraseConfirm: 'a different one' } }));
    expect(r.keyPassphrase).toBe('own');
    expect(r.files.every((f) => f.status === 'installed' && /\/\.globus\/user(key|cert|cred)\.(pem|p12)\.bak-\d{8}T\d{6}Z$/.test(f.backupPath ?? ''))).toBe(true);
    const certBak = r.files.find((f) => f.name === 'usercert.pem')!.backupPath!;
    expect(readFileSync(path.join(globus(), path.posix.basename(certBak))).equals(oldCert)).toBe(true);
    expect((await run('openssl', ['pkey', '-in', path.join(globus(), 'userkey.pem'), '-passin', 'pass:a different one', '-noout'])).status).toBe(0);
    expect(r.openssl.output).toContain('CN = Upload User 2');
    // Typed twice differently: refused before anything happens.
    expect((await fails('uploadStart', startInput(p12File(cred2), { credential: { p12Path: p12File(cred2), password: P12_PW, keyPassphrase: 'a different one', keyPassphraseConfirm: 'a different 1' } }))).code).toBe('UPLOAD_KEY_PASSPHRASE_MISMATCH');
  });

  it('a connection dropped mid-upload says which files were checked; “Try again” skips them', async () => {
    const p12 = p12File(cred3);
    let dropped = 0;
    const drop = (e: Ev) => {
      const p = e.payload as { task?: string; label?: string };
      if (!dropped && e.event === 'progress' && p.task === 'upload:usercred.p12' && p.label?.includes('sending')) dropped = sandboxHost.dropConnections();
    };
    onEvent.push(drop);
    const err = await fails('uploadStart', startInput(p12));
    onEvent.splice(onEvent.indexOf(drop), 1);
    expect(dropped).toBe(1);
    expect(err).toMatchObject({ code: 'TRANSFER_CONNECTION_DROPPED', details: { checked: 'userkey.pem,usercert.pem' } });
    // Nothing new under a final name: the renewed files of the last upload are still there.
    expect(readFileSync(path.join(globus(), 'usercred.p12')).equals(cred2.p12)).toBe(true);
    const r = await ok<UploadView>('uploadStart', startInput(p12));
    expect(r.files.map((f) => f.status)).toEqual(['resumed', 'resumed', 'installed']);
    expect(readFileSync(path.join(globus(), 'usercred.p12')).equals(cred3.p12)).toBe(true);
    expect(readdirSync(globus()).filter((f) => f.includes('osg-upload'))).toEqual([]);
  });

  it('wrong SSH password, wrong p12 password, wrong host for the sandbox account, a closed port', async () => {
    const p12 = p12File(cred3);
    const auth = await fails('uploadStart', startInput(p12, { auth: { method: 'password', password: 'not the password' } }));
    expect(auth).toMatchObject({ code: 'TRANSFER_AUTH_FAILED' });
    expect(auth.message).toContain('did not accept the login for “sandbox”');
    expect((await services.journal.read()).steps.upload?.status).toBe('failed');
    expect((await fails('uploadStart', startInput(p12, { credential: { p12Path: p12, password: 'wrong' } }))).code).toBe('P12_WRONG_PASSWORD');
    expect((await fails('uploadStart', startInput(path.join(home, 'nothing.p12')))).code).toBe('UPLOAD_P12_MISSING');
    const closed = await freePort();
    const other = startInput(p12, { target: { host: '127.0.0.1', port: closed, username: 'sandbox' } });
    expect((await fails('uploadStart', other)).code).toBe('UPLOAD_SANDBOX_ONLY');
    const unreachable = await fails('uploadStart', { ...other, auth: { method: 'password', password: 'x' } });
    expect(unreachable.code).toBe('TRANSFER_HOST_UNREACHABLE');
    expect(unreachable.message).toContain('refused');
    expect((await fails('uploadStart', startInput(p12, { target: { host: '127.0.0.1', port: 0, username: 'sandbox' } }))).code).toBe('INVALID_INPUT');
  });

  it('Cancel while the host-key question waits: the question is withdrawn, the step is not marked failed', async () => {
    rmSync(path.join(dataDir, 'known_hosts'));
    await services.journal.update((j) => {
      j.steps.upload = { status: 'done', at: new Date().toISOString(), summary: 'before' };
    });
    const input = startInput(p12File(cred3));
    const asked = nextQuestion();
    const started = call('uploadStart', input);
    const q = await asked;
    expect(await ok('uploadCancel', { uploadId: 'someone-elses-id' })).toEqual({ cancelled: false });
    expect(await ok('uploadCancel', { uploadId: input.uploadId })).toEqual({ cancelled: true });
    const env = await started;
    expect(!env.ok && env.error.code).toBe('CANCELLED');
    expect(events.some((e) => e.event === 'uploadQuestion' && !(e.payload as Question).open && (e.payload as Question).questionId === q.questionId)).toBe(true);
    expect((await fails('uploadAnswer', { uploadId: input.uploadId, questionId: q.questionId, accept: true })).code).toBe('UPLOAD_NO_QUESTION');
    expect((await services.journal.read()).steps.upload).toMatchObject({ status: 'done', summary: 'before' });
    expect((await ok<UploadStatusView>('uploadStatus', {})).running).toBeNull();
  });
});

describe('Upload step questions with short waits and one-time codes', () => {
  it('an unanswered host-key question times out and nothing is sent', async () => {
    const dir = path.join(work, 'timeout-data');
    const step = new UploadStep({
      journal: services.journal,
      currentVo: async () => null,
      transfer: createTransferService({ dataDir: dir, homeDir: home, systemKnownHosts: false }),
      sandboxHost: () => services.sandbox!.submitHost(),
      environment: 'sandbox',
      homeDir: home,
      now: () => new Date(),
      emitProgress: () => {},
      emitQuestion: () => {},
      hostKeyTimeoutMs: 150,
    });
    const before = readFileSync(path.join(globus(), 'usercred.p12'));
    await expect(step.start(startInput(p12File(cred1)) as never)).rejects.toMatchObject({ code: 'UPLOAD_QUESTION_TIMEOUT' });
    expect(readFileSync(path.join(globus(), 'usercred.p12')).equals(before)).toBe(true);
    expect(existsSync(path.join(dir, 'known_hosts'))).toBe(false);
  });

  it('one-time codes are asked in the window; a wrong answer count is refused, a wrong code fails the login', async () => {
    const otp = await startSandboxSubmitHost({ dir: path.join(work, 'otp-host'), oneTimeCode: '424242', openssl: false });
    const questions: Question[] = [];
    const waiting: ((q: Question) => void)[] = [];
    const step = createUploadStep({
      journal: services.journal,
      currentVo: async () => null,
      sandbox: null,
      dataDir: path.join(work, 'otp-data'),
      homeDir: home,
      environment: 'production',
      now: () => new Date(),
      emit: (event, payload) => {
        if (event !== 'uploadQuestion' || !(payload as Question).open) return;
        questions.push(payload as Question);
        waiting.shift()?.(payload as Question);
      },
    });
    const next = () => new Promise<Question>((resolve) => waiting.push(resolve));
    try {
      const input = {
        uploadId: 'otp-upload-1',
        target: { host: otp.host, port: otp.port, username: otp.username },
        auth: { method: 'password' as const, password: otp.password },
        credential: { p12Path: p12File(cred1), password: P12_PW },
      };
      const hk = next();
      const started = step.start(input);
      step.answer(input.uploadId, (await hk).questionId, { accept: true });
      const code = await next();
      expect(code).toMatchObject({ kind: 'keyboard', name: 'Sandbox two-step login', prompts: [{ prompt: 'Verification code (sandbox): ', echo: true }] });
      expect(() => step.answer(input.uploadId, code.questionId, { answers: [] })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
      step.answer(input.uploadId, code.questionId, { answers: ['424242'] });
      const r = await started;
      expect(r.sandbox).toBe(false);
      expect(r.files.map((f) => f.status)).toEqual(['installed', 'installed', 'installed']);
      expect(r.openssl).toMatchObject({ available: false, reason: 'the host does not allow running commands' });

      // The host asks again after a wrong code (as sshd does): every ask gets a wrong one.
      let asked = 0;
      const wrong = (q: Question) => {
        if (++asked < 5) waiting.push(wrong);
        step.answer('otp-upload-2', q.questionId, { answers: ['000000'] });
      };
      waiting.push(wrong);
      await expect(step.start({ ...input, uploadId: 'otp-upload-2' })).rejects.toMatchObject({ code: 'TRANSFER_AUTH_FAILED' });
      expect(asked).toBeGreaterThan(0);
      expect(asked).toBeLessThan(5);
      expect(new Set(questions.slice(2).map((q) => q.kind))).toEqual(new Set(['keyboard']));
    } finally {
      await otp.close();
    }
  });
});
