// PKCS#12 interop with the programs users and sites have: OpenSSL 3 and NSS (Firefox's pk12util).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OnboardError } from '../../../shared/errors';
import {
  certificateInfo,
  publicKeyFingerprint,
  readCertificate,
  readCertificates,
  readPkcs12,
  writePkcs12,
  type Pkcs12Profile,
} from '../../../electron/services/credential';
import { makeOpensslPki, newNssDb, ok, run, type OpensslPki } from './tools';

let dir: string;
let pki: OpensslPki;
const PW = 'pässwörd ünï 😀';

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'osg-p12-interop-'));
  pki = makeOpensslPki(path.join(dir, 'pki'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const userKey = () => createPrivateKey(pki.userKeyPem);
const f = (n: string) => path.join(dir, n);

async function ours(profile: Pkcs12Profile, name: string, friendlyName = 'Jane’s grid cert'): Promise<string> {
  const p12 = await writePkcs12({
    key: userKey(),
    certificate: readCertificate(pki.userPem),
    chain: readCertificates(pki.rootPem + pki.intermediatePem), // out of order on purpose
    password: PW,
    friendlyName,
    profile,
  });
  writeFileSync(f(name), p12);
  return f(name);
}

function expectOursMatch(r: Awaited<ReturnType<typeof readPkcs12>>): void {
  expect(r.certificate.raw.equals(readCertificate(pki.userPem).raw)).toBe(true);
  expect(publicKeyFingerprint(r.key)).toBe(publicKeyFingerprint(userKey()));
  expect(r.chain.map((c) => certificateInfo(c).subject)).toEqual(['/DC=org/DC=example/CN=Example Grid CA 1', '/DC=org/DC=example/CN=Example Root CA']);
}

describe('our .p12 files in OpenSSL and NSS', () => {
  for (const profile of ['modern', 'legacy'] as const) {
    it(`${profile}: openssl pkcs12 -info opens it, and its key and certificate are ours`, async () => {
      // OpenSSL prints BMPString names by their low bytes only: an ASCII name for this check.
      const file = await ours(profile, `ours-${profile}.p12`, 'Jane grid cert');
      const legacy = profile === 'legacy' ? ['-legacy'] : [];
      const info = run('openssl', ['pkcs12', ...legacy, '-info', '-noout', '-in', file, '-passin', `pass:${PW}`]);
      expect(info.status, info.stderr).toBe(0);
      const text = info.stdout + info.stderr;
      if (profile === 'modern') {
        expect(text).toContain('MAC: sha256, Iteration 2048');
        expect(text).toMatch(/Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256/);
      } else {
        expect(text).toContain('MAC: sha1, Iteration 2048');
        expect(text).toMatch(/Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048/);
      }
      const certs = ok('openssl', ['pkcs12', ...legacy, '-in', file, '-passin', `pass:${PW}`, '-nokeys', '-clcerts']);
      expect(readCertificate(certs).raw.equals(readCertificate(pki.userPem).raw)).toBe(true);
      expect(certs).toContain('friendlyName: Jane grid cert');
      const cacerts = ok('openssl', ['pkcs12', ...legacy, '-in', file, '-passin', `pass:${PW}`, '-nokeys', '-cacerts']);
      expect(readCertificates(cacerts)).toHaveLength(2);
      const key = ok('openssl', ['pkcs12', ...legacy, '-in', file, '-passin', `pass:${PW}`, '-nocerts', '-nodes']);
      expect(publicKeyFingerprint(createPrivateKey(key.slice(key.indexOf('-----BEGIN'))))).toBe(publicKeyFingerprint(userKey()));
      expect(run('openssl', ['pkcs12', ...legacy, '-info', '-noout', '-in', file, '-passin', 'pass:wrong']).status).not.toBe(0);
    });

    it(`${profile}: pk12util imports it into a fresh NSS database with key and certificate paired`, async () => {
      const file = await ours(profile, `nss-${profile}.p12`);
      const db = newNssDb(f(`nssdb-${profile}`));
      const pwFile = f(`pw-${profile}.txt`);
      writeFileSync(pwFile, PW + '\n');
      const imp = run('pk12util', ['-i', file, '-d', db, '-w', pwFile]);
      expect(imp.status, imp.stderr + imp.stdout).toBe(0);
      // certutil -K names a key by its certificate only when the two are paired (same CKA_ID).
      const keys = ok('certutil', ['-K', '-d', db]);
      expect(keys).toContain('Jane’s grid cert');
      expect(keys).not.toContain('orphan');
      expect(ok('certutil', ['-L', '-d', db])).toMatch(/Jane’s grid cert\s+u,u,u/);
      // And what NSS now holds, exported again, opens with ours to the same key and certificate.
      const out = f(`nss-${profile}-out.p12`);
      ok('pk12util', ['-o', out, '-n', 'Jane’s grid cert', '-d', db, '-w', pwFile]);
      const back = await readPkcs12(readFileSync(out), PW);
      expect(back.certificate.raw.equals(readCertificate(pki.userPem).raw)).toBe(true);
      expect(publicKeyFingerprint(back.key)).toBe(publicKeyFingerprint(userKey()));
    });
  }
});

describe('.p12 files made by OpenSSL and NSS, read by ours', () => {
  const exportArgs = (out: string, pass: string, extra: string[] = []) => [
    'pkcs12', '-export', '-inkey', pki.files.userKey, '-in', pki.files.user, '-certfile', pki.files.chain, '-name', 'Jäne Doé', '-out', out, '-passout', `pass:${pass}`, ...extra,
  ];

  it('OpenSSL 3 default (AES-256, PBKDF2, SHA-256 MAC) with a non-ASCII password and friendly name', async () => {
    ok('openssl', exportArgs(f('ossl-default.p12'), PW));
    const r = await readPkcs12(readFileSync(f('ossl-default.p12')), PW);
    expectOursMatch(r);
    expect(r.friendlyName).toBe('Jäne Doé');
    expect(r.mac).toEqual({ hash: 'sha256', iterations: 2048 });
    expect(r.keyProtection).toBe('PBES2, PBKDF2-SHA256, AES-256-CBC, 2048 iterations');
    await expect(readPkcs12(readFileSync(f('ossl-default.p12')), 'pässwörd')).rejects.toMatchObject({ code: 'P12_WRONG_PASSWORD' });
  });

  it('OpenSSL -legacy (RC2-40 certificates, 3DES key, SHA-1 MAC)', async () => {
    ok('openssl', exportArgs(f('ossl-legacy.p12'), PW, ['-legacy']));
    const r = await readPkcs12(readFileSync(f('ossl-legacy.p12')), PW);
    expectOursMatch(r);
    expect(r.certificateProtection).toMatch(/PBE-SHA1-RC2-40/);
    expect(r.keyProtection).toMatch(/PBE-SHA1-3DES/);
    expect(r.mac?.hash).toBe('sha1');
  });

  it('an empty password (modern and legacy)', async () => {
    ok('openssl', exportArgs(f('ossl-empty.p12'), ''));
    ok('openssl', exportArgs(f('ossl-empty-legacy.p12'), '', ['-legacy']));
    expectOursMatch(await readPkcs12(readFileSync(f('ossl-empty.p12')), ''));
    expectOursMatch(await readPkcs12(readFileSync(f('ossl-empty-legacy.p12')), ''));
    await expect(readPkcs12(readFileSync(f('ossl-empty.p12')), 'x')).rejects.toMatchObject({ code: 'P12_WRONG_PASSWORD' });
  });

  it('no MAC (-nomac): read, with the integrity reported as absent', async () => {
    ok('openssl', exportArgs(f('ossl-nomac.p12'), PW, ['-nomac']));
    const r = await readPkcs12(readFileSync(f('ossl-nomac.p12')), PW);
    expectOursMatch(r);
    expect(r.integrity).toBe('no-mac');
    await expect(readPkcs12(readFileSync(f('ossl-nomac.p12')), 'wrong')).rejects.toMatchObject({ code: 'P12_WRONG_PASSWORD' });
  });

  it('unencrypted bags (-keypbe NONE -certpbe NONE) still need the MAC password', async () => {
    ok('openssl', exportArgs(f('ossl-none.p12'), PW, ['-keypbe', 'NONE', '-certpbe', 'NONE']));
    const r = await readPkcs12(readFileSync(f('ossl-none.p12')), PW);
    expectOursMatch(r);
    expect(r.keyProtection).toMatch(/not encrypted/);
    await expect(readPkcs12(readFileSync(f('ossl-none.p12')), 'wrong')).rejects.toMatchObject({ code: 'P12_WRONG_PASSWORD' });
  });

  it('a certificate-only file says there is no key; a key that matches no certificate says so', async () => {
    ok('openssl', ['pkcs12', '-export', '-nokeys', '-in', pki.files.user, '-out', f('ossl-nokey.p12'), '-passout', 'pass:secret']);
    await expect(readPkcs12(readFileSync(f('ossl-nokey.p12')), 'secret')).rejects.toMatchObject({ code: 'P12_NO_KEY' });
    // openssl refuses to pair a wrong key; put the CA cert + user key in with -nocerts-style trickery:
    ok('openssl', ['pkcs12', '-export', '-inkey', pki.files.userKey, '-nocerts', '-certfile', pki.files.root, '-out', f('ossl-mismatch.p12'), '-passout', 'pass:secret']);
    const err = await readPkcs12(readFileSync(f('ossl-mismatch.p12')), 'secret').catch((e) => e);
    expect(err).toBeInstanceOf(OnboardError);
    expect(err.code).toBe('KEY_CERT_MISMATCH');
  });

  it('Firefox/NSS backups (pk12util -o: 600,000 rounds, BER indefinite lengths), non-ASCII password', async () => {
    const db = newNssDb(f('nssdb-src'));
    const pwFile = f('pw-src.txt');
    writeFileSync(pwFile, PW + '\n');
    ok('openssl', exportArgs(f('to-nss.p12'), PW));
    ok('pk12util', ['-i', f('to-nss.p12'), '-d', db, '-w', pwFile]);
    ok('pk12util', ['-o', f('from-nss.p12'), '-n', 'Jäne Doé', '-d', db, '-w', pwFile]);
    const der = readFileSync(f('from-nss.p12'));
    expect(der[1]).toBe(0x80); // indefinite length, as NSS writes
    const progress: number[] = [];
    const r = await readPkcs12(der, PW, { onProgress: (x) => progress.push(x ?? -1) });
    expect(r.certificate.raw.equals(readCertificate(pki.userPem).raw)).toBe(true);
    expect(publicKeyFingerprint(r.key)).toBe(publicKeyFingerprint(userKey()));
    expect(r.mac).toEqual({ hash: 'sha256', iterations: 600000 });
    expect(r.friendlyName).toBe('Jäne Doé');
    expect(progress.length).toBeGreaterThan(5); // the user sees it move
    expect(progress.at(-1)).toBe(1);
  });
});
