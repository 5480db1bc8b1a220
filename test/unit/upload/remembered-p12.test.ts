// The Upload step's use of the .p12 password the Back up step remembered in the keychain: only
// for the same path AND the same certificate inside the file (opened with the remembered
// password), never when the keychain has no entry, and a typed password always wins.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OnboardError } from '../../../shared/errors';
import { procedures } from '../../../shared/contract';
import type { JournalData } from '../../../electron/services/journal/journal';
import { SessionSecretStore } from '../../../electron/services/keychain/session-store';
import type { SecretStore } from '../../../electron/services/keychain/secret-store';
import { certificateInfo } from '../../../electron/services/credential';
import { backupSecretAccount } from '../../../electron/services/backup/backup-service';
import { p12PasswordFor, rememberedBackup, rememberedP12Password, type RememberedP12 } from '../../../electron/services/upload/remembered-p12';
import { makeTestCredential, type TestCredential } from '../../integration/transfer/credential-fixture';

const PW = 'Seven tidy otters paddle home';
let dir: string;
let saved: string;
let mine: TestCredential;
let other: TestCredential;
let otherSamePw: TestCredential;
let fp: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'osg-remembered-'));
  saved = path.join(dir, 'usercred.p12');
  mine = makeTestCredential('Remembered Mine', PW);
  other = makeTestCredential('Remembered Other', 'another password 42');
  otherSamePw = makeTestCredential('Remembered Same Password', PW);
  fp = certificateInfo(new X509Certificate(mine.cert)).fingerprintSha256;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function journal(over: { rememberedIn?: string | null; path?: string; credentialInHistory?: boolean } = {}): JournalData {
  const cred = { credentialId: 'cred-1', state: 'issued', certificate: { fingerprintSha256: fp } };
  return {
    steps: {},
    backup: { last: { path: over.path ?? saved, fingerprintSha256: fp, savedAt: '2026-11-24T12:00:00.000Z', ...(over.rememberedIn === null ? {} : { rememberedIn: over.rememberedIn ?? 'GNOME Keyring (test)' }) } },
    ...(over.credentialInHistory
      ? { request: { credentialId: 'cred-2', certificate: { fingerprintSha256: 'AA:BB' } }, requestHistory: [cred] }
      : { request: cred }),
  } as unknown as JournalData;
}

async function keychainWith(pw: string | null): Promise<SecretStore> {
  const s = new SessionSecretStore();
  if (pw !== null) await s.set(backupSecretAccount('cred-1'), pw);
  return s;
}

async function decide(p12: Buffer, opts: { pw?: string | null; p12Path?: string; j?: JournalData; keychain?: SecretStore | null } = {}): Promise<RememberedP12> {
  const store = opts.keychain !== undefined ? opts.keychain : await keychainWith(opts.pw === undefined ? PW : opts.pw);
  return rememberedP12Password({ journal: opts.j ?? journal(), p12Path: opts.p12Path ?? saved, p12, keychain: async () => store });
}

describe('the Back up step’s remembered .p12 password', () => {
  it('applies to the same path holding the same certificate, read from the keychain', async () => {
    expect(await decide(mine.p12)).toEqual({ kind: 'remembered', password: PW, backend: new SessionSecretStore().backend });
    // …also when the credential has since been replaced (renewal): found in requestHistory by its certificate.
    expect((await decide(mine.p12, { j: journal({ credentialInHistory: true }) })).kind).toBe('remembered');
    expect(rememberedBackup(journal())).toMatchObject({ path: saved, account: 'backup-password:cred-1' });
  });

  it('a changed file is told apart: another password, or another certificate under the same password', async () => {
    const changed = await decide(other.p12);
    expect(changed).toMatchObject({ kind: 'stale', detail: expect.stringContaining('no longer opens the file') });
    const swapped = await decide(otherSamePw.p12);
    expect(swapped).toMatchObject({ kind: 'stale', detail: expect.stringContaining('another certificate') });
    const garbage = await decide(Buffer.from('not a p12 at all'));
    expect(garbage.kind).toBe('stale');
  });

  it('does not apply without a keychain entry, without a keychain, for another path, or when Remember was not ticked', async () => {
    expect(await decide(mine.p12, { pw: null })).toMatchObject({ kind: 'none', reason: expect.stringContaining('no longer holds it') });
    expect(await decide(mine.p12, { keychain: null })).toMatchObject({ kind: 'none', reason: expect.stringContaining('does not answer') });
    const failing: SecretStore = { backend: 'broken', get: async () => { throw new OnboardError('KEYCHAIN_UNAVAILABLE', { backend: 'broken', detail: 'locked' }); }, set: async () => {}, delete: async () => false };
    expect(await decide(mine.p12, { keychain: failing })).toMatchObject({ kind: 'none', reason: expect.stringContaining('locked') });
    expect(await decide(mine.p12, { p12Path: path.join(dir, 'copy.p12') })).toMatchObject({ kind: 'none', reason: expect.stringContaining(saved) });
    expect(await decide(mine.p12, { j: journal({ rememberedIn: null }) })).toMatchObject({ kind: 'none' });
    expect(rememberedBackup(journal({ rememberedIn: null }))).toBeNull();
    expect(rememberedBackup({ steps: {} } as unknown as JournalData)).toBeNull();
  });

  it('a typed password always wins (the keychain is not even read); none → an error naming the field', async () => {
    let asked = 0;
    const never = async (): Promise<RememberedP12> => (asked++, { kind: 'remembered', password: 'from keychain', backend: 'x' });
    expect(await p12PasswordFor('typed one', saved, never)).toBe('typed one');
    expect(await p12PasswordFor('', saved, never)).toBe('');
    expect(asked).toBe(0);
    expect(await p12PasswordFor(undefined, saved, never)).toBe('from keychain');
    const required = await p12PasswordFor(undefined, saved, async () => ({ kind: 'none', reason: 'no password was remembered' })).catch((e: unknown) => e);
    expect(required).toBeInstanceOf(OnboardError);
    expect(required).toMatchObject({ code: 'UPLOAD_P12_PASSWORD_REQUIRED', details: { field: 'password' } });
    expect((required as OnboardError).message).toContain('Password of the usercred.p12');
    const stale = await p12PasswordFor(undefined, saved, async () => ({ kind: 'stale', backend: 'GNOME', detail: 'it no longer opens the file' })).catch((e: unknown) => e);
    expect(stale).toMatchObject({ code: 'UPLOAD_P12_PASSWORD_STALE' });
    expect((stale as OnboardError).hint).toMatch(/Type the file’s password/);
  });

  it('the contract lets the password out (services decide), still refuses unknown fields', () => {
    const base = { uploadId: 'abcdef0123456789', target: { host: 'h.example.org', port: 22, username: 'u' }, auth: { method: 'agent' } };
    expect(procedures.uploadStart.input.safeParse({ ...base, credential: { p12Path: '~/usercred.p12' } }).success).toBe(true);
    expect(procedures.uploadStart.input.safeParse({ ...base, credential: { p12Path: '~/usercred.p12', remembered: true } }).success).toBe(false);
  });
});
