// The `osg-onboard` credential commands as a user runs them (a child process from the sources),
// with passwords on stdin, checked with openssl and a real keyring.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestBus, type TestBus } from '../../helpers/keyring';
import { makeOpensslPki, ok, run, type OpensslPki } from './tools';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
let dir: string;
let pki: OpensslPki;
let baseEnv: NodeJS.ProcessEnv;
const f = (n: string) => path.join(dir, n);

function cli(args: string[], input = '', env: NodeJS.ProcessEnv = baseEnv) {
  const r = spawnSync(process.execPath, [path.join(repo, 'build/bin/osg-onboard.mjs'), ...args], { cwd: dir, env, input, encoding: 'utf8', timeout: 120_000 });
  let json: any;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    json = undefined;
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, json };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'osg-cred-cli-'));
  pki = makeOpensslPki(path.join(dir, 'pki'));
  baseEnv = {
    PATH: process.env.PATH,
    HOME: f('home'),
    OSG_ONBOARD_FROM_SOURCE: '1',
    OSG_ONBOARD_DATA: f('data'),
    // No keychain here: the commands fall back to typed passphrases.
    DBUS_SESSION_BUS_ADDRESS: `unix:path=${f('no-bus')}`,
    LANG: 'C.UTF-8',
  };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('osg-onboard credential commands', () => {
  it('key new → csr → (CA signs) → p12 export → p12 import → globus install', () => {
    const key = cli(['key', 'new', '--out', 'user.key', '--pwstdin', '--json'], 'key pässwörd\n');
    expect(key.status, key.stderr).toBe(0);
    expect(statSync(f('user.key')).mode & 0o777).toBe(0o400);
    expect(ok('openssl', ['pkey', '-in', f('user.key'), '-passin', 'pass:key pässwörd', '-noout', '-check'])).toMatch(/valid/);

    const subject = '/DC=org/DC=example/C=US/O=Université Test/CN=Jane Doe A12345';
    const csr = cli(['csr', '--key', 'user.key', '--subject', subject, '--out', 'user.csr', '--pwstdin', '--json'], 'key pässwörd\n');
    expect(csr.status, csr.stderr).toBe(0);
    expect(csr.json.publicKeyFingerprint).toBe(key.json.publicKeyFingerprint);
    const v = run('openssl', ['req', '-in', f('user.csr'), '-verify', '-noout']);
    expect(v.stderr + v.stdout).toMatch(/verify OK/);
    ok('openssl', ['x509', '-req', '-in', f('user.csr'), '-CA', pki.files.intermediate, '-CAkey', path.join(pki.dir, 'int.key'), '-CAcreateserial', '-out', f('user.pem'), '-days', '7']);

    for (const legacy of [false, true]) {
      const out = legacy ? 'legacy.p12' : 'usercred.p12';
      const exp = cli(['p12', 'export', '--key', 'user.key', '--cert', 'user.pem', '--chain', pki.files.chain, '--name', 'Jäne', '--out', out, '--pwstdin', '--json', ...(legacy ? ['--legacy'] : [])], 'key pässwörd\nexport pw\n');
      expect(exp.status, exp.stderr).toBe(0);
      expect(exp.json).toMatchObject({ verified: true, chainLength: 2, friendlyName: 'Jäne', profile: legacy ? 'legacy' : 'modern' });
      const info = run('openssl', ['pkcs12', ...(legacy ? ['-legacy'] : []), '-info', '-noout', '-in', f(out), '-passin', 'pass:export pw']);
      expect(info.status, info.stderr).toBe(0);
    }

    const imp = cli(['p12', 'import', '--in', 'usercred.p12', '--pwstdin', '--json'], 'export pw\n');
    expect(imp.status, imp.stderr).toBe(0);
    expect(imp.json.certificate.subject).toBe(subject);
    expect(imp.json.chain).toEqual(['/DC=org/DC=example/CN=Example Grid CA 1', '/DC=org/DC=example/CN=Example Root CA']);
    expect(imp.json.integrity).toBe('mac-verified');

    const inst = cli(['globus', 'install', '--in', 'usercred.p12', '--pwstdin', '--json'], 'export pw\nglobus key pw\n');
    expect(inst.status, inst.stderr).toBe(0);
    const globus = path.join(f('home'), '.globus');
    expect(inst.json.dir).toBe(globus);
    expect(statSync(globus).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(globus, 'userkey.pem')).mode & 0o777).toBe(0o400);
    expect(ok('openssl', ['pkey', '-in', path.join(globus, 'userkey.pem'), '-passin', 'pass:globus key pw', '-noout', '-check'])).toMatch(/valid/);
    // Again, with the key passphrase left out (= the .p12 password): the first files are kept.
    const again = cli(['globus', 'install', '--in', 'usercred.p12', '--pwstdin'], 'export pw\n');
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/the old one was kept as userkey\.pem\.bak-/);
    expect(ok('openssl', ['pkey', '-in', path.join(globus, 'userkey.pem'), '-passin', 'pass:export pw', '-noout', '-check'])).toMatch(/valid/);
  });

  it('reports typed errors with a hint, as JSON too, and takes no password as an argument', () => {
    ok('openssl', ['pkcs12', '-export', '-inkey', pki.files.userKey, '-in', pki.files.user, '-out', f('ossl.p12'), '-passout', 'pass:right']);
    const wrong = cli(['p12', 'import', '--in', 'ossl.p12', '--pwstdin', '--json'], 'wrong\n');
    expect(wrong.status).toBe(1);
    expect(wrong.json.error).toMatchObject({ code: 'P12_WRONG_PASSWORD' });
    expect(wrong.json.error.hint).toMatch(/password/);
    const text = cli(['p12', 'import', '--in', 'ossl.p12', '--pwstdin'], 'wrong\n');
    expect(text.stderr).toMatch(/^osg-onboard: The password for ossl\.p12 is not right/);
    expect(text.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    const arg = cli(['p12', 'import', '--in', 'ossl.p12', '--password', 'right', '--json']);
    expect(arg.status).toBe(2);
    expect(['INVALID_INPUT', 'USAGE']).toContain(arg.json.error.code); // an unknown option is a usage error
    const noTty = cli(['p12', 'import', '--in', 'ossl.p12', '--json']);
    expect(noTty.json.error.code).toBe('INVALID_INPUT'); // no prompt possible, and no --pwstdin
    const badSubject = cli(['csr', '--key', 'x.key', '--subject', '/C=usa/CN=x', '--json']);
    expect(badSubject.json.error.code).toBe('SUBJECT_INVALID');
  });

  describe('with the keychain (real GNOME Keyring)', () => {
    let bus: TestBus;
    beforeAll(async () => {
      bus = await startTestBus();
      await bus.startKeyring({ unlockPassword: 'login' });
    });
    afterAll(async () => bus?.stop());

    it('key new keeps the passphrase in the keychain; csr --id unlocks it without asking', () => {
      const env = { ...baseEnv, ...bus.env, OSG_ONBOARD_FROM_SOURCE: '1', OSG_ONBOARD_DATA: f('data-kc') };
      const made = cli(['key', 'new', '--json'], '', env);
      expect(made.status, made.stderr).toBe(0);
      expect(made.json.passphrase).toBe('keychain');
      const csr = cli(['csr', '--id', made.json.id, '--subject', '/DC=org/DC=example/CN=Jane', '--json'], '', env);
      expect(csr.status, csr.stderr + csr.stdout).toBe(0);
      expect(csr.json.publicKeyFingerprint).toBe(made.json.publicKeyFingerprint);
      const look = spawnSync('secret-tool', ['lookup', 'service', 'osg-onboard', 'account', `credential:${made.json.id}`], { env: bus.env, encoding: 'utf8' });
      expect(look.stdout).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const keyFile = path.join(f('data-kc'), 'credentials', made.json.id, 'key.pem');
      expect(run('openssl', ['pkey', '-in', keyFile, '-passin', `pass:${look.stdout}`, '-noout']).status).toBe(0);
      expect(readFileSync(keyFile, 'utf8')).toMatch(/ENCRYPTED PRIVATE KEY/);
    });
  });
});
