/**
 * The Upload step against a real OpenSSH sshd (own config, host keys, PAM, a test account
 * with a password and authorized keys) on 127.0.0.1. Remote results are checked twice: over
 * SFTP by the service's listing, and with stat/read on the local file system (same machine).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startSshd, sshdUnavailable, startSshAgent, type Sshd } from '../../helpers/sshd';
import { uploadToSubmitHost, type UploadOptions, type HostKeyQuestion, type UploadProgress } from '../../../electron/services/transfer';
import { OnboardError } from '../../../shared/errors';
import { localOpensslSubjectEnddate, makeTestCredential, type TestCredential } from './credential-fixture';

const why = sshdUnavailable();
const FIXED_NOW = new Date('2026-11-24T12:00:00Z');

describe.skipIf(why)(`upload to a real OpenSSH sshd${why ? ` (skipped: ${why})` : ''}`, () => {
  let sshd: Sshd;
  let cred1: TestCredential;
  let cred2: TestCredential;
  let work: string;

  beforeAll(async () => {
    sshd = await startSshd({ twoFactorPort: true });
    cred1 = makeTestCredential('Alice Scientist 1');
    cred2 = makeTestCredential('Alice Scientist 2');
    work = mkdtempSync(path.join(os.tmpdir(), 'osg-transfer-it-'));
  });
  afterAll(async () => {
    await sshd?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const globus = () => path.join(sshd.home, '.globus');
  let khCount = 0;
  /** A fresh app known-hosts file that already trusts the sshd's ed25519 key. */
  function trustedKnownHosts(): UploadOptions['knownHosts'] {
    const file = path.join(work, `known_hosts-${++khCount}`);
    writeFileSync(file, `[127.0.0.1]:${sshd.port},[127.0.0.1]:${sshd.twoFactorPort} ${sshd.hostKeys.ed25519.pub}\n`);
    return { userFiles: [], appFile: file };
  }
  function base(overrides: Partial<UploadOptions> = {}): UploadOptions {
    return {
      target: { host: sshd.host, port: sshd.port, username: sshd.user },
      auth: { method: 'password', password: sshd.password },
      knownHosts: trustedKnownHosts(),
      files: cred1.files,
      now: () => FIXED_NOW,
      ...overrides,
    };
  }
  async function expectCode(p: Promise<unknown>, code: string): Promise<OnboardError> {
    const e = await p.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e, `expected ${code}`).toBeInstanceOf(OnboardError);
    expect((e as OnboardError).code).toBe(code);
    return e as OnboardError;
  }
  function resetGlobus(): void {
    rmSync(globus(), { recursive: true, force: true });
  }
  function authLines(): number {
    return (sshd.log().match(/^(Accepted|Failed|Postponed) /gm) ?? []).length;
  }
  function mode(p: string): number {
    return statSync(p).mode & 0o7777;
  }

  it('asks about an unknown host with the fingerprint ssh-keygen prints; a “no” sends nothing', async () => {
    resetGlobus();
    const appFile = path.join(work, 'unknown-app-known_hosts');
    const asked: HostKeyQuestion[] = [];
    const before = authLines();
    await expectCode(
      uploadToSubmitHost(base({ knownHosts: { userFiles: [], appFile }, confirmHostKey: async (q) => (asked.push(q), false) })),
      'TRANSFER_HOST_KEY_REJECTED',
    );
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ host: '127.0.0.1', port: sshd.port, keyType: 'ssh-ed25519', fingerprint: sshd.hostKeys.ed25519.fingerprint });
    expect(existsSync(appFile)).toBe(false);
    expect(existsSync(globus())).toBe(false);
    expect(authLines()).toBe(before); // no password, no key was offered

    // Without a way to ask, the error carries the fingerprint to confirm out of band.
    const unknown = await expectCode(uploadToSubmitHost(base({ knownHosts: { userFiles: [], appFile } })), 'TRANSFER_HOST_KEY_UNKNOWN');
    expect(unknown.details?.fingerprint).toBe(sshd.hostKeys.ed25519.fingerprint);

    // “Yes” saves it (hashed); OpenSSH itself accepts the file we wrote, and we do not ask twice.
    await uploadToSubmitHost(base({ knownHosts: { userFiles: [], appFile }, confirmHostKey: async () => true }));
    const saved = readFileSync(appFile, 'utf8');
    expect(saved).toMatch(/^\|1\|[A-Za-z0-9+/=]+\|[A-Za-z0-9+/=]+ ssh-ed25519 AAAA/);
    expect(spawnSync('ssh-keygen', ['-F', `[127.0.0.1]:${sshd.port}`, '-f', appFile]).status).toBe(0);
    const ssh = spawnSync('ssh', ['-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${appFile}`, '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'HostKeyAlgorithms=ssh-ed25519', '-o', 'IdentitiesOnly=yes', '-i', sshd.clientKey.path, '-p', String(sshd.port), `${sshd.user}@127.0.0.1`, 'true'], { encoding: 'utf8' });
    expect(ssh.stderr).not.toMatch(/verification failed|REMOTE HOST IDENTIFICATION/);
    expect(ssh.status).toBe(0);
    let askedAgain = false;
    const r = await uploadToSubmitHost(base({ knownHosts: { userFiles: [], appFile }, confirmHostKey: async () => (askedAgain = true) }));
    expect(askedAgain).toBe(false);
    expect(r.hostKey).toEqual({ keyType: 'ssh-ed25519', fingerprint: sshd.hostKeys.ed25519.fingerprint, trust: 'known' });
  });

  it('uploads into an empty home: 0700 folder, exact modes, identical bytes, openssl run remotely', async () => {
    resetGlobus();
    const events: UploadProgress[] = [];
    const r = await uploadToSubmitHost(base({ onProgress: (p) => events.push(p) }));
    expect(r.files.map((f) => [f.name, f.status, f.mode, f.backupPath])).toEqual([
      ['userkey.pem', 'installed', 0o400, undefined],
      ['usercert.pem', 'installed', 0o644, undefined],
      ['usercred.p12', 'installed', 0o400, undefined],
    ]);
    // Local file system: same machine, so the real modes, owner and bytes.
    expect(mode(globus())).toBe(0o700);
    expect(statSync(globus()).uid).toBe(sshd.uid);
    for (const f of cred1.files) {
      const p = path.join(globus(), f.name);
      expect(mode(p)).toBe(f.mode);
      expect(statSync(p).uid).toBe(sshd.uid);
      expect(readFileSync(p).equals(f.data)).toBe(true);
    }
    expect(readdirSync(globus()).sort()).toEqual(['usercert.pem', 'usercred.p12', 'userkey.pem']); // no temp left
    // Over SFTP: the listing says the same.
    expect(r.directoryMode).toBe(0o700);
    expect(r.listing.map((e) => [e.name, e.modeText, e.size])).toEqual([
      ['usercert.pem', '-rw-r--r--', cred1.cert.length],
      ['usercred.p12', '-r--------', cred1.p12.length],
      ['userkey.pem', '-r--------', cred1.key.length],
    ]);
    expect(r.openssl.available).toBe(true);
    expect(r.openssl.output).toBe(localOpensslSubjectEnddate(cred1.cert));
    expect(r.certificate?.subject).toBe('/DC=org/DC=example/O=OSG Test/CN=Alice Scientist 1');
    // Per-file progress reached each file's size.
    for (const f of cred1.files) {
      expect(events.some((e) => e.phase === 'sending' && e.file === f.name && e.bytesDone === f.data.length && e.bytesTotal === f.data.length)).toBe(true);
    }
  });

  it('a second upload keeps the first files as .bak-<UTC stamp>, byte for byte and mode for mode', async () => {
    resetGlobus();
    await uploadToSubmitHost(base());
    const r = await uploadToSubmitHost(base({ files: cred2.files }));
    const stamp = '20261124T120000Z';
    for (const [i, f] of cred1.files.entries()) {
      const bak = path.join(globus(), `${f.name}.bak-${stamp}`);
      expect(r.files[i].backupPath).toBe(bak);
      expect(readFileSync(bak).equals(f.data)).toBe(true);
      expect(mode(bak)).toBe(f.mode);
      const now = path.join(globus(), f.name);
      expect(readFileSync(now).equals(cred2.files[i].data)).toBe(true);
      expect(mode(now)).toBe(f.mode);
    }
    // Same second again: a distinct backup name, nothing overwritten.
    const r3 = await uploadToSubmitHost(base({ files: cred1.files }));
    expect(r3.files[0].backupPath).toBe(path.join(globus(), `userkey.pem.bak-${stamp}-1`));
    expect(readFileSync(path.join(globus(), `userkey.pem.bak-${stamp}-1`)).equals(cred2.key)).toBe(true);
    // Identical bytes already in place: left alone, no new backup.
    const before = readdirSync(globus()).length;
    const r4 = await uploadToSubmitHost(base({ files: cred1.files }));
    expect(r4.files.map((f) => f.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(readdirSync(globus()).length).toBe(before);
    expect(r4.openssl.output).toBe(localOpensslSubjectEnddate(cred1.cert));
  });

  it('tightens an existing group/world-readable .globus to 0700', async () => {
    resetGlobus();
    sshd.asUser(`mkdir -m 0755 ${globus()}`);
    const r = await uploadToSubmitHost(base());
    expect(r.directoryMode).toBe(0o700);
    expect(mode(globus())).toBe(0o700);
  });

  it('refuses a changed host key with the OpenSSH warning, before any login; nothing is written', async () => {
    resetGlobus();
    const other = path.join(work, 'other_host_key');
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const userKh = path.join(work, 'user_known_hosts_changed');
    writeFileSync(userKh, `# a comment\n[127.0.0.1]:${sshd.port} ${readFileSync(other + '.pub', 'utf8').split(' ').slice(0, 2).join(' ')}\n`);
    const before = authLines();
    const e = await expectCode(
      uploadToSubmitHost(base({ knownHosts: { userFiles: [userKh], appFile: path.join(work, 'app-kh-changed') }, confirmHostKey: async () => true })),
      'TRANSFER_HOST_KEY_CHANGED',
    );
    expect(authLines()).toBe(before);
    expect(existsSync(globus())).toBe(false);
    expect(existsSync(path.join(work, 'app-kh-changed'))).toBe(false);
    expect(e.details).toMatchObject({ file: userKh, line: 2, fingerprint: sshd.hostKeys.ed25519.fingerprint });
    // The same words OpenSSH's own ssh prints for this known_hosts file.
    const ssh = spawnSync('ssh', ['-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${userKh}`, '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'HostKeyAlgorithms=ssh-ed25519', '-p', String(sshd.port), `${sshd.user}@127.0.0.1`, 'true'], { encoding: 'utf8' });
    expect(ssh.status).not.toBe(0);
    const theirs = ssh.stderr.split('\n').map((l) => l.trimEnd()).filter(Boolean);
    const ours = String(e.details?.warning).split('\n');
    expect(theirs).toEqual(ours);
  });

  it('negotiates the key type already known (RSA) instead of asking about another type', async () => {
    const userKh = path.join(work, 'user_known_hosts_rsa');
    writeFileSync(userKh, `[127.0.0.1]:${sshd.port} ${sshd.hostKeys.rsa.pub}\n`);
    let asked = false;
    const r = await uploadToSubmitHost(base({ knownHosts: { userFiles: [userKh], appFile: path.join(work, 'app-kh-rsa') }, confirmHostKey: async () => (asked = true) }));
    expect(asked).toBe(false);
    expect(r.hostKey).toEqual({ keyType: 'ssh-rsa', fingerprint: sshd.hostKeys.rsa.fingerprint, trust: 'known' });
  });

  it('a wrong password is an authentication error', async () => {
    resetGlobus();
    const e = await expectCode(uploadToSubmitHost(base({ auth: { method: 'password', password: 'not-the-password' } })), 'TRANSFER_AUTH_FAILED');
    expect(e.details?.user).toBe(sshd.user);
    expect(existsSync(globus())).toBe(false);
  });

  it('logs in with a private key protected by a passphrase', async () => {
    resetGlobus();
    const keyData = readFileSync(sshd.clientKeyWithPassphrase.path);
    const keyFile = sshd.clientKeyWithPassphrase.path;
    await expectCode(uploadToSubmitHost(base({ auth: { method: 'key', privateKey: keyData, keyFile } })), 'TRANSFER_KEY_PASSPHRASE_NEEDED');
    const wrong = await expectCode(uploadToSubmitHost(base({ auth: { method: 'key', privateKey: keyData, keyFile, passphrase: 'nope' } })), 'TRANSFER_KEY_INVALID');
    expect(wrong.message).toMatch(/passphrase is not correct/);
    const r = await uploadToSubmitHost(base({ auth: { method: 'key', privateKey: keyData, keyFile, passphrase: sshd.clientKeyWithPassphrase.passphrase } }));
    expect(r.files.every((f) => f.status === 'installed')).toBe(true);
    expect(sshd.log()).toMatch(new RegExp(`Accepted publickey for ${sshd.user} .* RSA`));
  });

  it('logs in through an SSH agent (ssh-agent + ssh-add)', async () => {
    resetGlobus();
    const agent = await startSshAgent([sshd.clientKey.path]);
    const empty = await startSshAgent([]);
    try {
      const r = await uploadToSubmitHost(base({ auth: { method: 'agent' }, env: { SSH_AUTH_SOCK: agent.socket } }));
      expect(r.files).toHaveLength(3);
      await expectCode(uploadToSubmitHost(base({ auth: { method: 'agent', socket: empty.socket } })), 'TRANSFER_AUTH_FAILED');
      await expectCode(uploadToSubmitHost(base({ auth: { method: 'agent' }, env: {} })), 'TRANSFER_AGENT_UNAVAILABLE');
    } finally {
      await agent.stop();
      await empty.stop();
    }
  });

  it('answers keyboard-interactive (PAM) prompts through the prompt callback', async () => {
    resetGlobus();
    const prompts: string[] = [];
    const r = await uploadToSubmitHost(
      base({
        auth: { method: 'keyboard-interactive' },
        promptKeyboard: async (req) => {
          prompts.push(...req.prompts.map((p) => `${p.prompt}|${p.echo}`));
          return [sshd.password];
        },
      }),
    );
    expect(prompts).toEqual(['Password: |false']);
    expect(r.files).toHaveLength(3);
    expect(sshd.log()).toMatch(new RegExp(`Accepted keyboard-interactive/pam for ${sshd.user}`));
  });

  it('a second factor after the key (AuthenticationMethods publickey,keyboard-interactive) goes to the prompt', async () => {
    resetGlobus();
    const target = { host: sshd.host, port: sshd.twoFactorPort!, username: sshd.user };
    const auth = { method: 'key' as const, privateKey: readFileSync(sshd.clientKey.path) };
    await expectCode(uploadToSubmitHost(base({ target, auth })), 'TRANSFER_AUTH_FAILED');
    let rounds = 0;
    const r = await uploadToSubmitHost(base({ target, auth, promptKeyboard: async () => (rounds++, [sshd.password]) }));
    expect(rounds).toBe(1);
    expect(r.files).toHaveLength(3);
  });

  it('a connection dropped mid-upload leaves no file under a final name; the retry skips files already checked', async () => {
    resetGlobus();
    const big = Buffer.alloc(8 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big.writeUInt32BE(i, i);
    const files = [cred1.files[0], cred1.files[1], { name: 'usercred.p12', data: big, mode: 0o400 }];
    let killed = 0;
    const e = await expectCode(
      uploadToSubmitHost(
        base({
          files,
          onProgress: (p) => {
            if (!killed && p.phase === 'sending' && p.file === 'usercred.p12' && (p.bytesDone ?? 0) >= 1024 * 1024) killed = sshd.killSessions();
          },
        }),
      ),
      'TRANSFER_CONNECTION_DROPPED',
    );
    expect(killed).toBeGreaterThan(0);
    expect(e.details?.checked).toBe('userkey.pem,usercert.pem');
    const left = readdirSync(globus());
    for (const f of files) expect(left).not.toContain(f.name);
    expect(left.every((n) => n.startsWith('.') && n.includes('.osg-upload-'))).toBe(true);

    const events: UploadProgress[] = [];
    const r = await uploadToSubmitHost(base({ files, onProgress: (p) => events.push(p) }));
    expect(r.files.map((f) => f.status)).toEqual(['resumed', 'resumed', 'installed']);
    expect(events.filter((p) => p.phase === 'sending').every((p) => p.file === 'usercred.p12')).toBe(true);
    expect(readdirSync(globus()).sort()).toEqual(['usercert.pem', 'usercred.p12', 'userkey.pem']);
    for (const f of files) {
      expect(readFileSync(path.join(globus(), f.name)).equals(f.data)).toBe(true);
      expect(mode(path.join(globus(), f.name))).toBe(f.mode);
    }
  });

  it('cancel (AbortSignal) stops the upload; the next one completes', async () => {
    resetGlobus();
    const big = Buffer.alloc(4 * 1024 * 1024, 7);
    const files = [{ name: 'usercred.p12', data: big, mode: 0o400 }];
    const ac = new AbortController();
    await expectCode(
      uploadToSubmitHost(base({ files, signal: ac.signal, onProgress: (p) => (p.phase === 'sending' && (p.bytesDone ?? 0) > 0 ? ac.abort() : undefined) })),
      'CANCELLED',
    );
    expect(existsSync(path.join(globus(), 'usercred.p12'))).toBe(false);
    const r = await uploadToSubmitHost(base({ files }));
    expect(r.files[0].status).toBe('installed');
    expect(readdirSync(globus())).toEqual(['usercred.p12']);
  });

  it('permission denied: a .globus owned by someone else, or made read-only by its owner', async () => {
    resetGlobus();
    mkdirSync(globus(), { mode: 0o755 });
    chmodSync(globus(), 0o755); // owned by root
    const e1 = await expectCode(uploadToSubmitHost(base()), 'TRANSFER_PERMISSION_DENIED');
    expect(e1.details?.path).toBe(globus());
    expect(readdirSync(globus())).toEqual([]);

    resetGlobus();
    sshd.asUser(`mkdir -m 0500 ${globus()}`);
    const e2 = await expectCode(uploadToSubmitHost(base()), 'TRANSFER_PERMISSION_DENIED');
    expect(String(e2.details?.path)).toContain(globus());
    expect(readdirSync(globus())).toEqual([]);
    chmodSync(globus(), 0o700);
  });

  it('disk full on the host is told as such (a small tmpfs as ~/.globus)', async (ctx) => {
    resetGlobus();
    mkdirSync(globus(), { mode: 0o700 });
    chownSync(globus(), sshd.uid, sshd.gid);
    const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=64k,mode=0700,uid=${sshd.uid},gid=${sshd.gid}`, 'tmpfs', globus()], { encoding: 'utf8' });
    if (mount.status !== 0) ctx.skip(`cannot mount a tmpfs here: ${mount.stderr.trim()}`);
    try {
      const files = [{ name: 'usercred.p12', data: Buffer.alloc(256 * 1024, 1), mode: 0o400 }];
      const e = await expectCode(uploadToSubmitHost(base({ files })), 'TRANSFER_DISK_FULL');
      expect(e.details?.path).toBe(path.join(globus(), 'usercred.p12'));
      expect(readdirSync(globus())).toEqual([]); // the partial temp file was removed
    } finally {
      spawnSync('umount', [globus()]);
    }
  });

  it('host unreachable (closed port) and DNS failure are told apart', async () => {
    const closed = await freePort(); // nothing listens there
    await expectCode(uploadToSubmitHost(base({ target: { host: '127.0.0.1', port: closed, username: 'x' } })), 'TRANSFER_HOST_UNREACHABLE');
    await expectCode(uploadToSubmitHost(base({ target: { host: 'no-such-host.invalid', port: 22, username: 'x' } })), 'TRANSFER_DNS_FAILED');
  });
});
