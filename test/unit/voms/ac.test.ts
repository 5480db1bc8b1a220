import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildVomsAc, parseVomsAc, parseVomsAcSequence, parseLsc, verifyVomsAc, VOMS_OID } from '../../../electron/services/voms';
import { certificatesFromPem } from '../../../electron/services/proxy/cert-input';
import { findExtension, OID } from '../../../electron/services/proxy/cert';
import { makeTrustStore } from '../../../electron/services/proxy/trust-dir';
import { isOnboardError } from '../../../shared/errors';
import { makeTestPki } from './pki';

const fixture = (f: string) => readFileSync(path.join(__dirname, 'fixtures', f), 'utf8');
const fakeProxy = certificatesFromPem(fixture('voms-proxy-fake-proxy.pem'))[0];
const fakeCa = certificatesFromPem(fixture('ca.pem'))[0];
const fakeHost = certificatesFromPem(fixture('voms-host.pem'))[0];
const fakeUser = certificatesFromPem(fixture('user.pem'))[0];
const fakeAcs = parseVomsAcSequence(findExtension(fakeProxy, OID.vomsAc)!.value);
const fakeLsc = parseLsc('/DC=org/DC=Example/OU=Services/CN=voms.example.org\n/DC=org/DC=Example/CN=Example Test CA\n');
const inFakeWindow = new Date(fakeAcs[0].notBefore.getTime() + 3600_000);

describe('an AC made by the real voms-proxy-fake', () => {
  it('is read into VO, FQANs, issuer, holder, validity and the server certificate', () => {
    expect(fakeAcs).toHaveLength(1);
    const ac = fakeAcs[0];
    expect(ac.version).toBe(2);
    expect(ac.vo).toBe('testvo');
    expect(ac.uri).toBe('voms.example.org:15000');
    expect([ac.host, ac.port]).toEqual(['voms.example.org', 15000]);
    expect(ac.fqans).toEqual(['/testvo', '/testvo/Role=NULL/Capability=NULL']);
    expect(ac.issuer).toBe('/DC=org/DC=Example/OU=Services/CN=voms.example.org');
    // VOMS names the holder by the DN the proxy is issued under and that certificate's serial.
    expect(ac.holder).toEqual({ dn: fakeUser.subjectDn, oneline: fakeUser.subjectOneline, serial: 0x1234n });
    expect(ac.notAfter.getTime() - ac.notBefore.getTime()).toBe(12 * 3600_000);
    expect(ac.certificates.map((c) => c.fingerprint)).toEqual([fakeHost.fingerprint]);
    expect(ac.signatureAlgorithm).toBe(VOMS_OID.sha256WithRSA);
    expect(ac.extensions).toEqual([
      { oid: VOMS_OID.acCerts, critical: false },
      { oid: VOMS_OID.noRevAvail, critical: false },
      { oid: VOMS_OID.authorityKeyIdentifier, critical: false },
    ]);
  });

  it('verifies against the .lsc rule and the trusted CA, and fails when either is wrong', () => {
    const trust = makeTrustStore([fakeCa]);
    expect(verifyVomsAc(fakeAcs[0], { lsc: fakeLsc, trust, now: inFakeWindow })).toMatchObject({ valid: true, errors: [] });
    const wrongHost = parseLsc('/DC=org/DC=Example/OU=Services/CN=other.example.org\n/DC=org/DC=Example/CN=Example Test CA\n');
    expect(verifyVomsAc(fakeAcs[0], { lsc: wrongHost, trust, now: inFakeWindow }).valid).toBe(false);
    const wrongCa = parseLsc('/DC=org/DC=Example/OU=Services/CN=voms.example.org\n/DC=org/DC=Example/CN=Another CA\n');
    expect(verifyVomsAc(fakeAcs[0], { lsc: wrongCa, trust, now: inFakeWindow }).valid).toBe(false);
    expect(verifyVomsAc(fakeAcs[0], { lsc: fakeLsc, trust: makeTrustStore([]), now: inFakeWindow }).errors.join()).toMatch(/not signed by a trusted CA/);
    expect(verifyVomsAc(fakeAcs[0], { lsc: undefined, trust, now: inFakeWindow }).errors.join()).toMatch(/no \.lsc file/);
    expect(verifyVomsAc(fakeAcs[0], { lsc: fakeLsc, trust, now: new Date(fakeAcs[0].notAfter.getTime() + 1000) }).errors.join()).toMatch(/expired/);
  });

  it('detects a flipped bit in the AC signature and in the signed part', () => {
    const trust = makeTrustStore([fakeCa]);
    for (const at of [fakeAcs[0].der.length - 3, 60]) {
      const der = Buffer.from(fakeAcs[0].der);
      der[at] ^= 0x01;
      const r = verifyVomsAc(parseVomsAc(der), { lsc: fakeLsc, trust, now: inFakeWindow });
      expect(r.valid).toBe(false);
      expect(r.errors.join()).toMatch(/signature/);
    }
  });
});

describe('buildVomsAc', () => {
  let pki: ReturnType<typeof makeTestPki>;
  beforeAll(() => {
    pki = makeTestPki();
  });
  const spec = () => ({
    holder: pki.user.cert, serverCert: pki.host.cert, serverKey: pki.host.key, vo: 'testvo', host: 'voms.example.org', port: 15000,
    fqans: ['/testvo'], notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 3600_000),
  });

  it('round-trips: what it writes is what the reader reads, and it verifies', () => {
    const der = buildVomsAc({ ...spec(), serial: Buffer.from([0x01, 0x02]) });
    const ac = parseVomsAc(der);
    expect(ac.vo).toBe('testvo');
    expect(ac.uri).toBe('voms.example.org:15000');
    expect(ac.fqans).toEqual(['/testvo/Role=NULL/Capability=NULL']);
    expect(ac.issuer).toBe(pki.host.cert.subjectDn);
    expect(ac.holder).toEqual({ dn: pki.user.cert.subjectDn, oneline: pki.user.cert.subjectOneline, serial: pki.user.cert.serial });
    expect(ac.serial).toBe(0x0102n);
    const exact = parseVomsAc(buildVomsAc({ ...spec(), notBefore: new Date('2026-01-02T03:04:05.678Z'), notAfter: new Date('2126-01-02T03:04:05Z') }));
    expect([exact.notBefore.toISOString(), exact.notAfter.toISOString()]).toEqual(['2026-01-02T03:04:05.000Z', '2126-01-02T03:04:05.000Z']);
    const lsc = [[pki.host.cert.subjectDn, pki.ca.cert.subjectDn]];
    expect(verifyVomsAc(ac, { lsc, trust: makeTrustStore([pki.ca.cert]), holder: { dn: pki.user.cert.subjectDn, serial: pki.user.cert.serial } })).toMatchObject({ valid: true });
    // Another holder's proxy may not carry it.
    expect(verifyVomsAc(ac, { lsc, trust: makeTrustStore([pki.ca.cert]), holder: { dn: '/DC=org/DC=Example/CN=Eve' } }).valid).toBe(false);
  });

  it('has the shape voms-proxy-fake gives an AC, field by field', () => {
    const ours = parseVomsAc(buildVomsAc(spec()));
    const theirs = fakeAcs[0];
    expect(ours.version).toBe(theirs.version);
    expect(ours.signatureAlgorithm).toBe(theirs.signatureAlgorithm);
    expect(ours.extensions).toEqual(theirs.extensions);
    expect(ours.certificates.map((c) => c.subjectDn)).toEqual([pki.host.cert.subjectDn]);
    // Same encoding shape: holder [0] baseCertificateID, issuer v2Form [0], GeneralizedTime validity.
    const shape = (der: Buffer) => [der[4 + (der[1] & 0x7f)], der.includes(Buffer.from('180f', 'hex'))];
    expect(shape(ours.der)).toEqual(shape(theirs.der));
    // The authority key identifier is the server certificate's subject key identifier.
    const aki = (der: Buffer) => der.subarray(der.lastIndexOf(Buffer.from('0603551d23', 'hex')));
    expect(aki(ours.der).subarray(0, 40).includes(findExtension(pki.host.cert, OID.subjectKeyIdentifier)!.value.subarray(2))).toBe(true);
  });

  it('writes targets (critical) only when asked', () => {
    const ac = parseVomsAc(buildVomsAc({ ...spec(), targets: ['ce.example.org'] }));
    expect(ac.targets).toEqual(['ce.example.org']);
    expect(ac.extensions.find((e) => e.oid === VOMS_OID.targetInformation)).toEqual({ oid: VOMS_OID.targetInformation, critical: true });
  });

  it('refuses FQANs of another VO, a bad address and an empty validity', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return isOnboardError(e) ? e.code : String(e);
      }
      return 'no error';
    };
    expect(code(() => buildVomsAc({ ...spec(), fqans: ['/othervo'] }))).toBe('VOMS_FQAN_INVALID');
    expect(code(() => buildVomsAc({ ...spec(), fqans: [] }))).toBe('VOMS_AC_INVALID');
    expect(code(() => buildVomsAc({ ...spec(), host: 'bad host' }))).toBe('VOMS_AC_INVALID');
    expect(code(() => buildVomsAc({ ...spec(), notAfter: spec().notBefore }))).toBe('VOMS_AC_INVALID');
  });

  it('reports garbage as VOMS_AC_INVALID', () => {
    expect(() => parseVomsAc(Buffer.from('3003020101', 'hex'))).toThrow(expect.objectContaining({ code: 'VOMS_AC_INVALID' }));
    expect(() => parseVomsAcSequence(Buffer.from('0400', 'hex'))).toThrow(expect.objectContaining({ code: 'VOMS_AC_INVALID' }));
  });
});
