import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createProxy } from '../../../electron/services/proxy/make-proxy';
import { createPusp } from '../../../electron/services/proxy/pusp';
import { verifyChain, puspIdentity } from '../../../electron/services/proxy/verify';
import { makeTrustStore, parseSigningPolicy, signingPolicyMatches, loadTrustDir } from '../../../electron/services/proxy/trust-dir';
import { formatProxyInfo, formatTimeleft, inspectProxy } from '../../../electron/services/proxy/inspect';
import { defaultProxyPath, parseProxyFile, proxyFileWritePolicy, readProxyFile, writeProxyFile } from '../../../electron/services/proxy/proxy-file';
import { pemEncode } from '../../../electron/services/proxy/pem';
import { testKey, testPki } from './fixtures';

let pki: Awaited<ReturnType<typeof testPki>>;
let dir: string;
beforeAll(async () => {
  pki = await testPki();
  dir = mkdtempSync(path.join(os.tmpdir(), 'osg-proxy-unit-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const trust = () => makeTrustStore([pki.root.cert]);

describe('verifyChain (in-memory trust store; the openssl corpus is in test/integration)', () => {
  it('accepts a proxy chain to the trusted root and names the identity', async () => {
    const p = await createProxy({ issuerCert: pki.user.cert, issuerKey: pki.user.key, proxyKey: testKey(4) });
    const v = await verifyChain({ chain: p.pem, trust: trust() });
    expect(v.errors).toEqual([]);
    expect(v.identity).toBe(pki.user.cert.subjectDn);
    expect(v.path.map((e) => e.role)).toEqual(['proxy', 'eec', 'anchor']);
    expect(v.path[2].source).toBe('trust-dir');
  });

  it('catches a key that does not belong to the proxy, a tampered signature, wrong order, outliving', async () => {
    const p1 = await createProxy({ issuerCert: pki.user.cert, issuerKey: pki.user.key, proxyKey: testKey(4) });
    const p2 = await createProxy({ issuerCert: p1.certificate, issuerKey: p1.privateKey, chain: p1.chain, proxyKey: testKey(5) });
    const wrongKey = p2.certificatePem + p1.privateKeyPem + p2.chain.map((c) => pemEncode('CERTIFICATE', c.der)).join('');
    expect((await verifyChain({ chain: wrongKey, trust: trust() })).errors.map((e) => e.code)).toEqual(['KEY_MISMATCH']);
    const der = Buffer.from(p2.certificate.der);
    der[der.length - 3] ^= 1;
    expect((await verifyChain({ chain: [der, ...p2.chain.map((c) => c.der)], trust: trust() })).errors.map((e) => e.code)).toContain('BAD_SIGNATURE');
    const order = await verifyChain({ chain: [p2.certificate, pki.user.cert, p1.certificate], trust: trust() });
    expect(order.errors.map((e) => e.code)).toContain('CHAIN_ORDER');
    const later = new Date(Date.now() + 13 * 3600_000);
    expect((await verifyChain({ chain: p2.pem, trust: trust(), now: later })).errors.map((e) => e.code)).toContain('EXPIRED');
    expect((await verifyChain({ chain: p2.pem, trust: makeTrustStore([pki.other.cert]) })).errors.map((e) => e.code)).toContain('UNKNOWN_ISSUER');
  });

  it('applies the EGI PUSP rules', async () => {
    const r = await createPusp({ robotCert: pki.robot.cert, robotKey: pki.robot.key, userId: 'alice', session: true, puspKey: testKey(4), sessionKey: testKey(5) });
    const v = await verifyChain({ chain: r.pem, trust: trust() });
    expect(v.identity).toBe(r.identity);
    expect(v.pusp).toEqual({ userLabel: 'user:alice', subject: r.identity });
    expect(puspIdentity([r.session!.certificate, r.pusp.certificate], pki.user.cert).reasons[0].code).toBe('PUSP_EEC_NOT_ROBOT');
    expect(puspIdentity([r.pusp.certificate, r.session!.certificate], pki.robot.cert).reasons[0].code).toBe('PUSP_NOT_FIRST');
    expect(puspIdentity([r.pusp.certificate, r.pusp.certificate], pki.robot.cert).reasons[0].code).toBe('PUSP_MORE_THAN_ONE');
    expect(puspIdentity([r.session!.certificate], pki.user.cert).identity).toBe(pki.user.cert.subjectDn);
  });

  it('reads Globus signing policies and matches subjects like Globus', () => {
    const m = parseSigningPolicy(`# comment\naccess_id_CA X509 '/C=US/O=Test/CN=CA'\npos_rights globus CA:sign\ncond_subjects globus '"/C=US/O=Test/*" "/DC=org/DC=test/*"'\n`);
    expect(m.get('/C=US/O=Test/CN=CA')).toEqual(['/C=US/O=Test/*', '/DC=org/DC=test/*']);
    expect(signingPolicyMatches('/C=US/O=Test/*', '/C=US/O=Test/CN=Jane')).toBe(true);
    expect(signingPolicyMatches('/C=US/O=Test/*', '/C=US/O=Testing/CN=Jane')).toBe(false);
    expect(signingPolicyMatches('/C=US/O=Te?t/CN=(x)', '/C=US/O=Text/CN=(x)')).toBe(true);
  });

  it('refuses a trust folder that is missing or has no <hash>.0 files', async () => {
    await expect(loadTrustDir(path.join(dir, 'nope'))).rejects.toMatchObject({ code: 'PROXY_TRUST_DIR_INVALID' });
    await expect(loadTrustDir(dir)).rejects.toMatchObject({ code: 'PROXY_TRUST_DIR_INVALID' });
  });
});

describe('inspectProxy', () => {
  it('describes a proxy as voms-proxy-info does, without verifying it', async () => {
    const r = await createPusp({ robotCert: pki.robot.cert, robotKey: pki.robot.key, userId: 'alice', session: true, puspKey: testKey(4), sessionKey: testKey(5), hours: 2 });
    const now = new Date(r.session!.notAfter.getTime() - 3723_000);
    const info = inspectProxy(r.pem, { path: '/tmp/x509up_u1000', now });
    expect(info).toMatchObject({
      subject: r.session!.subject, issuer: r.identity, identity: pki.robot.cert.subjectDn, vomsIdentity: r.identity,
      type: 'RFC compliant proxy', proxyType: 'RFC 3820 compliant impersonation proxy', strength: 2048, timeleft: '1:02:03',
      timeleftSeconds: 3723, keyUsage: ['Digital Signature', 'Key Encipherment', 'Data Encipherment'], puspLabel: 'user:alice', hasPrivateKey: true, chainLength: 3,
    });
    const text = formatProxyInfo(info);
    expect(text).toContain('type      : RFC 3820 compliant impersonation proxy\n');
    expect(text).toContain('timeleft  : 1:02:03\n');
    expect(inspectProxy(pemEncode('CERTIFICATE', pki.user.cert.der)).proxyType).toBe('end entity credential');
    expect(formatTimeleft(-5)).toBe('0:00:00');
    expect(formatTimeleft(100 * 3600 + 61)).toBe('100:01:01');
  });

  it('says when a file is not a proxy file', () => {
    expect(() => inspectProxy('hello', { path: 'f' })).toThrow(expect.objectContaining({ code: 'PROXY_FILE_INVALID' }));
    const enc = pemEncode('CERTIFICATE', pki.user.cert.der) + pki.user.key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' });
    expect(() => parseProxyFile(enc)).toThrow(expect.objectContaining({ code: 'PROXY_FILE_INVALID' }));
  });
});

describe('proxy files', () => {
  it('defaults to $X509_USER_PROXY, else /tmp/x509up_u<uid>', () => {
    expect(defaultProxyPath({ X509_USER_PROXY: '/x/p' }, 1000)).toBe('/x/p');
    expect(defaultProxyPath({}, 1000)).toBe('/tmp/x509up_u1000');
  });

  it('writes 0600, replaces an old proxy, keeps anything else as a backup', async () => {
    const p = await createProxy({ issuerCert: pki.user.cert, issuerKey: pki.user.key, proxyKey: testKey(4) });
    const file = path.join(dir, 'x509up_u1');
    await writeProxyFile(file, p.pem);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const r = await writeProxyFile(file, p.pem);
    expect(r.backupPath).toBeUndefined();
    const key = path.join(dir, 'userkey.pem');
    writeFileSync(key, 'precious');
    const r2 = await writeProxyFile(key, p.pem);
    expect(readFileSync(r2.backupPath!, 'utf8')).toBe('precious');
    expect(readdirSync(dir).filter((f) => f.startsWith('userkey.pem.bak-'))).toHaveLength(1);
    await expect(readProxyFile(path.join(dir, 'none'))).rejects.toMatchObject({ code: 'PROXY_FILE_NOT_FOUND' });
  });

  it('decides replace-or-backup before writing when asked (the CLI looks while the key is made)', async () => {
    const p = await createProxy({ issuerCert: pki.user.cert, issuerKey: pki.user.key, proxyKey: testKey(4) });
    const file = path.join(dir, 'x509up_u2');
    expect(await proxyFileWritePolicy(file)).toBe('backup'); // nothing there: nothing to back up either
    await writeProxyFile(file, p.pem, proxyFileWritePolicy(file));
    expect(await proxyFileWritePolicy(file)).toBe('replace');
    const r = await writeProxyFile(file, p.pem, proxyFileWritePolicy(file));
    expect(r.backupPath).toBeUndefined();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const cert = path.join(dir, 'usercert.pem');
    writeFileSync(cert, pemEncode('CERTIFICATE', pki.user.cert.der)); // a certificate, not a proxy: kept
    expect(await proxyFileWritePolicy(cert)).toBe('backup');
    const r2 = await writeProxyFile(cert, p.pem, proxyFileWritePolicy(cert));
    expect(readFileSync(r2.backupPath!, 'utf8')).toContain('BEGIN CERTIFICATE');
  });
});
