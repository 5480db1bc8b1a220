import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  changedHostKeyWarning,
  describeHostKey,
  keyBlobType,
  keyTypeLabel,
  knownHostsName,
  parsePrivateKey,
  sha256Fingerprint,
} from '../../../electron/services/transfer';
import { OnboardError } from '../../../shared/errors';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'osg-hk-unit-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function keygen(name: string, args: string[]): string {
  const file = path.join(dir, name);
  const r = spawnSync('ssh-keygen', ['-q', '-C', 'x', '-f', file, ...args], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return file;
}

describe('fingerprints', () => {
  it.each([
    ['ed25519', ['-t', 'ed25519', '-N', ''], 'ssh-ed25519', 'ED25519'],
    ['ecdsa', ['-t', 'ecdsa', '-N', ''], 'ecdsa-sha2-nistp256', 'ECDSA'],
    ['ecdsa384', ['-t', 'ecdsa', '-b', '384', '-N', ''], 'ecdsa-sha2-nistp384', 'ECDSA'],
    ['rsa', ['-t', 'rsa', '-b', '2048', '-N', ''], 'ssh-rsa', 'RSA'],
  ])('%s: SHA256 fingerprint and type exactly as `ssh-keygen -lf` prints them', (name, args, type, label) => {
    const file = keygen(name, args as string[]);
    const blob = Buffer.from(readFileSync(file + '.pub', 'utf8').split(' ')[1], 'base64');
    const printed = spawnSync('ssh-keygen', ['-lf', file + '.pub'], { encoding: 'utf8' }).stdout;
    const [, fp] = printed.split(' ');
    expect(sha256Fingerprint(blob)).toBe(fp);
    expect(sha256Fingerprint(blob)).not.toMatch(/=/);
    expect(keyBlobType(blob)).toBe(type);
    expect(keyTypeLabel(type)).toBe(label);
    expect(printed.trim().endsWith(`(${label})`)).toBe(true);
  });

  it('rejects a malformed blob', () => {
    expect(() => keyBlobType(Buffer.from([0, 0, 0]))).toThrow();
    expect(() => keyBlobType(Buffer.from([0, 0, 0, 200, 1, 2]))).toThrow();
  });

  it('names hosts as known_hosts does', () => {
    expect(knownHostsName('Login.Example.org', 22)).toBe('login.example.org');
    expect(knownHostsName('login.example.org', 2222)).toBe('[login.example.org]:2222');
  });

  it('the changed-key warning carries the OpenSSH lines, fingerprint and offending entry', () => {
    const file = keygen('warn', ['-t', 'ed25519', '-N', '']);
    const blob = Buffer.from(readFileSync(file + '.pub', 'utf8').split(' ')[1], 'base64');
    const key = describeHostKey('h.example.org', 22, blob);
    const text = changedHostKeyWarning(key, { file: '/home/u/.ssh/known_hosts', line: 7, keyType: 'ssh-ed25519' });
    const lines = text.split('\n');
    expect(lines[1]).toBe('@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @');
    expect(lines).toContain(`${key.fingerprint}.`);
    expect(lines).toContain('Offending ED25519 key in /home/u/.ssh/known_hosts:7');
    expect(lines).toContain('  ssh-keygen -f "/home/u/.ssh/known_hosts" -R "h.example.org"');
    expect(lines.at(-1)).toBe('Host key verification failed.');
  });
});

describe('private keys for login', () => {
  it('tells “passphrase needed”, “wrong passphrase”, “public key given” apart', () => {
    const file = keygen('pp', ['-t', 'ed25519', '-N', 'right-phrase']);
    const data = readFileSync(file);
    const code = (f: () => unknown) => {
      try {
        f();
        return 'ok';
      } catch (e) {
        return e instanceof OnboardError ? `${e.code}:${e.details?.detail ?? ''}` : String(e);
      }
    };
    expect(code(() => parsePrivateKey(data, undefined, file))).toBe('TRANSFER_KEY_PASSPHRASE_NEEDED:');
    expect(code(() => parsePrivateKey(data, 'wrong', file))).toBe('TRANSFER_KEY_INVALID:the passphrase is not correct');
    expect(code(() => parsePrivateKey(data, 'right-phrase', file))).toBe('ok');
    expect(code(() => parsePrivateKey(readFileSync(file + '.pub'), undefined, file))).toMatch(/^TRANSFER_KEY_INVALID:this is a public key/);
    expect(code(() => parsePrivateKey('garbage', undefined, file))).toBe('TRANSFER_KEY_INVALID:this is not an SSH private key');
  });
});
