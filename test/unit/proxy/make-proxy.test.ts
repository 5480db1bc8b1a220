import { beforeAll, describe, expect, it } from 'vitest';
import { createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { createProxy, BACKDATE_MS } from '../../../electron/services/proxy/make-proxy';
import { findExtension, keyUsage, lastCn, OID, proxyCertInfo } from '../../../electron/services/proxy/cert';
import { loadUserCredential, readPrivateKey } from '../../../electron/services/proxy/cert-input';
import { rdnEncodings } from '../../../electron/services/proxy/name';
import { pemBlocks } from '../../../electron/services/proxy/pem';
import type { ProxySigner } from '../../../electron/services/proxy/cert-builder';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { issue, name, testKey, testPki, CN, O, type Cred } from './fixtures';

let pki: Awaited<ReturnType<typeof testPki>>;
const now = new Date();
beforeAll(async () => {
  pki = await testPki();
});

const make = (issuer: Cred, extra: Partial<Parameters<typeof createProxy>[0]> = {}) =>
  createProxy({ issuerCert: issuer.cert, issuerKey: issuer.key, proxyKey: testKey(4), now, ...extra });

describe('createProxy', () => {
  it('makes subject = issuer subject (raw RDNs) + CN=<decimal serial>, with a fresh positive serial', async () => {
    const p = await make(pki.user);
    const issuerRdns = rdnEncodings(pki.user.cert.subjectDer);
    const rdns = rdnEncodings(p.certificate.subjectDer);
    expect(rdns.slice(0, -1).every((r, i) => r.equals(issuerRdns[i]))).toBe(true);
    expect(p.certificate.issuerDer.equals(pki.user.cert.subjectDer)).toBe(true);
    expect(lastCn(p.certificate)).toBe(p.serial);
    expect(BigInt(p.serial)).toBe(p.certificate.serial);
    expect(p.certificate.serial > 0n).toBe(true);
    const q = await make(pki.user);
    expect(q.serial).not.toBe(p.serial);
  });

  it('puts critical keyUsage and critical proxyCertInfo (inheritAll) with the exact DER', async () => {
    const p = await make(pki.user);
    const pci = findExtension(p.certificate, OID.proxyCertInfo)!;
    expect(pci.critical).toBe(true);
    expect(pci.value.toString('hex')).toBe('300c300a06082b06010505071501');
    const ku = findExtension(p.certificate, OID.keyUsage)!;
    expect(ku.critical).toBe(true);
    expect([...keyUsage(p.certificate)!]).toEqual(['digitalSignature', 'keyEncipherment', 'dataEncipherment']);
    expect(findExtension(p.certificate, OID.basicConstraints)).toBeUndefined();
    expect(p.certificate.signatureAlgorithm).toBe(OID.sha256WithRSA);
    expect(p.policy).toBe('impersonation');
  });

  it('makes limited proxies with the Globus policy language', async () => {
    const p = await make(pki.user, { limited: true });
    expect(proxyCertInfo(p.certificate)!.policyLanguage).toBe(OID.pplGlobusLimited);
    expect(p.policy).toBe('limited');
  });

  it('lives 12 hours by default, back-dated 5 minutes, and never beyond its issuer', async () => {
    const p = await make(pki.user);
    const sec = Math.floor(now.getTime() / 1000) * 1000;
    expect(p.notAfter.getTime()).toBe(sec + 12 * 3600_000);
    expect(p.notBefore.getTime()).toBe(Math.floor((now.getTime() - BACKDATE_MS) / 1000) * 1000);
    const shortUser = await issue({ subject: name([[[O, 'Unit Test']], [[CN, 'Short Lived']]]), issuer: pki.root, key: testKey(5), notAfter: new Date(now.getTime() + 3600_000) });
    const s = await make(shortUser, { hours: 24 });
    expect(s.shortened).toBe(true);
    expect(s.notAfter.getTime()).toBe(shortUser.cert.notAfter.getTime());
  });

  it('writes the proxy file as proxy certificate, its unencrypted key, then the chain, LF only', async () => {
    const p1 = await make(pki.user);
    const p2 = await createProxy({ issuerCert: p1.certificate, issuerKey: p1.privateKey, chain: p1.chain, now });
    const blocks = pemBlocks(p2.pem);
    expect(blocks.map((b) => b.label)).toEqual(['CERTIFICATE', 'RSA PRIVATE KEY', 'CERTIFICATE', 'CERTIFICATE']);
    expect(blocks[0].der.equals(p2.certificate.der)).toBe(true);
    expect(blocks[2].der.equals(p1.certificate.der)).toBe(true);
    expect(blocks[3].der.equals(pki.user.cert.der)).toBe(true);
    expect(p2.pem).not.toContain('\r');
  });

  it('accepts a signer function (a token) and checks what it returns', async () => {
    const calls: Buffer[] = [];
    const token: ProxySigner = { keyType: 'rsa', sign: async (tbs) => (calls.push(tbs), sign('sha256', tbs, pki.user.key)) };
    const p = await createProxy({ issuerCert: pki.user.cert.der, issuerKey: token, proxyKey: testKey(4), now });
    expect(calls).toHaveLength(1);
    expect(calls[0].equals(p.certificate.tbs)).toBe(true);
    const wrongToken: ProxySigner = { keyType: 'rsa', sign: async (tbs) => sign('sha256', tbs, pki.other.key) };
    await expect(createProxy({ issuerCert: pki.user.cert, issuerKey: wrongToken, proxyKey: testKey(4) })).rejects.toMatchObject({ code: 'PROXY_SIGNER_FAILED' });
    const brokenToken: ProxySigner = { keyType: 'rsa', sign: async () => { throw new Error('token removed'); } };
    await expect(createProxy({ issuerCert: pki.user.cert, issuerKey: brokenToken, proxyKey: testKey(4) })).rejects.toMatchObject({ code: 'PROXY_SIGNER_FAILED', message: expect.stringContaining('token removed') });
  });

  it('signs with EC issuer keys (ecdsa-with-SHA256)', async () => {
    const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const ecUser = await issue({ subject: name([[[O, 'Unit Test']], [[CN, 'EC User']]]), issuer: pki.root, key: ecKey });
    const p = await make(ecUser);
    expect(p.certificate.signatureAlgorithm).toBe(OID.ecdsaWithSha256);
  });

  it('refuses what grid-proxy-init refuses, with typed errors', async () => {
    const expired = await issue({ subject: name([[[O, 'Unit Test']], [[CN, 'Expired']]]), issuer: pki.root, key: testKey(5), notBefore: new Date('2020-01-01'), notAfter: new Date('2021-01-01') });
    await expect(make(expired)).rejects.toMatchObject({ code: 'PROXY_ISSUER_EXPIRED' });
    await expect(make({ cert: pki.user.cert, key: pki.other.key })).rejects.toMatchObject({ code: 'PROXY_KEY_MISMATCH' });
    await expect(make(pki.root)).rejects.toMatchObject({ code: 'PROXY_ISSUER_CANNOT_SIGN' });
    const limited = await make(pki.user, { limited: true });
    await expect(createProxy({ issuerCert: limited.certificate, issuerKey: limited.privateKey })).rejects.toMatchObject({ code: 'PROXY_ISSUER_CANNOT_SIGN' });
    const last = await make(pki.user, { pathLength: 0 });
    await expect(createProxy({ issuerCert: last.certificate, issuerKey: last.privateKey })).rejects.toMatchObject({ code: 'PROXY_ISSUER_CANNOT_SIGN' });
    await expect(createProxy({ issuerCert: pki.user.cert, issuerKey: pki.user.key, bits: 1024 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(make(pki.user, { hours: -1 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(createProxy({ issuerCert: 'not a certificate', issuerKey: pki.user.key })).rejects.toMatchObject({ code: 'PROXY_CERT_UNREADABLE' });
  });

  it('takes a proxy key still being made (the CLI starts it first): checks the issuer meanwhile, uses exactly that key', async () => {
    let release!: (k: ReturnType<typeof testKey>) => void;
    const pending = new Promise<ReturnType<typeof testKey>>((r) => (release = r));
    // An issuer error comes out while the key is still pending (never resolved here).
    await expect(make(pki.root, { proxyKey: pending })).rejects.toMatchObject({ code: 'PROXY_ISSUER_CANNOT_SIGN' });
    const made = make(pki.user, { proxyKey: pending });
    release(testKey(6));
    const p = await made;
    expect(p.certificate.spki.equals(createPublicKey(testKey(6)).export({ type: 'spki', format: 'der' }))).toBe(true);
    // A key that fails to generate is the caller's error, not a proxy.
    await expect(make(pki.user, { proxyKey: Promise.reject(new Error('keygen failed')) })).rejects.toThrow('keygen failed');
  });
});

describe('reading usercert.pem / userkey.pem', () => {
  it('opens PKCS#8-encrypted and legacy-encrypted keys, and says which passphrase was wrong', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'osg-proxy-cred-'));
    try {
      const cert = path.join(dir, 'usercert.pem');
      writeFileSync(cert, pemBlocks(`-----BEGIN CERTIFICATE-----\n${pki.user.cert.der.toString('base64')}\n-----END CERTIFICATE-----\n`)[0].text);
      const pkcs8 = path.join(dir, 'userkey.pem');
      writeFileSync(pkcs8, pki.user.key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'Grid pass 1' }));
      const legacy = path.join(dir, 'userkey-legacy.pem');
      writeFileSync(legacy, pki.user.key.export({ type: 'pkcs1', format: 'pem', cipher: 'des-ede3-cbc', passphrase: 'Grid pass 1' }));
      for (const keyFile of [pkcs8, legacy]) {
        const cred = await loadUserCredential({ certFile: cert, keyFile, passphrase: async () => 'Grid pass 1' });
        expect(cred.certificate.subjectDn).toBe(pki.user.cert.subjectDn);
        await expect(loadUserCredential({ certFile: cert, keyFile, passphrase: async () => 'wrong' })).rejects.toMatchObject({ code: 'PROXY_KEY_PASSPHRASE' });
      }
      const otherKey = path.join(dir, 'other.pem');
      writeFileSync(otherKey, pki.other.key.export({ type: 'pkcs8', format: 'pem' }));
      let asked = false;
      await expect(loadUserCredential({ certFile: cert, keyFile: otherKey, passphrase: async () => ((asked = true), '') })).rejects.toMatchObject({ code: 'PROXY_KEY_MISMATCH' });
      expect(asked).toBe(false); // an unencrypted key is not a reason to ask
      await expect(loadUserCredential({ certFile: path.join(dir, 'missing.pem'), keyFile: pkcs8 })).rejects.toMatchObject({ code: 'PROXY_CERT_UNREADABLE' });
      expect(() => readPrivateKey('garbage', undefined)).toThrow(expect.objectContaining({ code: 'PROXY_KEY_UNREADABLE' }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
