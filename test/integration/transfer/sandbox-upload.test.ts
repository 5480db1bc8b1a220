/**
 * The same Upload step against the sandbox submit host (ssh2 server side, SFTP v3 without
 * OpenSSH extensions, so the plain-rename paths run), plus OpenSSH's own ssh/sftp clients
 * against the sandbox to show it behaves like a real host. Needs no root.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import { startSandboxSubmitHost, type SandboxSubmitHost } from '../../../electron/sandbox/submit-host';
import { uploadToSubmitHost, type UploadOptions, type KeyboardPrompt } from '../../../electron/services/transfer';
import { OnboardError } from '../../../shared/errors';
import { makeKey, sshKeygenFingerprint } from '../../helpers/sshd';
import { localOpensslSubjectEnddate, makeTestCredential, type TestCredential } from './credential-fixture';

/** The sandbox runs in this process: its clients must not block the event loop (no spawnSync). */
function run(cmd: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const FIXED_NOW = new Date('2026-11-24T12:00:00Z');

async function expectCode(p: Promise<unknown>, code: string): Promise<OnboardError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, `expected ${code}`).toBeInstanceOf(OnboardError);
  expect((e as OnboardError).code).toBe(code);
  return e as OnboardError;
}

describe('upload to the sandbox submit host', () => {
  let work: string;
  let dir: string;
  let host: SandboxSubmitHost;
  let cred1: TestCredential;
  let cred2: TestCredential;
  let clientKey: { path: string; pub: string };

  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'osg-sandbox-it-'));
    dir = path.join(work, 'submit-host');
    clientKey = makeKey(path.join(work, 'client_ed25519'), 'ed25519');
    host = await startSandboxSubmitHost({ dir, authorizedKeys: [clientKey.pub] });
    cred1 = makeTestCredential('Sandbox User 1');
    cred2 = makeTestCredential('Sandbox User 2');
  });
  afterAll(async () => {
    await host?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const globus = () => path.join(host.homeDir, '.globus');
  let n = 0;
  function trusted(): UploadOptions['knownHosts'] {
    const appFile = path.join(work, `kh-${++n}`);
    writeFileSync(appFile, host.knownHostsLine + '\n');
    return { userFiles: [], appFile };
  }
  function base(o: Partial<UploadOptions> = {}): UploadOptions {
    return {
      target: { host: host.host, port: host.port, username: host.username },
      auth: { method: 'password', password: host.password },
      knownHosts: trusted(),
      files: cred1.files,
      now: () => FIXED_NOW,
      ...o,
    };
  }
  const mode = (p: string) => statSync(p).mode & 0o7777;

  it('keeps one host key (fingerprint as ssh-keygen -lf prints it) and one account across restarts', async () => {
    const fp = sshKeygenFingerprint(path.join(dir, 'ssh_host_ed25519_key.pub'));
    expect(host.hostKey.fingerprint).toBe(fp);
    expect(mode(path.join(dir, 'ssh_host_ed25519_key'))).toBe(0o600);
    expect(mode(path.join(dir, 'account.json'))).toBe(0o600);
    const again = await startSandboxSubmitHost({ dir });
    try {
      expect(again.hostKey.fingerprint).toBe(fp);
      expect(again.password).toBe(host.password);
      expect(again.port).not.toBe(host.port);
    } finally {
      await again.close();
    }
  });

  it('asks about the unknown sandbox host; refusal sends nothing; acceptance is remembered', async () => {
    const appFile = path.join(work, 'unknown-kh');
    let fp = '';
    await expectCode(uploadToSubmitHost(base({ knownHosts: { userFiles: [], appFile }, confirmHostKey: async (q) => ((fp = q.fingerprint), false) })), 'TRANSFER_HOST_KEY_REJECTED');
    expect(fp).toBe(host.hostKey.fingerprint);
    expect(existsSync(globus())).toBe(false);
    await uploadToSubmitHost(base({ knownHosts: { userFiles: [], appFile }, confirmHostKey: async () => true }));
    expect(spawnSync('ssh-keygen', ['-F', `[127.0.0.1]:${host.port}`, '-f', appFile]).status).toBe(0); // no network: sync is fine
    rmSync(globus(), { recursive: true, force: true });
  });

  it('uploads into an empty home, then again keeping .bak-* byte for byte (plain SFTP v3 renames)', async () => {
    const r1 = await uploadToSubmitHost(base());
    expect(r1.directory).toBe(`${host.virtualHome}/.globus`);
    expect(mode(globus())).toBe(0o700);
    for (const f of cred1.files) {
      expect(readFileSync(path.join(globus(), f.name)).equals(f.data)).toBe(true);
      expect(mode(path.join(globus(), f.name))).toBe(f.mode);
    }
    expect(r1.listing.map((e) => `${e.modeText} ${e.name}`)).toEqual(['-rw-r--r-- usercert.pem', '-r-------- usercred.p12', '-r-------- userkey.pem']);
    expect(r1.openssl).toMatchObject({ available: true, output: localOpensslSubjectEnddate(cred1.cert) });

    const r2 = await uploadToSubmitHost(base({ files: cred2.files }));
    for (const [i, f] of cred1.files.entries()) {
      const bak = path.join(globus(), `${f.name}.bak-20261124T120000Z`);
      expect(r2.files[i].backupPath).toBe(`${host.virtualHome}/.globus/${f.name}.bak-20261124T120000Z`);
      expect(readFileSync(bak).equals(f.data)).toBe(true);
      expect(mode(bak)).toBe(f.mode);
      expect(readFileSync(path.join(globus(), f.name)).equals(cred2.files[i].data)).toBe(true);
    }
    expect(r2.openssl.output).toBe(localOpensslSubjectEnddate(cred2.cert));
  });

  it('OpenSSH’s own sftp and ssh clients work against the sandbox (key auth)', async () => {
    const kh = path.join(work, 'openssh-kh');
    writeFileSync(kh, host.knownHostsLine + '\n');
    const common = ['-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${kh}`, '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'IdentitiesOnly=yes', '-i', clientKey.path];
    const out = path.join(work, 'fetched.pem');
    const batch = path.join(work, 'batch');
    writeFileSync(batch, `ls -l .globus\nget .globus/usercert.pem ${out}\n`);
    const sftp = await run('sftp', [...common, '-b', batch, '-P', String(host.port), `${host.username}@127.0.0.1`]);
    expect(sftp.stderr).not.toMatch(/denied|failed/i);
    expect(sftp.status).toBe(0);
    expect(sftp.stdout).toMatch(/-r--------.*userkey\.pem/);
    expect(readFileSync(out).equals(cred2.cert)).toBe(true);
    const ssh = await run('ssh', [...common, '-p', String(host.port), `${host.username}@127.0.0.1`, 'openssl x509 -noout -subject -enddate -in ~/.globus/usercert.pem']);
    expect(ssh.status).toBe(0);
    expect(ssh.stdout.trim()).toBe(localOpensslSubjectEnddate(cred2.cert));
    const other = await run('ssh', [...common, '-p', String(host.port), `${host.username}@127.0.0.1`, 'cat /etc/passwd']);
    expect(other.status).toBe(127);
    expect(other.stdout).toBe('');
  });

  it('keeps SFTP inside the sandbox home (no path or symlink outside)', async () => {
    symlinkSync('/etc', path.join(host.homeDir, 'escape'));
    const client = new ssh2.Client();
    await new Promise<void>((resolve, reject) => {
      client.on('ready', resolve).on('error', reject);
      client.connect({ host: host.host, port: host.port, username: host.username, password: host.password, hostVerifier: () => true });
    });
    try {
      const sftp = await new Promise<ssh2.SFTPWrapper>((res, rej) => client.sftp((e, s) => (e ? rej(e) : res(s))));
      const tryOp = (f: (cb: (err?: Error & { code?: number }) => void) => void) => new Promise<number | undefined>((res) => f((err) => res(err?.code)));
      expect(await tryOp((cb) => sftp.stat('/etc/passwd', cb))).toBe(3);
      expect(await tryOp((cb) => sftp.stat('../../../../etc/passwd', cb))).toBe(3);
      expect(await tryOp((cb) => sftp.stat('escape/passwd', cb))).toBe(3);
      expect(await tryOp((cb) => sftp.open('escape/osg-should-not-exist', 'w', cb))).toBe(3);
      expect(existsSync('/etc/osg-should-not-exist')).toBe(false);
    } finally {
      client.end();
      rmSync(path.join(host.homeDir, 'escape'));
    }
  });

  it('wrong password → auth error; a one-time code is asked through the prompt callback', async () => {
    await expectCode(uploadToSubmitHost(base({ auth: { method: 'password', password: 'wrong' } })), 'TRANSFER_AUTH_FAILED');
    const otpDir = path.join(work, 'otp-host');
    const otp = await startSandboxSubmitHost({ dir: otpDir, oneTimeCode: '424242', openssl: false });
    try {
      const kh = path.join(work, 'otp-kh');
      writeFileSync(kh, otp.knownHostsLine + '\n');
      const target = { host: otp.host, port: otp.port, username: otp.username };
      const seen: KeyboardPrompt[] = [];
      const r = await uploadToSubmitHost(
        base({ target, knownHosts: { userFiles: [], appFile: kh }, auth: { method: 'password', password: otp.password }, promptKeyboard: async (q) => (seen.push(q), ['424242']) }),
      );
      expect(seen).toHaveLength(1);
      expect(seen[0].prompts).toEqual([{ prompt: 'Verification code (sandbox): ', echo: true }]);
      expect(r.files).toHaveLength(3);
      // This host refuses commands: the check says so instead of failing.
      expect(r.openssl).toMatchObject({ available: false, reason: 'the host does not allow running commands' });
      await expectCode(
        uploadToSubmitHost(base({ target, knownHosts: { userFiles: [], appFile: kh }, auth: { method: 'password', password: otp.password }, promptKeyboard: async () => ['000000'] })),
        'TRANSFER_AUTH_FAILED',
      );
    } finally {
      await otp.close();
    }
  });

  it('a dropped connection leaves no final name; the retry resumes; a full quota is “disk full”', async () => {
    const dropDir = path.join(work, 'drop-host');
    let h = await startSandboxSubmitHost({ dir: dropDir, quotaBytes: 64 * 1024 });
    try {
      const kh = () => {
        const f = path.join(work, `drop-kh-${++n}`);
        writeFileSync(f, h.knownHostsLine + '\n');
        return { userFiles: [], appFile: f };
      };
      const t = () => ({ host: h.host, port: h.port, username: h.username });
      const full = await expectCode(
        uploadToSubmitHost(base({ target: t(), knownHosts: kh(), auth: { method: 'password', password: h.password }, files: [{ name: 'usercred.p12', data: Buffer.alloc(200 * 1024, 3), mode: 0o400 }] })),
        'TRANSFER_DISK_FULL',
      );
      expect(full.details?.path).toBe(`${h.virtualHome}/.globus/usercred.p12`);
      expect(readdirSync(path.join(h.homeDir, '.globus'))).toEqual([]);
      await h.close();

      h = await startSandboxSubmitHost({ dir: dropDir });
      const big = Buffer.alloc(6 * 1024 * 1024, 9);
      const files = [cred1.files[0], cred1.files[1], { name: 'usercred.p12', data: big, mode: 0o400 }];
      let dropped = 0;
      const e = await expectCode(
        uploadToSubmitHost(
          base({
            target: t(),
            knownHosts: kh(),
            auth: { method: 'password', password: h.password },
            files,
            onProgress: (p) => {
              if (!dropped && p.phase === 'sending' && p.file === 'usercred.p12' && (p.bytesDone ?? 0) >= 512 * 1024) dropped = h.dropConnections();
            },
          }),
        ),
        'TRANSFER_CONNECTION_DROPPED',
      );
      expect(dropped).toBe(1);
      expect(e.details?.checked).toBe('userkey.pem,usercert.pem');
      const g = path.join(h.homeDir, '.globus');
      expect(readdirSync(g).filter((x) => !x.startsWith('.'))).toEqual([]);
      const r = await uploadToSubmitHost(base({ target: t(), knownHosts: kh(), auth: { method: 'password', password: h.password }, files }));
      expect(r.files.map((f) => f.status)).toEqual(['resumed', 'resumed', 'installed']);
      expect(readdirSync(g).sort()).toEqual(['usercert.pem', 'usercred.p12', 'userkey.pem']);
      expect(readFileSync(path.join(g, 'usercred.p12')).equals(big)).toBe(true);
    } finally {
      await h.close();
    }
  });

  it('logs in with an authorized key', async () => {
    const r = await uploadToSubmitHost(base({ auth: { method: 'key', privateKey: readFileSync(clientKey.path) }, files: cred2.files }));
    expect(r.files.map((f) => f.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
  });
});
