import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Journal } from '../../../electron/services/journal/journal';
import { createDispatcher, type Handlers } from '../../../electron/services/dispatch';
import { protectHandlers, readProtectMode, requireProtectMode, secretsForMode } from '../../../electron/services/protect/protect-handlers';
import { probeKeychain, secretServiceProviderName } from '../../../electron/services/protect/keychain-probe';
import { KeytarSecretStore } from '../../../electron/services/keychain/keytar-store';
import type { SecretStore } from '../../../electron/services/keychain/secret-store';
import { OnboardError } from '../../../shared/errors';

let dir: string;
let journal: Journal;
const now = () => new Date('2026-11-24T10:00:00.000Z');

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'osg-protect-'));
  journal = new Journal(dir, now);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** An in-memory keychain that logs every call (to prove the probe is a set/get/delete round trip, nothing else). */
class LoggingStore implements SecretStore {
  readonly backend = 'Test Keychain';
  readonly calls: string[] = [];
  readonly secrets = new Map<string, string>();
  constructor(private readonly readBack?: (v: string) => string | null) {}
  async get(account: string) {
    this.calls.push(`get ${account}`);
    const v = this.secrets.get(account) ?? null;
    return v !== null && this.readBack ? this.readBack(v) : v;
  }
  async set(account: string, secret: string) {
    this.calls.push(`set ${account}`);
    this.secrets.set(account, secret);
  }
  async delete(account: string) {
    this.calls.push(`delete ${account}`);
    return this.secrets.delete(account);
  }
}

/** A keychain that is not there: every call throws as keytar-store does without a Secret Service. */
class UnavailableStore implements SecretStore {
  readonly backend = 'Secret Service (GNOME Keyring / KWallet)';
  private fail(): never {
    throw new OnboardError('KEYCHAIN_UNAVAILABLE', { backend: this.backend, detail: 'no keyring service (GNOME Keyring or KWallet) is running' });
  }
  async get(): Promise<string | null> { return this.fail(); }
  async set(): Promise<void> { this.fail(); }
  async delete(): Promise<boolean> { return this.fail(); }
}

function handlers(store: () => SecretStore) {
  return protectHandlers({ journal, dataDir: dir, keychain: store, now, platform: 'darwin' });
}

describe('protectStatus', () => {
  it('a working keychain: a round trip set → get → delete of one throw-away entry, nothing left behind', async () => {
    const store = new LoggingStore();
    const s = await handlers(() => store).protectStatus({});
    expect(s.keychain).toEqual({ available: true, backend: 'Test Keychain' });
    expect(s.keyFolder).toBe(path.join(dir, 'credentials'));
    expect(s.keyFormat).toMatch(/PKCS#8.*AES-256/);
    expect(s.choice).toBeNull();
    expect(store.calls.map((c) => c.split(' ')[0])).toEqual(['set', 'get', 'delete']);
    const accounts = new Set(store.calls.map((c) => c.split(' ')[1]));
    expect(accounts.size).toBe(1);
    expect([...accounts][0]).toMatch(/^probe:protect-step:/);
    expect(store.secrets.size).toBe(0);
  });

  it('no keychain: says so with the KEYCHAIN_UNAVAILABLE text and hint (offering “type it each time”)', async () => {
    const s = await handlers(() => new UnavailableStore()).protectStatus({});
    expect(s.keychain.available).toBe(false);
    if (s.keychain.available) return;
    expect(s.keychain.error.code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(s.keychain.error.message).toBe('The system keychain (Secret Service (GNOME Keyring / KWallet)) cannot be used: no keyring service (GNOME Keyring or KWallet) is running');
    expect(s.keychain.error.hint).toContain('type the passphrase each time');
  });

  it('keytar failing to load (the real store class) is KEYCHAIN_UNAVAILABLE too', async () => {
    const keytar = new KeytarSecretStore({ load: async () => { throw new Error('Cannot find module keytar.node'); } });
    const s = await handlers(() => keytar).protectStatus({});
    expect(s.keychain).toMatchObject({ available: false, error: { code: 'KEYCHAIN_UNAVAILABLE', details: { detail: 'the keychain library could not be loaded' } } });
  });

  it('a plain error from a store becomes KEYCHAIN_UNAVAILABLE with its message', async () => {
    const store: SecretStore = { backend: 'Odd', get: async () => null, set: async () => { throw new Error('boom'); }, delete: async () => false };
    const p = await probeKeychain(store, { platform: 'darwin' });
    expect(p).toMatchObject({ available: false, backend: 'Odd', error: { code: 'KEYCHAIN_UNAVAILABLE', message: 'The system keychain (Odd) cannot be used: boom' } });
  });

  it('a keychain that reads back something else is not trusted, and the test entry is still deleted', async () => {
    const store = new LoggingStore((v) => `${v}-changed`);
    const p = await probeKeychain(store, { platform: 'darwin' });
    expect(p).toMatchObject({ available: false, error: { details: { detail: 'a test entry read back different from what was stored' } } });
    expect(store.calls.map((c) => c.split(' ')[0])).toEqual(['set', 'get', 'delete']);
    expect(store.secrets.size).toBe(0);
  });

  it('names the Secret Service provider from its process name', () => {
    expect(secretServiceProviderName('gnome-keyring-d\n')).toBe('GNOME Keyring');
    expect(secretServiceProviderName('kwalletd6')).toBe('KWallet');
    expect(secretServiceProviderName('ksecretd')).toBe('KWallet');
    expect(secretServiceProviderName('keepassxc')).toBe('KeePassXC');
    expect(secretServiceProviderName('bash')).toBeUndefined();
  });
});

describe('protectChoose', () => {
  it('“ask each time” works without a keychain: journal section, step done, readable by later steps', async () => {
    const h = handlers(() => new UnavailableStore());
    const c = await h.protectChoose({ mode: 'ask' });
    expect(c).toEqual({ mode: 'ask', chosenAt: '2026-11-24T10:00:00.000Z', backend: undefined, summary: 'passphrase asked each time' });
    const j = JSON.parse(readFileSync(journal.path, 'utf8'));
    expect(j.protect).toEqual({ mode: 'ask', chosenAt: '2026-11-24T10:00:00.000Z' });
    expect(j.steps.protect).toMatchObject({ status: 'done', summary: 'passphrase asked each time' });
    expect(j.history.at(-1)).toMatchObject({ step: 'protect', event: 'done' });
    const fresh = await new Journal(dir, now).read();
    expect(readProtectMode(fresh)).toBe('ask');
    expect(secretsForMode(readProtectMode(fresh)!, () => new LoggingStore())).toBeNull();
    expect((await h.protectStatus({})).choice).toEqual({ mode: 'ask', chosenAt: '2026-11-24T10:00:00.000Z', backend: undefined });
  });

  it('“keychain” is refused when the keychain does not answer, and nothing is recorded', async () => {
    const h = handlers(() => new UnavailableStore());
    await expect(h.protectChoose({ mode: 'keychain' })).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE', message: expect.stringContaining('no keyring service') });
    const j = await journal.read();
    expect(readProtectMode(j)).toBeNull();
    expect(j.steps.protect).toBeUndefined();
    expect(() => requireProtectMode(j)).toThrow(expect.objectContaining({ code: 'PROTECT_NOT_CHOSEN' }));
  });

  it('“keychain” with a working keychain records the backend (probed again at choice time)', async () => {
    const store = new LoggingStore();
    const c = await handlers(() => store).protectChoose({ mode: 'keychain' });
    expect(c).toMatchObject({ mode: 'keychain', backend: 'Test Keychain', summary: 'passphrase in Test Keychain' });
    expect(store.calls).toHaveLength(3);
    const j = await new Journal(dir, now).read();
    expect((j as Record<string, unknown>).protect).toEqual({ mode: 'keychain', chosenAt: '2026-11-24T10:00:00.000Z', backend: 'Test Keychain' });
    expect(secretsForMode(readProtectMode(j)!, () => store)).toBe(store);
  });

  it('a damaged protect section reads as “not chosen”, not as a crash', async () => {
    await journal.update((j) => {
      (j as Record<string, unknown>).protect = { mode: 'forever' };
    });
    expect(readProtectMode(await journal.read())).toBeNull();
  });
});

describe('input validation (through the dispatcher)', () => {
  const dispatch = () => createDispatcher(handlers(() => new LoggingStore()) as unknown as Handlers);

  it('refuses an unknown mode and unknown fields, naming the field', async () => {
    const bad = await dispatch()('protectChoose', { mode: 'forever' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', details: { field: 'mode' } } });
    const extra = await dispatch()('protectChoose', { mode: 'ask', passphrase: 'x' });
    expect(extra).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const status = await dispatch()('protectStatus', { list: true });
    expect(status).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await journal.read()).toMatchObject({ steps: {} });
  });

  it('answers a good call as an envelope', async () => {
    expect(await dispatch()('protectChoose', { mode: 'ask' })).toMatchObject({ ok: true, value: { mode: 'ask' } });
  });
});
