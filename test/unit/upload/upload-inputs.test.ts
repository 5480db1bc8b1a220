import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { procedures } from '../../../shared/contract';
import { agentSocket, findSshKeys, keyPassphraseFor, p12Default, readP12, readSshKeyFile, resolveUserPath } from '../../../electron/services/upload/upload-inputs';
import { UploadProgressTracker } from '../../../electron/services/upload/upload-progress';
import { journalSchema } from '../../../electron/services/journal/journal';
import { makeKey } from '../../helpers/sshd';

let home: string;
beforeAll(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'osg-upload-unit-'));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

const start = procedures.uploadStart.input;
const good = {
  uploadId: 'abcdef0123456789',
  target: { host: 'login.example.org', port: 22, username: 'alice' },
  auth: { method: 'password', password: 'pw' },
  credential: { p12Path: '~/usercred.p12', password: 'p12-pw' },
};
function issue(input: unknown): string {
  const r = start.safeParse(input);
  if (r.success) return 'ok';
  return `${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message}`;
}

describe('uploadStart input (the contract’s schema, checked before any service runs)', () => {
  it('accepts a complete request, port 22 by default', () => {
    expect(issue(good)).toBe('ok');
    const { port: _p, ...noPort } = good.target;
    const parsed = start.parse({ ...good, target: noPort });
    expect(parsed.target.port).toBe(22);
    for (const auth of [{ method: 'sandbox-account' }, { method: 'keyboard-interactive' }, { method: 'agent' }, { method: 'key', keyFile: '~/.ssh/id_ed25519' }, { method: 'key', keyFile: '/k', passphrase: 'x' }]) {
      expect(issue({ ...good, auth })).toBe('ok');
    }
  });

  it('names the field that is wrong', () => {
    expect(issue({ ...good, uploadId: 'short' })).toMatch(/^uploadId: /);
    expect(issue({ ...good, target: { ...good.target, host: 'alice@login.example.org' } })).toMatch(/^target\.host: .*no user@/);
    expect(issue({ ...good, target: { ...good.target, host: '' } })).toMatch(/^target\.host: is required/);
    expect(issue({ ...good, target: { ...good.target, port: 0 } })).toMatch(/^target\.port: must be between 1 and 65535/);
    expect(issue({ ...good, target: { ...good.target, port: 70000 } })).toMatch(/^target\.port: must be between 1 and 65535/);
    expect(issue({ ...good, target: { ...good.target, port: 22.5 } })).toMatch(/^target\.port: /);
    expect(issue({ ...good, target: { ...good.target, username: 'al ice' } })).toMatch(/^target\.username: .*no spaces/);
    expect(issue({ ...good, auth: { method: 'password', password: '' } })).toMatch(/^auth\.password: is required/);
    expect(issue({ ...good, auth: { method: 'key' } })).toMatch(/^auth\.keyFile: /);
    expect(issue({ ...good, auth: { method: 'telnet' } })).toMatch(/^auth\.method: /);
    expect(issue({ ...good, auth: { method: 'agent', password: 'x' } })).toMatch(/^auth: /); // strict: nothing extra
    expect(issue({ ...good, credential: { password: 'x' } })).toMatch(/^credential\.p12Path: /);
    expect(issue({ ...good, credential: { ...good.credential, password: 'x'.repeat(2000) } })).toMatch(/^credential\.password: /);
    expect(issue({ ...good, extra: 1 })).toMatch(/^: |^extra|Unrecognized/);
  });

  it('uploadAnswer and uploadCancel take an upload id; answers are bounded', () => {
    expect(procedures.uploadAnswer.input.safeParse({ uploadId: good.uploadId, questionId: 'q1', accept: true }).success).toBe(true);
    expect(procedures.uploadAnswer.input.safeParse({ uploadId: good.uploadId, questionId: 'q 1', accept: true }).success).toBe(false);
    expect(procedures.uploadAnswer.input.safeParse({ uploadId: good.uploadId, questionId: 'q1', answers: Array(17).fill('1') }).success).toBe(false);
    expect(procedures.uploadCancel.input.safeParse({ uploadId: '../../x' }).success).toBe(false);
  });
});

describe('userkey.pem passphrase', () => {
  it('is the .p12 password unless another one is typed twice', () => {
    expect(keyPassphraseFor({ password: 'p12-pass' })).toEqual({ passphrase: 'p12-pass', own: false });
    expect(keyPassphraseFor({ password: 'p12-pass', keyPassphrase: '' })).toEqual({ passphrase: 'p12-pass', own: false });
    expect(keyPassphraseFor({ password: 'p12-pass', keyPassphrase: 'another one', keyPassphraseConfirm: 'another one' })).toEqual({ passphrase: 'another one', own: true });
    expect(() => keyPassphraseFor({ password: 'p', keyPassphrase: 'another one', keyPassphraseConfirm: 'another on' })).toThrow(expect.objectContaining({ code: 'UPLOAD_KEY_PASSPHRASE_MISMATCH' }));
    expect(() => keyPassphraseFor({ password: 'p', keyPassphrase: 'short', keyPassphraseConfirm: 'short' })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    // An empty .p12 password must not leave userkey.pem unprotected.
    expect(() => keyPassphraseFor({ password: '' })).toThrow(expect.objectContaining({ code: 'UPLOAD_KEY_PASSPHRASE_EMPTY' }));
  });
});

describe('files on this computer', () => {
  it('resolves ~, relative and absolute paths', () => {
    expect(resolveUserPath('~/certs/usercred.p12', '/home/a')).toBe('/home/a/certs/usercred.p12');
    expect(resolveUserPath('usercred.p12', '/home/a')).toBe('/home/a/usercred.p12');
    expect(resolveUserPath(' /tmp/x/../y.p12 ', '/home/a')).toBe('/tmp/y.p12');
    expect(() => resolveUserPath('a\0b', '/home/a')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('a missing p12, a folder and an unreadable file are told apart', async () => {
    await expect(readP12(path.join(home, 'nope.p12'))).rejects.toMatchObject({ code: 'UPLOAD_P12_MISSING' });
    await expect(readP12(home)).rejects.toMatchObject({ code: 'IO_ERROR', message: expect.stringContaining('not a file') });
    const big = path.join(home, 'big.p12');
    writeFileSync(big, Buffer.alloc(2 * 1024 * 1024));
    await expect(readP12(big)).rejects.toMatchObject({ code: 'IO_ERROR', message: expect.stringContaining('too large') });
    await expect(readSshKeyFile(path.join(home, 'no-key'))).rejects.toMatchObject({ code: 'UPLOAD_SSH_KEY_UNREADABLE' });
    if (process.getuid?.() !== 0) {
      const locked = path.join(home, 'locked.p12');
      writeFileSync(locked, 'x');
      chmodSync(locked, 0);
      await expect(readP12(locked)).rejects.toMatchObject({ code: 'IO_ERROR', message: expect.stringContaining('permission denied') });
    }
  });

  it('offers the Back up step’s p12 first, else ~/usercred.p12', async () => {
    const j = journalSchema.parse({ version: 1 });
    expect(await p12Default(j, home)).toBeNull();
    writeFileSync(path.join(home, 'usercred.p12'), 'p12');
    expect(await p12Default(j, home)).toEqual({ path: path.join(home, 'usercred.p12'), exists: true, source: 'home' });
    const saved = path.join(home, 'backups', 'usercred.p12');
    const withBackup = { ...j, backup: { last: { path: saved, savedAt: '2026-11-24T12:00:00.000Z', subject: '/DC=org/CN=A', notAfter: '2027-11-24T12:00:00.000Z' } } };
    expect(await p12Default(withBackup, home)).toEqual({ path: saved, exists: false, source: 'backup', savedAt: '2026-11-24T12:00:00.000Z', subject: '/DC=org/CN=A', notAfter: '2027-11-24T12:00:00.000Z' });
  });

  it('lists ~/.ssh keys, saying which need their passphrase', async () => {
    const ssh = path.join(home, '.ssh');
    mkdirSync(ssh, { mode: 0o700 });
    expect(await findSshKeys(home)).toEqual([]);
    makeKey(path.join(ssh, 'id_ed25519'), 'ed25519');
    makeKey(path.join(ssh, 'id_ecdsa'), 'ecdsa', 'key-pass');
    expect(await findSshKeys(home)).toEqual([
      { path: path.join(ssh, 'id_ed25519'), keyType: 'ssh-ed25519', encrypted: false },
      { path: path.join(ssh, 'id_ecdsa'), encrypted: true },
    ]);
  });

  it('an agent is offered only when SSH_AUTH_SOCK names a socket', async () => {
    expect(await agentSocket({})).toBeUndefined();
    expect(await agentSocket({ SSH_AUTH_SOCK: path.join(home, 'usercred.p12') })).toBeUndefined();
  });
});

describe('per-file progress', () => {
  it('one event per file state, the earlier file settled when the next one starts', () => {
    const seen: string[] = [];
    const t = new UploadProgressTracker((task, fraction, label) => seen.push(`${task} ${fraction} ${label}`), { host: 'h', port: 22 });
    t.begin([{ name: 'userkey.pem', size: 2000 }, { name: 'usercert.pem', size: 1000 }]);
    t.on({ phase: 'connecting' });
    t.on({ phase: 'sending', file: 'userkey.pem', bytesDone: 0, bytesTotal: 2000 });
    t.on({ phase: 'sending', file: 'userkey.pem', bytesDone: 2000, bytesTotal: 2000 });
    t.on({ phase: 'checking', file: 'userkey.pem', bytesDone: 0, bytesTotal: 2000 });
    t.on({ phase: 'checking', file: 'usercert.pem', bytesDone: 1000, bytesTotal: 1000, note: 'resumed' });
    t.on({ phase: 'installing', file: 'userkey.pem' });
    t.on({ phase: 'installing', file: 'usercert.pem' });
    t.on({ phase: 'listing' });
    t.on({ phase: 'sending', file: 'not-ours.pem', bytesDone: 0, bytesTotal: 1 });
    expect(seen).toEqual([
      'upload:userkey.pem 0 userkey.pem: waiting (2.0 KiB)',
      'upload:usercert.pem 0 usercert.pem: waiting (1000 bytes)',
      'upload null Connecting to h port 22…',
      'upload:userkey.pem 0 userkey.pem: sending, 0 bytes of 2.0 KiB',
      'upload:userkey.pem 1 userkey.pem: sending, 2.0 KiB of 2.0 KiB',
      'upload:userkey.pem 1 userkey.pem: sent; checking the copy on the host (size and SHA-256)',
      'upload:userkey.pem 1 userkey.pem: sent and checked',
      'upload:usercert.pem 1 usercert.pem: sent before the connection dropped; checked, not sent again',
      'upload:userkey.pem 1 userkey.pem: putting it in place',
      'upload:userkey.pem 1 userkey.pem: in place',
      'upload:usercert.pem 1 usercert.pem: putting it in place',
      'upload:usercert.pem 1 usercert.pem: in place',
      'upload null Listing ~/.globus and checking the certificate with openssl on the host…',
    ]);
    expect(t.snapshot().map((f) => f.state)).toEqual(['installed', 'installed']);
    expect(t.phase).toBe('listing');
  });
});
