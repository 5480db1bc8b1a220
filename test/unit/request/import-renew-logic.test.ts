// Pure logic of "I already have a certificate" and "Renew": paths shown as ~/…, which installed
// CA vouches for a certificate (walking up the file's chain), the journal section of an imported
// or renewed credential (stepper line, previous credentials, putting back the current one when a
// renewal fails), and sections written before imports existed still reading as requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseSlashDn } from '../../../shared/dn';
import { buildCsr } from '../../../electron/services/credential';
import { loadOrCreateCa, type CaMaterial } from '../../../electron/sandbox/ca/ca-material';
import { issueUserCertificate } from '../../../electron/sandbox/ca/issue';
import type { SandboxRequest } from '../../../electron/sandbox/ca/request-store';
import { displayPath, findTrustedIssuer, resolveUserPath } from '../../../electron/services/request/import-credential';
import {
  previousCredentials,
  readRequestSection,
  replaceRequestSection,
  restoreRequestSection,
  stepSummary,
  toView,
  type RequestSection,
} from '../../../electron/services/request/request-state';
import type { JournalData } from '../../../electron/services/journal/journal';
import { OnboardError } from '../../../shared/errors';

let dir: string;
let caA: CaMaterial;
let caB: CaMaterial;

function userCert(ca: CaMaterial, cn: string): X509Certificate {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const subject = `/DC=org/DC=test/CN=${cn}`;
  const req = { csrDer: buildCsr({ key: privateKey, subject: parseSlashDn(subject) }).der, subject } as unknown as SandboxRequest;
  return new X509Certificate(issueUserCertificate(ca, req, 'https://127.0.0.1:1/crl', new Date()).der);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'osg-unit-import-'));
  mkdirSync(path.join(dir, 'a'));
  mkdirSync(path.join(dir, 'b'));
  caA = await loadOrCreateCa(path.join(dir, 'a'), { keyBits: 2048 });
  caB = await loadOrCreateCa(path.join(dir, 'b'), { keyBits: 2048 });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('paths', () => {
  it('shows paths under the home folder as ~/…, others as they are', () => {
    expect(displayPath('/home/ada/usercred.p12', '/home/ada')).toBe('~/usercred.p12');
    expect(displayPath('/home/ada/.globus', '/home/ada')).toBe('~/.globus');
    expect(displayPath('/home/ada', '/home/ada')).toBe('~');
    expect(displayPath('/home/adam/x.p12', '/home/ada')).toBe('/home/adam/x.p12');
    expect(displayPath('/media/usb/cred.p12', '/home/ada')).toBe('/media/usb/cred.p12');
  });

  it('reads ~/x, relative and absolute paths; refuses a NUL', () => {
    expect(resolveUserPath('~/Downloads/usercred.p12', '/home/ada')).toBe('/home/ada/Downloads/usercred.p12');
    expect(resolveUserPath('usercred.p12', '/home/ada')).toBe('/home/ada/usercred.p12');
    expect(resolveUserPath(' /tmp/a/../b.p12 ', '/home/ada')).toBe('/tmp/b.p12');
    expect(() => resolveUserPath('a\0b', '/home/ada')).toThrow(OnboardError);
  });
});

describe('which installed CA vouches for a certificate', () => {
  it('finds the issuer among the anchors and adds it to the chain when the file lacks it', () => {
    const leaf = userCert(caA, 'Ada');
    const a = new X509Certificate(caA.certPem);
    const b = new X509Certificate(caB.certPem);
    const found = findTrustedIssuer(leaf, [], [b, a])!;
    expect(found.anchor.fingerprint256).toBe(a.fingerprint256);
    expect(found.chain.map((c) => c.fingerprint256)).toEqual([a.fingerprint256]);
    // The CA carried in the file is not duplicated.
    expect(findTrustedIssuer(leaf, [a], [a])!.chain).toHaveLength(1);
  });

  it('returns null when no installed CA issued it (a same-named stranger is not enough: the signature counts)', () => {
    const leaf = userCert(caA, 'Ada');
    expect(findTrustedIssuer(leaf, [new X509Certificate(caA.certPem)], [new X509Certificate(caB.certPem)])).toBeNull();
    expect(findTrustedIssuer(leaf, [], [])).toBeNull();
  });
});

function section(over: Partial<RequestSection>): RequestSection {
  return {
    credentialId: 'c1',
    state: 'issued',
    vo: 'sandbox',
    sandbox: true,
    name: 'Ada Lovelace',
    subject: '/DC=org/CN=Ada Lovelace',
    keyBits: 2048,
    publicKeyFingerprint: 'AA',
    keyProtection: 'keychain',
    estUrl: '',
    enrolmentCode: 'none',
    startedAt: '2026-01-01T00:00:00.000Z',
    certificate: { subject: '/DC=org/CN=Ada Lovelace', issuer: '/CN=CA', serial: '01', notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2027-01-01T00:00:00.000Z', fingerprintSha256: 'F1' },
    ...over,
  };
}

describe('the journal section of imports and renewals', () => {
  it('says where an import came from, and that a renewal renewed', () => {
    expect(stepSummary(section({ origin: 'import', importedFrom: 'usercred.p12' }))).toBe('imported from usercred.p12');
    expect(stepSummary(section({ origin: 'renewal' }))).toBe('renewed: Ada Lovelace');
    expect(stepSummary(section({ origin: 'renewal', state: 'waiting', requestId: 'ABC234' }))).toBe('renewal waiting (ABC234)');
    expect(stepSummary(section({}))).toBe('Ada Lovelace');
  });

  it('lists issued credentials a newer one replaced, newest first, without failed attempts or the current one', () => {
    const j = { steps: {}, history: [] } as unknown as JournalData;
    replaceRequestSection(j, section({ credentialId: 'c1', origin: 'import' }));
    replaceRequestSection(j, section({ credentialId: 'c2', state: 'failed', certificate: undefined }));
    replaceRequestSection(j, section({ credentialId: 'c3', origin: 'renewal', certificate: { ...section({}).certificate!, serial: '03' } }));
    replaceRequestSection(j, section({ credentialId: 'c4' }));
    expect(previousCredentials(j, 'c4').map((p) => [p.credentialId, p.origin, p.serial])).toEqual([['c3', 'renewal', '03'], ['c1', 'import', '01']]);
    expect(toView(readRequestSection(j)!, { polling: false, previous: previousCredentials(j, 'c4') }).previous).toHaveLength(2);
  });

  it('puts back the current credential when a renewal fails, keeping the attempt in the history', () => {
    const j = { steps: {}, history: [] } as unknown as JournalData;
    const current = section({ credentialId: 'old' });
    replaceRequestSection(j, current);
    const renewal = section({ credentialId: 'new', state: 'failed', origin: 'renewal', certificate: undefined });
    replaceRequestSection(j, renewal);
    restoreRequestSection(j, current, renewal);
    expect(readRequestSection(j)!.credentialId).toBe('old');
    const hist = (j as Record<string, unknown>).requestHistory as RequestSection[];
    expect(hist.map((h) => h.credentialId)).toEqual(['new']);
  });

  it('reads a section written before imports existed as a request; an import has no agreement', () => {
    const old = section({ agreement: { agreedAt: '2026-01-01T00:00:00.000Z', policyVersion: '1', policySha256: 'x'.repeat(64), title: 'T' } });
    delete (old as { origin?: string }).origin;
    const v = toView(old, { polling: false });
    expect(v).toMatchObject({ origin: 'request', agreedAt: '2026-01-01T00:00:00.000Z', previous: [] });
    expect(toView(section({ origin: 'import', importedFrom: '~/.globus' }), { polling: false }).agreedAt).toBeUndefined();
  });
});
