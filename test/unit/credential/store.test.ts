import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OnboardError } from '../../../shared/errors';
import { CredentialStore, buildCsr, publicKeyFingerprint, secretAccount } from '../../../electron/services/credential';
import { SessionSecretStore } from '../../../electron/services/keychain/session-store';
import type { SecretStore } from '../../../electron/services/keychain/secret-store';
import { parseDn } from '../../../shared/dn';
import { makeChain, makeCert, testKey } from './fixtures';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'osg-cred-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function codeOf(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(OnboardError);
    return (e as OnboardError).code;
  }
  return 'no error';
}

const { root, intermediate, user } = makeChain();

describe('credential store', () => {
  it('keeps a pending key encrypted, its passphrase in the secret store, and survives a restart', async () => {
    const secrets = new SessionSecretStore();
    const store = new CredentialStore({ dataDir: dir, secrets });
    const csr = buildCsr({ key: user.key, subject: parseDn('/DC=org/DC=example/CN=Jane') });
    const rec = await store.create({ key: user.key, subject: '/DC=org/DC=example/CN=Jane', csrPem: csr.pem, request: { vo: 'osg', connector: 'est', requestId: 'r-17' } });
    expect(rec.status).toBe('pending');
    expect(rec.passphrase).toBe('keychain');
    const keyFile = path.join(dir, 'credentials', rec.id, 'key.pem');
    expect(readFileSync(keyFile, 'utf8')).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dir, 'credentials', rec.id)).mode & 0o777).toBe(0o700);
    expect(await secrets.get(secretAccount(rec.id))).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const again = new CredentialStore({ dataDir: dir, secrets }); // "restart"
    expect((await again.list()).map((r) => r.id)).toEqual([rec.id]);
    expect(publicKeyFingerprint(await again.unlockKey(rec.id))).toBe(rec.publicKeyFingerprint);
    expect(await again.csrPem(rec.id)).toBe(csr.pem);
    const updated = await again.setRequest(rec.id, { vo: 'osg', connector: 'est', requestId: 'r-17', retryAfter: 60 });
    expect((await again.get(rec.id)).request).toEqual(updated.request);
  });

  it('attaches the issued certificate (chain in any order) and refuses another key’s certificate', async () => {
    const store = new CredentialStore({ dataDir: dir, secrets: new SessionSecretStore() });
    const rec = await store.create({ key: user.key });
    const other = makeCert({ subject: '/CN=Someone Else', key: testKey(3), issuer: intermediate });
    expect(await codeOf(() => store.attachCertificate(rec.id, other.pem))).toBe('KEY_CERT_MISMATCH');
    const issued = await store.attachCertificate(rec.id, root.pem + user.pem + intermediate.pem);
    expect(issued.status).toBe('issued');
    expect(issued.certificate?.subject).toBe('/DC=org/DC=example/C=US/O=Example Univ/CN=Jane Doe A12345');
    const { certificate, chain } = await store.certificates(rec.id);
    expect(certificate.raw.equals(user.cert.raw)).toBe(true);
    expect(chain.map((c) => c.raw.equals(intermediate.cert.raw))).toEqual([true, false]);
  });

  it('works without a keychain when the user types the passphrase', async () => {
    const store = new CredentialStore({ dataDir: dir, secrets: null });
    expect(await codeOf(() => store.create({ key: user.key }))).toBe('KEYCHAIN_UNAVAILABLE');
    const rec = await store.create({ key: user.key, passphrase: 'typed by the user' });
    expect(rec.passphrase).toBe('typed');
    expect(await codeOf(() => store.unlockKey(rec.id))).toBe('KEY_PASSPHRASE_REQUIRED');
    expect(await codeOf(() => store.unlockKey(rec.id, 'wrong one'))).toBe('KEY_PASSPHRASE_WRONG');
    expect(publicKeyFingerprint(await store.unlockKey(rec.id, 'typed by the user'))).toBe(rec.publicKeyFingerprint);
  });

  it('passes on the keychain’s own error when it is locked', async () => {
    const locked: SecretStore = {
      backend: 'test keyring',
      get: async () => null,
      set: async () => {
        throw new OnboardError('KEYCHAIN_UNAVAILABLE', { backend: 'test keyring', detail: 'the keyring is locked' });
      },
      delete: async () => false,
    };
    const store = new CredentialStore({ dataDir: dir, secrets: locked });
    expect(await codeOf(() => store.create({ key: user.key }))).toBe('KEYCHAIN_UNAVAILABLE');
    expect(await store.list()).toEqual([]);
  });

  it('archives instead of deleting, and rejects unknown or odd ids', async () => {
    const store = new CredentialStore({ dataDir: dir, secrets: new SessionSecretStore() });
    const rec = await store.create({ key: user.key });
    const where = await store.archive(rec.id);
    expect(existsSync(path.join(where, 'key.pem'))).toBe(true);
    expect(await store.list()).toEqual([]);
    expect(await codeOf(() => store.get(rec.id))).toBe('CREDENTIAL_NOT_FOUND');
    expect(await codeOf(() => store.get('../../etc'))).toBe('CREDENTIAL_NOT_FOUND');
  });
});
