/**
 * known_hosts as OpenSSH reads it, checked against OpenSSH's own ssh-keygen: hashed names it
 * writes (`ssh-keygen -H`) match here, and names we hash are found by `ssh-keygen -F`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  entriesForHost,
  hashedHostField,
  hostFieldMatches,
  judgeHostKey,
  parseKnownHosts,
  rememberHostKey,
  describeHostKey,
} from '../../../electron/services/transfer';

let dir: string;
const keys: Record<string, { line: string; blob: Buffer }> = {};

function keygen(name: string, type: string): void {
  const file = path.join(dir, name);
  const args = ['-q', '-t', type, '-N', '', '-C', name, '-f', file];
  if (type === 'rsa') args.splice(1, 0, '-b', '2048');
  expect(spawnSync('ssh-keygen', args).status).toBe(0);
  const line = readFileSync(file + '.pub', 'utf8').trim().split(' ').slice(0, 2).join(' ');
  keys[name] = { line, blob: Buffer.from(line.split(' ')[1], 'base64') };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'osg-kh-unit-'));
  keygen('a', 'ed25519');
  keygen('b', 'ed25519');
  keygen('c', 'ecdsa');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('host patterns', () => {
  it('matches plain names, [host]:port, wildcards, negation and lists like OpenSSH', () => {
    expect(hostFieldMatches('login.example.org', 'login.example.org')).toBe(true);
    expect(hostFieldMatches('LOGIN.example.org', 'login.example.org')).toBe(true);
    expect(hostFieldMatches('login.example.org', '[login.example.org]:2222')).toBe(false);
    expect(hostFieldMatches('[login.example.org]:2222', '[login.example.org]:2222')).toBe(true);
    expect(hostFieldMatches('*.example.org', 'ap40.example.org')).toBe(true);
    expect(hostFieldMatches('ap?.example.org', 'ap4.example.org')).toBe(true);
    expect(hostFieldMatches('ap?.example.org', 'ap40.example.org')).toBe(false);
    expect(hostFieldMatches('*.example.org,!bad.example.org', 'bad.example.org')).toBe(false);
    expect(hostFieldMatches('other.org,ap40.example.org', 'ap40.example.org')).toBe(true);
    expect(hostFieldMatches('a.b.c', 'aXb.c')).toBe(false); // dots are literal
  });

  it('reads entries hashed by `ssh-keygen -H` (with and without a port)', () => {
    const file = path.join(dir, 'kh-hash');
    writeFileSync(file, `login.example.org ${keys.a.line}\n[login.example.org]:2222 ${keys.b.line}\n`);
    expect(spawnSync('ssh-keygen', ['-H', '-f', file]).status).toBe(0);
    const entries = parseKnownHosts(readFileSync(file, 'utf8'), file);
    expect(entries).toHaveLength(2);
    expect(entries.every((e) => e.hosts.startsWith('|1|'))).toBe(true);
    expect(hostFieldMatches(entries[0].hosts, 'login.example.org')).toBe(true);
    expect(hostFieldMatches(entries[0].hosts, '[login.example.org]:2222')).toBe(false);
    expect(hostFieldMatches(entries[1].hosts, '[login.example.org]:2222')).toBe(true);
    expect(hostFieldMatches(entries[1].hosts, 'other.example.org')).toBe(false);
  });

  it('writes hashed names that `ssh-keygen -F` finds', () => {
    const file = path.join(dir, 'kh-ours');
    writeFileSync(file, `${hashedHostField('[127.0.0.1]:4022')} ${keys.a.line}\n`);
    expect(spawnSync('ssh-keygen', ['-F', '[127.0.0.1]:4022', '-f', file]).status).toBe(0);
    expect(spawnSync('ssh-keygen', ['-F', '[127.0.0.1]:4023', '-f', file]).status).not.toBe(0);
  });
});

describe('parsing and judging', () => {
  it('skips comments and broken lines, keeps 1-based line numbers and markers', () => {
    const text = [
      '# comment',
      '',
      `host1 ${keys.a.line} a comment`,
      'host2 ssh-ed25519 not-base64!!',
      'host3',
      `@revoked host1 ${keys.b.line}`,
      `@cert-authority *.example.org ${keys.c.line}`,
      `@unknown host1 ${keys.c.line}`,
    ].join('\n');
    const e = parseKnownHosts(text, 'f');
    expect(e.map((x) => [x.line, x.marker, x.keyType])).toEqual([
      [3, undefined, 'ssh-ed25519'],
      [6, 'revoked', 'ssh-ed25519'],
      [7, 'cert-authority', 'ecdsa-sha2-nistp256'],
    ]);
  });

  it('known, changed (same type, other key), unknown (only other types), revoked', () => {
    const entries = parseKnownHosts(`h ${keys.a.line}\nh ${keys.c.line}\n`, 'f');
    const a = describeHostKey('h', 22, keys.a.blob);
    const b = describeHostKey('h', 22, keys.b.blob);
    expect(judgeHostKey(entries, a)).toMatchObject({ kind: 'known', entry: { line: 1 } });
    expect(judgeHostKey(entries, b)).toMatchObject({ kind: 'changed', entry: { line: 1 } });
    expect(judgeHostKey(parseKnownHosts(`h ${keys.c.line}\n`, 'f'), a)).toEqual({ kind: 'unknown', otherTypes: ['ecdsa-sha2-nistp256'] });
    expect(judgeHostKey([], a)).toEqual({ kind: 'unknown', otherTypes: [] });
    const revoked = parseKnownHosts(`@revoked h ${keys.a.line}\nh ${keys.a.line}\n`, 'f');
    expect(judgeHostKey(revoked, a).kind).toBe('revoked');
  });

  it('entriesForHost reads every file in order, tolerates missing ones, ignores CA lines', async () => {
    const user = path.join(dir, 'user-kh');
    const app = path.join(dir, 'app-kh');
    writeFileSync(user, `[h]:2222 ${keys.a.line}\n@cert-authority [h]:2222 ${keys.c.line}\nother ${keys.b.line}\n`);
    writeFileSync(app, `${hashedHostField('[h]:2222')} ${keys.b.line}\n`);
    const got = await entriesForHost({ userFiles: [path.join(dir, 'missing'), user], appFile: app }, 'h', 2222);
    expect(got.map((e) => [path.basename(e.file), e.line])).toEqual([
      ['user-kh', 1],
      ['app-kh', 1],
    ]);
    expect(await entriesForHost({ userFiles: [], appFile: path.join(dir, 'nope', 'kh') }, 'h', 22)).toEqual([]);
  });

  it('rememberHostKey appends (keeping what was there) to a 0600 file', async () => {
    const app = path.join(dir, 'sub', 'known_hosts');
    await rememberHostKey(app, describeHostKey('h1', 22, keys.a.blob));
    await rememberHostKey(app, describeHostKey('h2', 2200, keys.b.blob));
    expect(statSync(app).mode & 0o777).toBe(0o600);
    const e = parseKnownHosts(readFileSync(app, 'utf8'), app);
    expect(e).toHaveLength(2);
    expect(hostFieldMatches(e[0].hosts, 'h1')).toBe(true);
    expect(hostFieldMatches(e[1].hosts, '[h2]:2200')).toBe(true);
    expect(e[1].blob.equals(keys.b.blob)).toBe(true);
  });
});
