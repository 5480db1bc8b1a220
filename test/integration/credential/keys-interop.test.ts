// Keys and requests against OpenSSL: our encrypted PKCS#8 opens with `openssl pkey`, keys
// OpenSSL writes open with ours, our CSR verifies with `openssl req -verify` and a CA signing it
// with `openssl x509 -req` issues exactly the subject we asked for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDn } from '../../../shared/dn';
import {
  CredentialStore,
  buildCsr,
  certificateNames,
  encryptPrivateKey,
  generateRsaKey,
  publicKeyFingerprint,
  readCertificate,
  readPrivateKeyPem,
} from '../../../electron/services/credential';
import { SessionSecretStore } from '../../../electron/services/keychain/session-store';
import { makeOpensslPki, ok, run, type OpensslPki } from './tools';

let dir: string;
let pki: OpensslPki;
const f = (n: string) => path.join(dir, n);

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'osg-keys-interop-'));
  pki = makeOpensslPki(path.join(dir, 'pki'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('encrypted keys', () => {
  it('our key file opens with openssl pkey -passin, as PBES2 / PBKDF2-SHA256 / AES-256-CBC', async () => {
    const key = await generateRsaKey();
    writeFileSync(f('ours.key'), encryptPrivateKey(key, 'pässwörd'));
    const parsed = ok('openssl', ['asn1parse', '-in', f('ours.key')]);
    expect(parsed).toMatch(/:PBES2/);
    expect(parsed).toMatch(/:PBKDF2/);
    expect(parsed).toMatch(/:hmacWithSHA256/);
    expect(parsed).toMatch(/:aes-256-cbc/);
    const pub = ok('openssl', ['pkey', '-in', f('ours.key'), '-passin', 'pass:pässwörd', '-pubout']);
    expect(publicKeyFingerprint(createPublicKey(pub))).toBe(publicKeyFingerprint(key));
    expect(ok('openssl', ['pkey', '-in', f('ours.key'), '-passin', 'pass:pässwörd', '-check', '-noout'])).toMatch(/Key is valid/);
    expect(run('openssl', ['pkey', '-in', f('ours.key'), '-passin', 'pass:passwörd', '-noout']).status).not.toBe(0);
  });

  it('opens keys OpenSSL encrypts: PKCS#8 (-aes256) and traditional PKCS#1 (Proc-Type, -traditional)', () => {
    ok('openssl', ['pkey', '-in', pki.files.userKey, '-aes256', '-passout', 'pass:pässwörd', '-out', f('p8.key')]);
    ok('openssl', ['rsa', '-in', pki.files.userKey, '-aes256', '-traditional', '-passout', 'pass:pässwörd', '-out', f('p1.key')]);
    expect(readFileSync(f('p1.key'), 'utf8')).toContain('Proc-Type: 4,ENCRYPTED');
    const want = publicKeyFingerprint(createPrivateKey(pki.userKeyPem));
    expect(publicKeyFingerprint(readPrivateKeyPem(readFileSync(f('p8.key')), 'pässwörd'))).toBe(want);
    expect(publicKeyFingerprint(readPrivateKeyPem(readFileSync(f('p1.key')), 'pässwörd'))).toBe(want);
    expect(() => readPrivateKeyPem(readFileSync(f('p1.key')), 'nope')).toThrow(expect.objectContaining({ code: 'KEY_PASSPHRASE_WRONG' }));
  });
});

describe('certificate requests', () => {
  const SUBJECT = '/DC=org/DC=cilogon/C=US/O=Université de Genève/OU=Physics/CN=Jane Doe A12345+UID=jdoe';

  it('passes openssl req -verify, with the string types CAs expect', async () => {
    const key = await generateRsaKey();
    writeFileSync(f('req.csr'), buildCsr({ key, subject: parseDn(SUBJECT) }).pem);
    const v = run('openssl', ['req', '-in', f('req.csr'), '-verify', '-noout', '-subject', '-nameopt', 'RFC2253,-esc_msb']);
    expect(v.status, v.stderr).toBe(0);
    expect(v.stderr + v.stdout).toMatch(/verify OK/);
    expect(v.stdout).toMatch(/CN=Jane Doe A12345\+UID=jdoe|UID=jdoe\+CN=Jane Doe A12345/);
    expect(v.stdout).toContain('O=Université de Genève');
    const asn = ok('openssl', ['asn1parse', '-in', f('req.csr')]);
    expect(asn).toMatch(/countryName\s*\n.*PRINTABLESTRING\s*:US/);
    expect(asn).toMatch(/domainComponent\s*\n.*IA5STRING\s*:cilogon/);
    expect(asn).toMatch(/organizationName\s*\n.*UTF8STRING/);
    expect(asn).toMatch(/commonName\s*\n.*PRINTABLESTRING\s*:Jane Doe A12345/);
    expect(asn).toMatch(/sha256WithRSAEncryption/);
    // A tampered request fails openssl's own check (OpenSSL 3.0 exits 0 either way: read its words).
    const der = Buffer.from(readFileSync(f('req.csr'), 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64');
    der[der.indexOf(Buffer.from('Jane'))] ^= 0x01;
    writeFileSync(f('bad.csr'), der);
    const bad = run('openssl', ['req', '-in', f('bad.csr'), '-inform', 'DER', '-verify', '-noout']);
    expect(bad.stderr + bad.stdout).toMatch(/verify failure/);
    expect(bad.stderr + bad.stdout).not.toMatch(/verify OK/);
  });

  it('a CA signing it issues exactly our subject, and the store takes the certificate', async () => {
    const store = new CredentialStore({ dataDir: f('data'), secrets: new SessionSecretStore() });
    const key = await generateRsaKey();
    const csr = buildCsr({ key, subject: parseDn(SUBJECT) });
    const rec = await store.create({ key, subject: SUBJECT, csrPem: csr.pem });
    writeFileSync(f('issued.csr'), (await store.csrPem(rec.id))!);
    ok('openssl', ['x509', '-req', '-in', f('issued.csr'), '-CA', pki.files.intermediate, '-CAkey', path.join(pki.dir, 'int.key'), '-CAcreateserial', '-out', f('issued.pem'), '-days', '7']);
    const cert = readCertificate(readFileSync(f('issued.pem')));
    const names = certificateNames(cert).subject;
    expect(names.slice(0, 5)).toEqual(parseDn(SUBJECT).slice(0, 5));
    expect(new Set(names[5].map((a) => a.type))).toEqual(new Set(['CN', 'UID']));
    const issued = await store.attachCertificate(rec.id, readFileSync(f('issued.pem'), 'utf8') + pki.rootPem + pki.intermediatePem);
    expect(issued.status).toBe('issued');
    expect(issued.certificate?.issuer).toBe('/DC=org/DC=example/CN=Example Grid CA 1');
  });
});
