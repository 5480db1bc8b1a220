import { describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { BUILTIN_BUNDLES, BundleRegistry, verifyBundle } from '../../../electron/services/trust/bundles';
import { isOnboardError, type OnboardError } from '../../../shared/errors';
import type { BundleData } from '../../../electron/services/trust/types';

const osg = BUILTIN_BUNDLES.find((b) => b.name === 'osg')!;

function thrown(fn: () => unknown): OnboardError {
  try {
    fn();
  } catch (e) {
    if (isOnboardError(e)) return e;
    throw e;
  }
  throw new Error('did not throw');
}

/** Flips one base64 character inside the signature (last full line) of a PEM: still parseable, other bytes. */
function tamper(pem: string): string {
  const lines = pem.split('\n');
  const i = lines.length - 4;
  const ch = lines[i][10];
  lines[i] = lines[i].slice(0, 10) + (ch === 'A' ? 'B' : 'A') + lines[i].slice(11);
  return lines.join('\n');
}

describe('shipped OSG bundle', () => {
  const cas = verifyBundle(osg);

  it('every certificate matches its pin and has a source note naming two sources', () => {
    expect(cas).toHaveLength(14);
    for (const c of osg.certificates) expect(c.source).toMatch(/^.+\(github [^)]+\).*Fingerprint cross-checked against /);
  });

  it('roots are self-signed CAs; every intermediate is signed by a bundled root or bundled CA', () => {
    const byName = new Map(cas.map((c) => [c.subject, new X509Certificate(c.pem)]));
    for (const c of cas) {
      expect(c.isCa).toBe(true);
      if (c.role === 'root') expect(c.selfSigned, c.name).toBe(true);
      else {
        const issuer = byName.get(c.issuer);
        expect(issuer, `${c.name} issued by ${c.issuer}`).toBeDefined();
        expect(new X509Certificate(c.pem).verify(issuer!.publicKey)).toBe(true);
      }
    }
  });

  it('subject hashes equal the file names OSG’s Let’s Encrypt package and the IGTF use', () => {
    const hashes = Object.fromEntries(cas.map((c) => [c.name, c.subjectHash]));
    expect(hashes).toMatchObject({
      'ISRG Root X1': '4042bcee', 'ISRG Root X2': '0b9bc432', R10: 'aa578057', R11: '31dfb39d', R12: 'aa76c4ab', R13: '4260b799', R14: '137e9a94',
      E5: '462422cf', E6: '9aad238c', E7: '67561239', E8: '507754fb', E9: 'd0a3aef2', 'USERTrust RSA Certification Authority': 'fc5a8f99',
    });
  });

  it('each .signing_policy names its own CA as access_id_CA', () => {
    for (const c of cas) {
      if (!c.signingPolicy) continue;
      const m = /access_id_CA\s+X509\s+'((?:[^'\\]|\\.)*)'/.exec(c.signingPolicy);
      expect(m?.[1].replace(/\\'/g, "'"), c.name).toBe(c.subject);
    }
    expect(cas.filter((c) => c.signingPolicy)).toHaveLength(14);
    expect(cas.filter((c) => c.namespaces).map((c) => c.name)).toEqual(['USERTrust RSA Certification Authority']);
  });
});

describe('pins', () => {
  it('a certificate changed in one character is refused, naming the CA; nothing is returned', () => {
    const tampered: BundleData = { ...osg, certificates: osg.certificates.map((c, i) => (i === 2 ? { ...c, pem: tamper(c.pem) } : c)) };
    const e = thrown(() => verifyBundle(tampered));
    expect(e.code).toBe('TRUST_PIN_MISMATCH');
    expect(e.details).toMatchObject({ bundle: 'osg', ca: 'ISRG Root X1', expected: osg.certificates[2].sha256 });
    expect(e.message).toMatch(/“ISRG Root X1”.*nothing was installed/);
  });

  it('an unreadable PEM is a pin failure too (by position)', () => {
    const broken: BundleData = { name: 'b', certificates: [{ pem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', sha256: osg.certificates[0].sha256 }] };
    const e = thrown(() => verifyBundle(broken));
    expect(e.code).toBe('TRUST_PIN_MISMATCH');
    expect(String(e.details?.ca)).toMatch(/^#1 \(unreadable/);
  });

  it('a malformed pin or an empty bundle is an invalid bundle', () => {
    expect(thrown(() => verifyBundle({ name: 'b', certificates: [{ pem: osg.certificates[0].pem, sha256: 'abc' }] })).code).toBe('TRUST_BUNDLE_INVALID');
    expect(thrown(() => verifyBundle({ name: 'b', certificates: [] })).code).toBe('TRUST_BUNDLE_INVALID');
  });

  it('pins are compared case- and colon-insensitively', () => {
    const c = osg.certificates[0];
    expect(() => verifyBundle({ name: 'b', certificates: [{ ...c, sha256: c.sha256.replace(/:/g, '').toLowerCase() }] })).not.toThrow();
  });
});

describe('registry', () => {
  const sandboxPem = osg.certificates[2].pem; // any valid CA stands in for a runtime one here
  const reg = new BundleRegistry(BUILTIN_BUNDLES, () => [{ name: 'sandbox', certificates: [{ pem: sandboxPem, pin: osg.certificates[2].sha256 }] }]);

  it('resolves runtime bundles, names and the VO directory’s igtf-classic alias', async () => {
    expect(await reg.names()).toEqual(['sandbox', 'osg']);
    expect((await reg.resolve('igtf-classic')).name).toBe('osg');
    const sb = await reg.resolve('sandbox');
    expect(sb.cas[0].signingPolicyGenerated).toBe(true);
    expect(sb.cas[0].signingPolicy).toContain("cond_subjects  globus  '\"/*\"'");
    const list = await reg.list();
    expect(list[0]).toMatchObject({ name: 'sandbox', runtime: true });
    expect(list[1].certificates[0]).toMatchObject({ name: 'USERTrust RSA Certification Authority', role: 'root', hasSigningPolicy: true, hasNamespaces: true });
    expect(list[1].certificates[0]).not.toHaveProperty('pem');
  });

  it('an unknown bundle names the known ones; a runtime CA with a wrong pin is refused', async () => {
    await expect(reg.resolve('nope')).rejects.toMatchObject({ code: 'TRUST_BUNDLE_UNKNOWN', details: { known: 'sandbox, osg' } });
    const bad = new BundleRegistry([], () => [{ name: 'sandbox', certificates: [{ pem: sandboxPem, pin: osg.certificates[3].sha256 }] }]);
    await expect(bad.resolve('sandbox')).rejects.toMatchObject({ code: 'TRUST_PIN_MISMATCH' });
  });
});
