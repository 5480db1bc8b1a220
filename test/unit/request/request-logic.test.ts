// Pure logic of the Request and Back up steps: the password rules the window and the services
// share, the agreement text and its hash, the journal section (old requests kept), the stepper
// line, and the backup path rules.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isCommonPassword, passphraseWords, passwordStrength } from '../../../shared/password-strength';
import { policyFor } from '../../../shared/request-policy';
import { policySha256 } from '../../../electron/services/request/request-service';
import { readRequestSection, replaceRequestSection, stepSummary, toView, type RequestSection } from '../../../electron/services/request/request-state';
import { BackupService } from '../../../electron/services/backup/backup-service';
import { Journal, journalSchema } from '../../../electron/services/journal/journal';
import { KeyProtection } from '../../../electron/services/request/key-protection';
import { OnboardError } from '../../../shared/errors';

describe('password strength', () => {
  it('accepts 12+ characters and 4-word passphrases; refuses short ones, saying why', () => {
    expect(passwordStrength('Tr0ub4dor&3x').acceptable).toBe(true);
    expect(passwordStrength('blue cat sky tea').acceptable).toBe(true); // 4 words, 16 characters
    expect(passphraseWords('blue cat sky tea')).toHaveLength(4);
    const short = passwordStrength('Xk9$mQ2');
    expect(short.acceptable).toBe(false);
    expect(short.reasons[0]).toContain('7 characters; 12 or more are needed');
    expect(short.rules.find((r) => r.id === 'length')?.ok).toBe(false);
  });

  it('refuses common passwords, also dressed up with digits or leetspeak', () => {
    for (const pw of ['password123456', 'P@ssw0rd2024!', 'qwertyuiop', 'Welcome1']) {
      expect(isCommonPassword(pw), pw).toBe(true);
      expect(passwordStrength(pw).acceptable, pw).toBe(false);
    }
    expect(passwordStrength('password123456').reasons.join()).toContain('common password');
    expect(isCommonPassword('Seven tidy otters paddle home')).toBe(false);
  });

  it('refuses runs and repeats, and the user’s own name or e-mail', () => {
    expect(passwordStrength('aaaaaaaaaaaaaaaa').rules.find((r) => r.id === 'pattern')?.ok).toBe(false);
    expect(passwordStrength('abcdefghijklmn12').acceptable).toBe(false);
    const mine = passwordStrength('lovelace-analytical-engine', ['Ada Lovelace', 'ada@example.edu']);
    expect(mine.acceptable).toBe(false);
    expect(mine.reasons.join()).toContain('“lovelace”');
    expect(passwordStrength('lovelace-analytical-engine').acceptable).toBe(true);
  });

  it('scores grow with strength; non-ASCII characters count (as code points)', () => {
    const scores = ['', 'abc', 'Xk9$mQ2zP!', 'Seven tidy otters paddle home', 'q8#Lr!v2Zp@M9x$Tc4&Wn7*'].map((p) => passwordStrength(p).score);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    expect(scores[0]).toBe(0);
    expect(scores[4]).toBe(4);
    expect(passwordStrength('pässwörd-ñandú-über').acceptable).toBe(true);
    expect(passwordStrength('ü'.repeat(11)).rules[0].ok).toBe(false);
  });
});

describe('agreement', () => {
  it('the sandbox shows practice text, real VOs a summary pointing to their CA’s agreement; the hash follows the text', () => {
    const sandbox = policyFor({ name: 'sandbox', sandbox: true });
    const osg = policyFor({ name: 'osg', sandbox: false });
    expect(sandbox.title).toContain('practice');
    expect(osg.paragraphs[0]).toContain('binding one');
    expect(osg.paragraphs[0]).toContain('osg');
    expect(policySha256(sandbox)).toMatch(/^[0-9a-f]{64}$/);
    expect(policySha256(sandbox)).not.toBe(policySha256(osg));
    expect(policySha256({ ...sandbox, paragraphs: [...sandbox.paragraphs, 'more'] })).not.toBe(policySha256(sandbox));
  });
});

const section = (over: Partial<RequestSection> = {}): RequestSection => ({
  credentialId: '20260101t000000z-abcd1234',
  state: 'waiting',
  vo: 'sandbox',
  sandbox: true,
  name: 'Ada Lovelace',
  email: 'ada@example.edu',
  subject: '/DC=org/DC=osg-onboard/DC=sandbox/O=OSG Onboard Sandbox/CN=Ada Lovelace S123456',
  keyBits: 2048,
  publicKeyFingerprint: 'AA:BB',
  keyProtection: 'keychain',
  estUrl: 'https://127.0.0.1:1/.well-known/est',
  enrolmentCode: 'sandbox-default',
  requestId: 'ABC234',
  startedAt: '2026-01-01T00:00:00.000Z',
  agreement: { agreedAt: '2026-01-01T00:00:00.000Z', policyVersion: 'v', policySha256: 'f'.repeat(64), title: 't' },
  ...over,
});

describe('request journal section', () => {
  it('a new request moves the old one to the history (without the issued PEM); unreadable sections read as none', () => {
    const j = journalSchema.parse({ version: 1 });
    expect(readRequestSection(j)).toBeNull();
    replaceRequestSection(j, section({ state: 'needs-passphrase', issuedPem: '-----BEGIN CERTIFICATE-----' }));
    replaceRequestSection(j, section({ credentialId: '20260102t000000z-ffff0000', state: 'submitting' }));
    const rec = j as Record<string, unknown>;
    expect(readRequestSection(j)?.credentialId).toBe('20260102t000000z-ffff0000');
    expect(rec.requestHistory).toEqual([expect.not.objectContaining({ issuedPem: expect.anything() })]);
    expect((rec.requestHistory as RequestSection[])[0].state).toBe('needs-passphrase');
    rec.request = { state: 'nonsense' };
    expect(readRequestSection(j)).toBeNull();
  });

  it('the view carries public facts only, and the stepper line says where the request is', () => {
    const v = toView(section({ issuedPem: 'x' }), { polling: true, sponsorUrl: 'https://127.0.0.1:1/sponsor?token=t' });
    expect(Object.keys(v)).not.toContain('issuedPem');
    expect(JSON.stringify(v)).not.toMatch(/PRIVATE KEY/);
    expect(v).toMatchObject({ polling: true, requestId: 'ABC234' });
    expect(stepSummary(section())).toBe('waiting for sponsor (ABC234)');
    expect(stepSummary(section({ state: 'issued' }))).toBe('Ada Lovelace S123456');
    expect(stepSummary(section({ state: 'failed', error: { code: 'ISSUER_UNREACHABLE', message: 'm', hint: 'h' } }))).toBe('failed: ISSUER_UNREACHABLE');
    expect(stepSummary(section({ state: 'rejected' }))).toBe('rejected by the sponsor');
  });
});

describe('backup path', () => {
  it('expands ~, makes relative paths relative to home, adds usercred.p12 to a folder, refuses other names', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'osg-backup-path-'));
    try {
      mkdirSync(path.join(home, 'Documents'));
      const journal = new Journal(path.join(home, 'data'));
      const b = new BackupService({ homeDir: home, journal, keys: new KeyProtection({ dataDir: path.join(home, 'data'), journal }), now: () => new Date(), emit: () => {} });
      expect(b.defaultPath).toBe(path.join(home, 'usercred.p12'));
      expect(await b.resolvePath('~/x/usercred.p12')).toBe(path.join(home, 'x', 'usercred.p12'));
      expect(await b.resolvePath('grid/cred.PFX')).toBe(path.join(home, 'grid', 'cred.PFX'));
      expect(await b.resolvePath('Documents')).toBe(path.join(home, 'Documents', 'usercred.p12'));
      expect(await b.resolvePath(`${home}/Documents/`)).toBe(path.join(home, 'Documents', 'usercred.p12'));
      const e = await b.resolvePath('~/usercert.pem').catch((x: unknown) => x);
      expect(e).toBeInstanceOf(OnboardError);
      expect((e as OnboardError).code).toBe('BACKUP_PATH_INVALID');
      expect((e as OnboardError).hint).toContain(path.join(home, 'usercred.p12'));
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
