/** Bad input is refused before any connection is made (the port given is closed, so a connect would fail differently). */
import { describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { uploadToSubmitHost, modeText, type UploadOptions } from '../../../electron/services/transfer';
import { RemoteFs } from '../../../electron/services/transfer/remote-fs';
import { openFlags } from '../../../electron/sandbox/submit-host/sandbox-sftp';
import { OnboardError, errorTable } from '../../../shared/errors';
import { constants as C } from 'node:fs';
import type { SFTPWrapper } from 'ssh2';

const base: UploadOptions = {
  target: { host: '127.0.0.1', port: 1, username: 'alice' },
  auth: { method: 'password', password: 'x' },
  knownHosts: { userFiles: [], appFile: '/nonexistent/osg/known_hosts' },
  files: [{ name: 'usercert.pem', data: Buffer.from('x'), mode: 0o644 }],
};

async function code(o: Partial<UploadOptions>): Promise<string> {
  try {
    await uploadToSubmitHost({ ...base, ...o });
    return 'ok';
  } catch (e) {
    return e instanceof OnboardError ? `${e.code}` : String(e);
  }
}

describe('upload input', () => {
  it('refuses bad file lists', async () => {
    expect(await code({ files: [] })).toBe('TRANSFER_NOTHING_TO_UPLOAD');
    for (const name of ['../x', 'a/b', '.hidden', '', 'usercert.pem.bak-2026', '.x.osg-upload-0123456789abcdef']) {
      expect(await code({ files: [{ name, data: Buffer.from('x'), mode: 0o600 }] }), name).toBe('INVALID_INPUT');
    }
    expect(await code({ files: [base.files[0], base.files[0]] })).toBe('INVALID_INPUT');
    expect(await code({ files: [{ name: 'a', data: Buffer.from('x'), mode: 0o1000 }] })).toBe('INVALID_INPUT');
    expect(await code({ files: [{ name: 'a', data: 'x' as unknown as Buffer, mode: 0o600 }] })).toBe('INVALID_INPUT');
  });

  it('refuses bad targets and remote folders', async () => {
    expect(await code({ target: { host: 'alice@host', username: 'a' } })).toBe('INVALID_INPUT');
    expect(await code({ target: { host: 'h', port: 70000, username: 'a' } })).toBe('INVALID_INPUT');
    expect(await code({ target: { host: 'h', username: 'two words' } })).toBe('INVALID_INPUT');
    expect(await code({ remoteDir: '/etc' })).toBe('INVALID_INPUT');
    expect(await code({ remoteDir: '../x' })).toBe('INVALID_INPUT');
  });

  it('a closed port is “host unreachable”', async () => {
    expect(await code({})).toBe('TRANSFER_HOST_UNREACHABLE');
  });

  it('a web server on the port is “not an SSH server”', async () => {
    const srv = net.createServer((sock) => sock.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (srv.address() as net.AddressInfo).port;
      expect(await code({ target: { host: '127.0.0.1', port, username: 'alice' } })).toBe('TRANSFER_NOT_SSH');
    } finally {
      srv.close();
    }
  });

  it('an agent without SSH_AUTH_SOCK is told before connecting', async () => {
    expect(await code({ auth: { method: 'agent' }, env: {} })).toBe('TRANSFER_AGENT_UNAVAILABLE');
  });
});

describe('helpers', () => {
  it('modeText prints modes like ls -l', () => {
    expect(modeText(0o100400)).toBe('-r--------');
    expect(modeText(0o100644)).toBe('-rw-r--r--');
    expect(modeText(0o40700)).toBe('drwx------');
    expect(modeText(0o120777)).toBe('lrwxrwxrwx');
  });

  it('SFTP failures map to the errors users can act on', () => {
    let closed = false;
    const fs = new RemoteFs(new EventEmitter() as unknown as SFTPWrapper, { host: 'h', isClosed: () => closed, checked: () => ['userkey.pem'] });
    const err = (code: number | undefined, message: string) => Object.assign(new Error(message), { code });
    expect(fs.toError(err(3, 'Permission denied'), 'create', '/p').code).toBe('TRANSFER_PERMISSION_DENIED');
    expect(fs.toError(err(4, 'No space left on device'), 'write', '/p').code).toBe('TRANSFER_DISK_FULL');
    expect(fs.toError(err(4, 'Failure'), 'write', '/p').code).toBe('TRANSFER_REMOTE_FAILED');
    expect(fs.toError(err(7, 'Connection lost'), 'write', '/p').code).toBe('TRANSFER_CONNECTION_DROPPED');
    const dropped = fs.toError(err(undefined, 'No response from server'), 'write', '/p');
    expect(dropped.code).toBe('TRANSFER_CONNECTION_DROPPED');
    expect(dropped.details?.checked).toBe('userkey.pem');
    closed = true;
    expect(fs.toError(err(4, 'Failure'), 'write', '/p').code).toBe('TRANSFER_CONNECTION_DROPPED');
  });

  it('every transfer error has words for the user, no placeholders left for its own details', () => {
    const codes = Object.keys(errorTable).filter((c) => c.startsWith('TRANSFER_') || c.startsWith('SANDBOX_SUBMIT'));
    expect(codes.length).toBeGreaterThan(15);
    for (const c of codes) {
      const t = errorTable[c as keyof typeof errorTable];
      expect(t.message.length).toBeGreaterThan(10);
      expect(t.hint.length).toBeGreaterThan(10);
    }
    const e = new OnboardError('TRANSFER_HOST_KEY_CHANGED', { host: 'h', keyType: 'ssh-ed25519', fingerprint: 'SHA256:x', file: '/k', line: 3 });
    expect(e.message).toContain('REMOTE HOST IDENTIFICATION HAS CHANGED');
    expect(e.message).not.toMatch(/[{}]/);
  });

  it('sandbox open flags never follow symlinks', () => {
    expect(openFlags(0x1)).toBe(C.O_RDONLY | C.O_NOFOLLOW);
    expect(openFlags(0x2 | 0x8 | 0x20)).toBe(C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW);
    expect(openFlags(0x3 | 0x10)).toBe(C.O_RDWR | C.O_TRUNC | C.O_NOFOLLOW);
    expect(() => openFlags(0)).toThrow();
  });
});
