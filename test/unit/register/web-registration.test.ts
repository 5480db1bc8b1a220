import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X509Certificate, createHash } from 'node:crypto';
import { chooseClientCertificate, colonHex, electronFingerprint, fingerprintBytes, navigationDecision, permissionVerdict, registrationOrigin, certificateRequestAllowed, REGISTRATION_PARTITION, type OfferedCertificate } from '../../../electron/services/web-registration';
import { nicknameFor } from '../../../electron/services/web-registration/browser-store';
import { OnboardError } from '../../../shared/errors';
import { TestPki } from '../../helpers/registration-pki';
import { handoffFor } from '../../../electron/services/register/register-handoff';
import type { VoEntry } from '../../../shared/vo';
import type { JournalData } from '../../../electron/services/journal/journal';

/** Electron's Certificate structure for a PEM, as net_converter.cc fills it. */
function offer(pem: string, over: Partial<OfferedCertificate> = {}): OfferedCertificate {
  const x = new X509Certificate(pem);
  return {
    data: pem,
    fingerprint: electronFingerprint(x.raw),
    subjectName: /CN=([^\n]+)/.exec(x.subject)![1],
    issuerName: /CN=([^\n]+)/.exec(x.issuer)![1],
    serialNumber: x.serialNumber,
    validStart: Date.parse(x.validFrom) / 1000,
    validExpiry: Date.parse(x.validTo) / 1000,
    ...over,
  };
}

const pki = new TestPki();
let mine: string;
let renewed: string;
let other: string;
let mineSha: string;

beforeAll(async () => {
  const ca = await pki.ca('/DC=org/DC=example/CN=Test Grid CA');
  // Same DN twice (an old and a renewed certificate): a chooser going by name would pick wrong.
  mine = (await pki.issue(ca, '/DC=org/DC=example/CN=Jane Doe', 'client')).certPem;
  renewed = (await pki.issue(ca, '/DC=org/DC=example/CN=Jane Doe', 'client')).certPem;
  other = (await pki.issue(ca, '/DC=org/DC=example/CN=John Roe', 'client')).certPem;
  mineSha = colonHex(createHash('sha256').update(new X509Certificate(mine).raw).digest());
}, 60_000);
afterAll(() => pki.cleanup());

describe('chooseClientCertificate: the user’s certificate by SHA-256, never another', () => {
  it('picks ours among same-DN and other certificates, wherever it sits in the list', () => {
    const list = [offer(renewed), offer(other), offer(mine)];
    expect(chooseClientCertificate(list, mineSha)).toBe(list[2]);
    const reversed = [offer(mine), offer(renewed)];
    expect(chooseClientCertificate(reversed, mineSha)).toBe(reversed[0]);
  });

  it('accepts the wanted fingerprint as colon hex, plain hex (any case) or sha256/base64', () => {
    const list = [offer(other), offer(mine)];
    const hex = mineSha.replace(/:/g, '');
    for (const wanted of [mineSha, hex.toLowerCase(), hex, electronFingerprint(new X509Certificate(mine).raw)]) {
      expect(chooseClientCertificate(list, wanted)).toBe(list[1]);
    }
  });

  it('refuses with a typed error when ours is not offered, naming what was', () => {
    let err: unknown;
    try {
      chooseClientCertificate([offer(renewed), offer(other)], mineSha, 'https://vomrs.example.org/');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OnboardError);
    expect((err as OnboardError).code).toBe('REGISTER_WEB_CERT_NOT_OFFERED');
    expect((err as OnboardError).message).toContain('https://vomrs.example.org/');
    expect((err as OnboardError).message).toContain(mineSha);
    expect((err as OnboardError).message).toContain('Jane Doe; John Roe');
    expect(() => chooseClientCertificate([], mineSha)).toThrow(/\(none\)/);
  });

  it('refuses an offer whose fingerprint says ours but whose PEM is another certificate', () => {
    const forged = offer(other, { fingerprint: electronFingerprint(new X509Certificate(mine).raw) });
    expect(() => chooseClientCertificate([forged], mineSha)).toThrow(OnboardError);
    const garbage = offer(mine, { data: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' });
    expect(() => chooseClientCertificate([garbage], mineSha)).toThrow(OnboardError);
  });

  it('matches by fingerprint alone when the offer carries no PEM; never on a prefix or a malformed one', () => {
    const fp = electronFingerprint(new X509Certificate(mine).raw);
    expect(chooseClientCertificate([{ fingerprint: fp }], mineSha)).toEqual({ fingerprint: fp });
    for (const bad of [fp.slice(0, -4) + '=', 'sha1/' + fp.slice(7), '', fp + 'A']) {
      expect(() => chooseClientCertificate([{ fingerprint: bad }], mineSha)).toThrow(OnboardError);
    }
    expect(() => chooseClientCertificate([null as unknown as OfferedCertificate], mineSha)).toThrow(OnboardError);
  });

  it('an unusable wanted fingerprint is an input error, not a silent match', () => {
    expect(() => chooseClientCertificate([offer(mine)], 'not-a-fingerprint')).toThrow(/certificate fingerprint/);
    expect(fingerprintBytes('AB:CD')).toBeUndefined();
  });
});

describe('the registration window’s allow-list', () => {
  const origin = registrationOrigin('https://vomrs.fnal.gov:8443/vomrs/vo-cdf/vomrs?path=/RootNode/MemberAction/Registration');

  it('is the origin of the VO’s https registration page', () => {
    expect(origin).toBe('https://vomrs.fnal.gov:8443');
    for (const bad of ['http://vomrs.fnal.gov/', 'https://user:pw@vomrs.fnal.gov/', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url']) {
      expect(() => registrationOrigin(bad)).toThrow(OnboardError);
    }
  });

  it.each([
    ['https://vomrs.fnal.gov:8443/vomrs/vo-cdf/vomrs?path=/Phase1', 'allow'],
    ['https://vomrs.fnal.gov:8443/other/page#x', 'allow'],
    ['https://vomrs.fnal.gov/vomrs', 'external'], // another port is another origin
    ['https://www.fnal.gov/help', 'external'],
    ['https://vomrs.fnal.gov.evil.example:8443/', 'external'],
    ['http://vomrs.fnal.gov:8443/', 'refuse'],
    ['https://u:p@vomrs.fnal.gov:8443/', 'refuse'],
    ['file:///etc/passwd', 'refuse'],
    ['javascript:alert(1)', 'refuse'],
    ['data:text/html,<b>x</b>', 'refuse'],
    ['app://bundle/index.html', 'refuse'],
    ['', 'refuse'],
  ])('%s → %s', (url, decision) => {
    expect(navigationDecision(url, origin)).toBe(decision);
  });

  it('lets only the registration server (host:port, as Electron names it) ask for the certificate', () => {
    expect(certificateRequestAllowed('vomrs.fnal.gov:8443', origin)).toBe(true);
    expect(certificateRequestAllowed('VOMRS.FNAL.GOV:8443', origin)).toBe(true);
    expect(certificateRequestAllowed('https://vomrs.fnal.gov:8443/vomrs', origin)).toBe(true);
    expect(certificateRequestAllowed('vomrs.fnal.gov:443', origin)).toBe(false);
    expect(certificateRequestAllowed('vomrs.fnal.gov', origin)).toBe(false);
    expect(certificateRequestAllowed('cdn.example.org:8443', origin)).toBe(false);
    expect(certificateRequestAllowed('vomrs.fnal.gov.evil.example:8443', origin)).toBe(false);
    expect(certificateRequestAllowed('http://vomrs.fnal.gov:8443/', origin)).toBe(false);
    expect(certificateRequestAllowed('', origin)).toBe(false);
    expect(certificateRequestAllowed('voms.example.org:443', 'https://voms.example.org')).toBe(true);
    expect(certificateRequestAllowed('voms.example.org', 'https://voms.example.org/voms/x')).toBe(true);
    expect(certificateRequestAllowed('[::1]:8443', 'https://[::1]:8443')).toBe(true);
    expect(certificateRequestAllowed('127.0.0.1:8443', 'https://[::1]:8443')).toBe(false);
  });

  it('grants no web permission and has its own partition (not the default session, not persisted)', () => {
    expect(permissionVerdict()).toBe(false);
    expect(REGISTRATION_PARTITION).not.toMatch(/^persist:/);
    expect(REGISTRATION_PARTITION.length).toBeGreaterThan(0);
  });
});

describe('the browser store nickname', () => {
  it('is the CN plus where it came from, without characters NSS tools choke on', () => {
    expect(nicknameFor(new X509Certificate(mine))).toBe('Jane Doe (OSG Onboard)');
  });
});

describe('the hand-off view, browser mode and desktop app', () => {
  const vo = {
    name: 'vo.example.org', displayName: 'Example VOMRS VO', description: 'x', sandbox: false, groups: [], vomsServers: [], submitHosts: [], sources: [],
    registration: { kind: 'vomrs', url: 'https://vomrs.example.org:8443/vomrs/vo.example.org/vomrs?path=/RootNode' },
  } as unknown as VoEntry;
  const journal = (extra: Record<string, unknown> = {}) => ({ version: 1, steps: {}, history: [], ...extra }) as unknown as JournalData;

  it('browser mode: import the p12 into the browser, then open the page; says why the app cannot', () => {
    const h = handoffFor(journal({ backup: { last: { path: '/home/jane/usercred.p12' } } }), vo, { held: null, shell: 'browser' });
    expect(h.instructions[0]).toMatch(/Import your certificate into this browser first: the file \/home\/jane\/usercred\.p12/);
    expect(h.limitation).toMatch(/cannot present your certificate/);
    expect(h.browserStore).toBeUndefined();
  });

  it('desktop: the window picks the certificate (the user is not asked to), VOMRS words, the import and the last visit from the journal', () => {
    const imp = { db: 'sql:/home/jane/.pki/nssdb', nickname: 'Jane Doe (OSG Onboard)', sha256: 'AB:CD', subject: 'CN=Jane Doe', alreadyPresent: false, createdDb: true, at: '2026-01-01T00:00:00.000Z', credentialId: 'c1', removedAt: '2026-01-02T00:00:00.000Z' };
    const win = { openedAt: 'a', closedAt: 'b', certificatePresented: true, openedInBrowser: ['https://www.example.org/'], refused: [] };
    const h = handoffFor(journal({ webRegistration: { 'vo.example.org': { import: imp, window: win } } }), vo, { held: null, shell: 'electron' });
    expect(h.instructions.join(' ')).toContain('“Registration (Phase I)”');
    expect(h.instructions.join(' ')).not.toMatch(/When asked for a certificate|Import your certificate/);
    expect(h.limitation).not.toMatch(/cannot present/);
    expect(h.browserStore).toEqual({ db: imp.db, nickname: imp.nickname, sha256: 'AB:CD', subject: 'CN=Jane Doe', alreadyPresent: false, at: imp.at, removedAt: imp.removedAt });
    expect(h.lastWindow).toEqual(win);
  });

  it('a journal section that does not parse is ignored, not trusted', () => {
    const h = handoffFor(journal({ webRegistration: { 'vo.example.org': { import: { db: 3 } } } }), vo, { held: null, shell: 'electron' });
    expect(h.browserStore).toBeUndefined();
  });
});
