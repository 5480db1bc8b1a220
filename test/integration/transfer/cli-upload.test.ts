/**
 * `osg-onboard upload` as a user runs it (a child process from source): the sandbox host with
 * a .p12 made by openssl (the credential core builds the three files), and a real sshd with
 * host-key confirmation by --accept-host-key, a changed key, and a key with a passphrase.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSshd, sshdUnavailable, type Sshd } from '../../helpers/sshd';
import { localOpensslSubjectEnddate, makeTestCredential, type TestCredential } from './credential-fixture';

const repo = path.resolve(__dirname, '../../..');
let work: string;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function cli(args: string[], input: string, env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string; json: any } {
  const r = spawnSync(process.execPath, [path.join(repo, 'build/bin/osg-onboard.mjs'), 'upload', ...args], { env, input, encoding: 'utf8', timeout: 120_000 });
  let json: unknown;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    json = undefined;
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, json };
}

function envFor(name: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: path.join(work, `home-${name}`), OSG_ONBOARD_FROM_SOURCE: '1', OSG_ONBOARD_DATA: path.join(work, `data-${name}`) };
}

let cred: TestCredential;
let p12File: string;
const P12_PASS = 'cli-p12-pass';

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'osg-upload-cli-'));
  cred = makeTestCredential('CLI Scientist', P12_PASS);
  p12File = path.join(work, 'mine.p12');
  writeFileSync(p12File, cred.p12);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('osg-onboard upload --sandbox', () => {
  it('builds the three files from a .p12 and uploads them to the sandbox submit host', () => {
    const env = envFor('sbx');
    const r = cli(['--sandbox', '--p12', p12File, '--pwstdin', '--json'], `${P12_PASS}\n`, env);
    expect(r.status, r.stderr).toBe(0);
    expect(r.json.files.map((f: { name: string; status: string; mode: number }) => [f.name, f.status, f.mode])).toEqual([
      ['userkey.pem', 'installed', 0o400],
      ['usercert.pem', 'installed', 0o644],
      ['usercred.p12', 'installed', 0o400],
    ]);
    const g = path.join(env.OSG_ONBOARD_DATA!, 'sandbox', 'submit-host', 'home', '.globus');
    expect(readFileSync(path.join(g, 'usercred.p12')).equals(cred.p12)).toBe(true);
    expect(statSync(path.join(g, 'userkey.pem')).mode & 0o777).toBe(0o400);
    // The key stayed encrypted: openssl needs the passphrase (the .p12 password) to open it.
    const key = path.join(g, 'userkey.pem');
    expect(spawnSync('openssl', ['pkey', '-in', key, '-passin', 'pass:wrong', '-noout']).status).not.toBe(0);
    expect(spawnSync('openssl', ['pkey', '-in', key, '-passin', `pass:${P12_PASS}`, '-noout']).status).toBe(0);
    expect(r.json.openssl.output).toBe(localOpensslSubjectEnddate(cred.cert));
  });

  it('a wrong .p12 password fails before anything is sent', () => {
    const env = envFor('sbx-bad');
    const r = cli(['--sandbox', '--p12', p12File, '--pwstdin', '--json'], 'nope\n', env);
    expect(r.status).toBe(1);
    expect(r.json.error.code).toBe('P12_WRONG_PASSWORD');
    expect(() => statSync(path.join(env.OSG_ONBOARD_DATA!, 'sandbox'))).toThrow(); // the host was not even started
  });

  it('usage errors are told with the usage line', () => {
    const r = cli(['--host', 'h', '--json'], '', envFor('usage'));
    expect(r.status).toBe(2);
    expect(r.json.error.code).toBe('USAGE');
  });
});

const why = sshdUnavailable();
describe.skipIf(why)(`osg-onboard upload to a real sshd${why ? ` (skipped: ${why})` : ''}`, () => {
  let sshd: Sshd;
  beforeAll(async () => {
    sshd = await startSshd();
    for (const [name, data] of [['cert.pem', cred.cert], ['key.pem', cred.key], ['cred.p12', cred.p12]] as const) writeFileSync(path.join(work, name), data);
  });
  afterAll(async () => sshd?.stop());

  const fileArgs = () => ['--cert', path.join(work, 'cert.pem'), '--key', path.join(work, 'key.pem'), '--p12-file', path.join(work, 'cred.p12')];
  const hostArgs = () => ['--host', '127.0.0.1', '--port', String(sshd.port), '--user', sshd.user];

  it('an unknown host without a terminal gives its fingerprint; --accept-host-key with it uploads and remembers', () => {
    const env = envFor('sshd');
    const first = cli([...hostArgs(), ...fileArgs(), '--pwstdin', '--json'], `${sshd.password}\n`, env);
    expect(first.status).toBe(1);
    expect(first.json.error.code).toBe('TRANSFER_HOST_KEY_UNKNOWN');
    expect(first.json.error.details.fingerprint).toBe(sshd.hostKeys.ed25519.fingerprint);
    expect(first.json.error.hint).toContain(`--accept-host-key ${sshd.hostKeys.ed25519.fingerprint}`);

    const wrongFp = 'SHA256:' + 'A'.repeat(43);
    const refused = cli([...hostArgs(), ...fileArgs(), '--accept-host-key', wrongFp, '--pwstdin', '--json'], `${sshd.password}\n`, env);
    expect(refused.json.error.code).toBe('TRANSFER_HOST_KEY_REJECTED');

    const ok = cli([...hostArgs(), ...fileArgs(), '--accept-host-key', sshd.hostKeys.ed25519.fingerprint, '--pwstdin'], `${sshd.password}\n`, env);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('usercert.pem   installed');
    expect(ok.stdout).toContain('-r--------');
    expect(ok.stdout).toContain(localOpensslSubjectEnddate(cred.cert));
    expect(readFileSync(path.join(sshd.home, '.globus', 'usercert.pem')).equals(cred.cert)).toBe(true);

    // Remembered in the app's known_hosts: no --accept-host-key needed now; same bytes → unchanged.
    const again = cli([...hostArgs(), ...fileArgs(), '--pwstdin', '--json'], `${sshd.password}\n`, env);
    expect(again.status, again.stderr).toBe(0);
    expect(again.json.hostKey.trust).toBe('known');
    expect(again.json.files.map((f: { status: string }) => f.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
  });

  it('--identity with a passphrase read from --pwstdin', () => {
    const env = envFor('sshd-key');
    const r = cli([...hostArgs(), '--identity', sshd.clientKeyWithPassphrase.path, ...fileArgs(), '--accept-host-key', sshd.hostKeys.ed25519.fingerprint, '--pwstdin', '--json'], `${sshd.clientKeyWithPassphrase.passphrase}\n`, env);
    expect(r.status, r.stderr).toBe(0);
    expect(r.json.files).toHaveLength(3);
  });

  it('a changed host key prints the OpenSSH warning and exits 1', () => {
    const env = envFor('sshd-changed');
    const sshDir = path.join(env.HOME!, '.ssh');
    spawnSync('mkdir', ['-p', sshDir]);
    const other = path.join(work, 'other-key');
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    writeFileSync(path.join(sshDir, 'known_hosts'), `[127.0.0.1]:${sshd.port} ${readFileSync(other + '.pub', 'utf8')}`);
    const r = cli([...hostArgs(), ...fileArgs(), '--pwstdin'], `${sshd.password}\n`, env);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @');
    expect(r.stderr).toContain(`Offending ED25519 key in ${path.join(sshDir, 'known_hosts')}:1`);
    expect(r.stderr).toContain(sshd.hostKeys.ed25519.fingerprint);
  });
});
