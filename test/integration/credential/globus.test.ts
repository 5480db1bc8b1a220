// ~/.globus from a .p12: exact modes, nothing lost, and the files work with the real tools
// (openssl reads them, grid-proxy-init makes and verifies a proxy from them).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OnboardError } from '../../../shared/errors';
import { buildGlobusFiles, installGlobus, writeGlobusFiles } from '../../../electron/services/credential';
import { backupStamp } from '../../../electron/services/fs/atomic';
import { makeOpensslPki, ok, run, type OpensslPki } from './tools';

let dir: string;
let pki: OpensslPki;
let p12: Buffer;
let home: string;
const PW = 'pässwörd 😀';

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'osg-globus-'));
  pki = makeOpensslPki(path.join(dir, 'pki'));
  const out = path.join(dir, 'usercred-in.p12');
  ok('openssl', ['pkcs12', '-export', '-inkey', pki.files.userKey, '-in', pki.files.user, '-certfile', pki.files.chain, '-name', 'grid', '-out', out, '-passout', `pass:${PW}`]);
  p12 = readFileSync(out);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  home = mkdtempSync(path.join(dir, 'home-'));
});

const mode = (p: string) => statSync(p).mode & 0o7777;
const globus = () => path.join(home, '.globus');
const g = (n: string) => path.join(globus(), n);

describe('.globus install', () => {
  it('writes the three files with exact modes in a 0700 folder, whatever the umask', async () => {
    const old = process.umask(0o077);
    try {
      const r = await installGlobus({ dir: globus(), p12, password: PW });
      expect(r.files.map((x) => x.name)).toEqual(['userkey.pem', 'usercert.pem', 'usercred.p12']);
      expect(r.files.every((x) => x.backupPath === undefined)).toBe(true);
      expect(r.subject).toBe('/DC=org/DC=example/C=US/O=Université Test/UID=jdoe+CN=Jane Doe A12345'); // DER sorts the RDN's SET
    } finally {
      process.umask(old);
    }
    expect(mode(globus())).toBe(0o700);
    expect(mode(g('userkey.pem'))).toBe(0o400);
    expect(mode(g('usercert.pem'))).toBe(0o644);
    expect(mode(g('usercred.p12'))).toBe(0o400);
    expect(readdirSync(globus()).sort()).toEqual(['usercert.pem', 'usercred.p12', 'userkey.pem']);
  });

  it('makes what openssl pkcs12 -clcerts/-nocerts would: openssl and grid-proxy-init use them', async () => {
    await installGlobus({ dir: globus(), p12, password: PW, keyPassphrase: 'key phrase' });
    expect(readFileSync(g('usercred.p12')).equals(p12)).toBe(true);
    const clcerts = ok('openssl', ['pkcs12', '-in', g('usercred.p12'), '-passin', `pass:${PW}`, '-clcerts', '-nokeys']);
    const want = ok('openssl', ['x509', '-outform', 'PEM'], { input: clcerts });
    expect(readFileSync(g('usercert.pem'), 'utf8')).toBe(want);
    expect(readFileSync(g('userkey.pem'), 'utf8')).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
    const keyPub = ok('openssl', ['pkey', '-in', g('userkey.pem'), '-passin', 'pass:key phrase', '-pubout']);
    expect(keyPub).toBe(ok('openssl', ['x509', '-in', g('usercert.pem'), '-noout', '-pubkey']));
    expect(run('openssl', ['pkey', '-in', g('userkey.pem'), '-passin', `pass:${PW}`, '-noout']).status).not.toBe(0);
    // The grid's own tool: reads the pair, makes a proxy, verifies it against the CA folder.
    const env = { ...process.env, X509_CERT_DIR: pki.caDir, HOME: home };
    const proxy = path.join(home, 'x509up');
    const gpi = run('grid-proxy-init', ['-verify', '-cert', g('usercert.pem'), '-key', g('userkey.pem'), '-pwstdin', '-out', proxy, '-bits', '2048'], { input: 'key phrase\n', env });
    expect(gpi.status, gpi.stderr + gpi.stdout).toBe(0);
    expect(gpi.stdout).toMatch(/Proxy Verify OK/);
    const bad = run('grid-proxy-init', ['-cert', g('usercert.pem'), '-key', g('userkey.pem'), '-pwstdin', '-out', proxy + '2'], { input: 'wrong\n', env });
    expect(bad.status).not.toBe(0);
  });

  it('builds the bytes without writing, and writes exactly those bytes', async () => {
    const built = await buildGlobusFiles({ p12, password: PW });
    expect(existsSync(globus())).toBe(false);
    expect(built.chainLength).toBe(2);
    await writeGlobusFiles(globus(), built);
    for (const name of ['usercred.p12', 'usercert.pem', 'userkey.pem'] as const) {
      expect(readFileSync(g(name)).equals(built.files[name])).toBe(true);
    }
  });

  it('never overwrites: a second install keeps the first files as .bak-<UTC stamp>, byte for byte', async () => {
    await installGlobus({ dir: globus(), p12, password: PW });
    const first = Object.fromEntries(['userkey.pem', 'usercert.pem', 'usercred.p12'].map((n) => [n, readFileSync(g(n))]));
    const at = new Date(Math.floor(Date.now() / 1000) * 1000 + 60_000);
    const now = () => at;
    const stamp = backupStamp(at);
    const r = await installGlobus({ dir: globus(), p12, password: PW, now });
    for (const file of r.files) {
      expect(file.backupPath).toBe(`${file.path}.bak-${stamp}`);
      expect(readFileSync(file.backupPath!).equals(first[file.name])).toBe(true);
      expect(mode(file.backupPath!)).toBe(mode(file.path)); // the old file's mode is kept too
    }
    // The new key differs (new salt) but opens to the same key.
    expect(readFileSync(g('userkey.pem')).equals(first['userkey.pem'])).toBe(false);
    const third = await installGlobus({ dir: globus(), p12, password: PW, now });
    expect(third.files[0].backupPath).toBe(`${g('userkey.pem')}.bak-${stamp}-1`);
    expect(readdirSync(globus())).toHaveLength(9);
  });

  it('a crash between the temp write and the rename leaves the old file intact and no temp file', async () => {
    await installGlobus({ dir: globus(), p12, password: PW });
    const oldCert = readFileSync(g('usercert.pem'));
    const oldKey = readFileSync(g('userkey.pem'));
    const err = await installGlobus({
      dir: globus(), p12, password: PW,
      beforeRename: (tmp) => {
        if (tmp.includes('usercert.pem')) throw new Error('simulated crash');
      },
    }).catch((e) => e);
    expect(err).toBeInstanceOf(OnboardError);
    expect(err.code).toBe('IO_ERROR');
    expect(readFileSync(g('usercert.pem')).equals(oldCert)).toBe(true);
    const names = readdirSync(globus());
    expect(names.filter((n) => n.includes('.tmp-'))).toEqual([]);
    // The key written before the crash replaced the old one, which is kept as a backup.
    const keyBak = names.find((n) => n.startsWith('userkey.pem.bak-'))!;
    expect(readFileSync(path.join(globus(), keyBak)).equals(oldKey)).toBe(true);
  });

  it('checks before writing: expired certificate, wrong password, short key passphrase → nothing written', async () => {
    const later = () => new Date(Date.now() + 400 * 86400_000);
    await expect(installGlobus({ dir: globus(), p12, password: PW, now: later })).rejects.toMatchObject({ code: 'CERT_EXPIRED' });
    await expect(installGlobus({ dir: globus(), p12, password: 'wrong' })).rejects.toMatchObject({ code: 'P12_WRONG_PASSWORD' });
    await expect(installGlobus({ dir: globus(), p12, password: PW, keyPassphrase: 'abc' })).rejects.toMatchObject({ code: 'PASSPHRASE_TOO_SHORT' });
    expect(existsSync(globus())).toBe(false);
  });

  it('tightens an existing .globus folder to 0700', async () => {
    mkdirSync(globus(), { mode: 0o755 });
    chmodSync(globus(), 0o755);
    await installGlobus({ dir: globus(), p12, password: PW });
    expect(mode(globus())).toBe(0o700);
  });
});
