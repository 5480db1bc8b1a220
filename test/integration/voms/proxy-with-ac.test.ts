// A proxy carrying a VOMS AC we built (extension 1.3.6.1.4.1.8005.100.100.5), read by the real
// voms-proxy-info and accepted by openssl verify; a tampered AC is caught by our reader.
// Note: Debian's voms-proxy-info 2.1.0~rc3 tries AC verification (VERIFY_SIGN|VERIFY_KEY) but on
// failure silently prints the unverified AC with exit 0 — no flag makes it fail. The real-tool
// AC verification is voms-proxy-init's (see generate-ac.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import path from 'node:path';
import { createGridCa, type GridCa, type IssuedCert } from '../../helpers/grid-ca';
import { createProxy, certificatesFromPem, inspectProxy, loadTrustDir, OID, parseCertificate } from '../../../electron/services/proxy';
import { findExtension } from '../../../electron/services/proxy/cert';
import { buildVomsAc, parseVomsAcSequence, readLsc, verifyVomsAc } from '../../../electron/services/voms';
import { hmsSeconds, opensslVerify, vomsProxyInfo } from '../proxy/tools';

let ca: GridCa;
let user: IssuedCert;
let host: IssuedCert;
let vomsDir = '';

const HOST_DN = '/C=US/O=OSG Onboard Test/OU=Services/CN=voms.example.org';

beforeAll(() => {
  ca = createGridCa();
  user = ca.issue('user', { subject: '/C=US/O=OSG Onboard Test/CN=Ada Lovelace' });
  host = ca.issue('voms', { subject: HOST_DN, extraExtensions: ['subjectKeyIdentifier=hash'] });
  vomsDir = path.join(ca.dir, 'vomsdir');
  mkdirSync(path.join(vomsDir, 'testvo'), { recursive: true });
  writeFileSync(path.join(vomsDir, 'testvo', 'voms.example.org.lsc'), `${HOST_DN}\n${ca.root.subject}\n`);
}, 60_000);

afterAll(() => ca?.cleanup());

async function vomsProxy(mutate?: (ac: Buffer) => void): Promise<string> {
  const userCert = certificatesFromPem(user.certPem)[0];
  const now = Date.now();
  const ac = buildVomsAc({
    holder: userCert, serverCert: parseCertificate(certificatesFromPem(host.certPem)[0].der), serverKey: createPrivateKey(host.keyPem),
    vo: 'testvo', host: 'voms.example.org', port: 15000, fqans: ['/testvo'], notBefore: new Date(now - 60_000), notAfter: new Date(now + 6 * 3600_000),
  });
  mutate?.(ac);
  const proxy = await createProxy({ issuerCert: userCert, issuerKey: createPrivateKey(user.keyPem), hours: 12, vomsAcs: [ac] });
  const file = path.join(ca.dir, `proxy-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, proxy.pem, { mode: 0o600 });
  return file;
}

describe('a proxy with a VOMS AC', () => {
  it('puts the AC in a non-critical 1.3.6.1.4.1.8005.100.100.5 extension that voms-proxy-info reads and openssl accepts', async () => {
    const file = await vomsProxy();
    const leaf = certificatesFromPem(readFileSync(file, 'utf8'))[0];
    expect(findExtension(leaf, OID.vomsAc)?.critical).toBe(false);
    const r = vomsProxyInfo(file, ca.env({ X509_VOMS_DIR: vomsDir }));
    expect(r.ok, r.out).toBe(true);
    expect(r.proxy.type).toBe('RFC compliant proxy');
    expect(r.vo).toHaveLength(1);
    const vo = r.vo[0];
    expect({ VO: vo.VO, subject: vo.subject, issuer: vo.issuer, attributes: vo.attributes, uri: vo.uri }).toEqual({
      VO: 'testvo', subject: user.subject, issuer: HOST_DN, attributes: '/testvo/Role=NULL/Capability=NULL', uri: 'voms.example.org:15000',
    });
    expect(Math.abs(hmsSeconds(vo.timeleft) - 6 * 3600)).toBeLessThan(120);
    expect(opensslVerify(ca.trustDir, file, ca.env()).ok).toBe(true);

    // Our inspector shows the same VO block; our verifier accepts the AC by the .lsc rule.
    const info = inspectProxy(readFileSync(file, 'utf8'));
    expect(info.vo.map((v) => ({ VO: v.vo, subject: v.subject, issuer: v.issuer, attributes: v.attributes.join('\n'), uri: v.uri }))).toEqual([
      { VO: vo.VO, subject: vo.subject, issuer: vo.issuer, attributes: vo.attributes, uri: vo.uri },
    ]);
    const [ac] = parseVomsAcSequence(findExtension(leaf, OID.vomsAc)!.value);
    const check = verifyVomsAc(ac, { lsc: await readLsc(vomsDir, 'testvo', ac.host), trust: await loadTrustDir(ca.trustDir), holder: { dn: user.subject } });
    expect(check).toMatchObject({ valid: true, errors: [] });
  });

  it('a tampered AC signature: openssl still accepts the proxy (it does not look inside), our verifier refuses the AC', async () => {
    const file = await vomsProxy((ac) => {
      ac[ac.length - 4] ^= 0x01;
    });
    expect(opensslVerify(ca.trustDir, file, ca.env()).ok).toBe(true);
    const leaf = certificatesFromPem(readFileSync(file, 'utf8'))[0];
    const [ac] = parseVomsAcSequence(findExtension(leaf, OID.vomsAc)!.value);
    const check = verifyVomsAc(ac, { lsc: await readLsc(vomsDir, 'testvo', ac.host), trust: await loadTrustDir(ca.trustDir) });
    expect(check.valid).toBe(false);
    expect(check.errors.join()).toMatch(/signature/);
    // A wrong .lsc (another server DN) is refused too.
    expect(verifyVomsAc(ac, { lsc: [['/C=US/O=Other/CN=voms.example.org', ca.root.subject]], trust: await loadTrustDir(ca.trustDir) }).valid).toBe(false);
  });
});
