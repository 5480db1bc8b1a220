import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProxyService } from '../../../electron/services/proxy/proxy-service';
import { pemEncode } from '../../../electron/services/proxy/pem';
import type { SecretStore } from '../../../electron/services/keychain/secret-store';
import { testPki } from './fixtures';

let pki: Awaited<ReturnType<typeof testPki>>;
let home: string;
let svc: ProxyService;
const secrets = new Map<string, string>();
const store: SecretStore = { backend: 'memory', get: async (a) => secrets.get(a) ?? null, set: async (a, s) => void secrets.set(a, s), delete: async (a) => secrets.delete(a) };

beforeAll(async () => {
  pki = await testPki();
  home = mkdtempSync(path.join(os.tmpdir(), 'osg-proxy-svc-'));
  mkdirSync(path.join(home, '.globus', 'certificates'), { recursive: true });
  writeFileSync(path.join(home, '.globus', 'usercert.pem'), pemEncode('CERTIFICATE', pki.user.cert.der));
  writeFileSync(path.join(home, '.globus', 'userkey.pem'), pki.user.key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }), { mode: 0o400 });
  writeFileSync(path.join(home, '.globus', 'certificates', '0a1b2c3d.0'), pemEncode('CERTIFICATE', pki.root.cert.der));
  writeFileSync(path.join(home, 'robot.pem'), pemEncode('CERTIFICATE', pki.robot.cert.der));
  writeFileSync(path.join(home, 'robot.key'), pki.robot.key.export({ type: 'pkcs8', format: 'pem' }));
  svc = new ProxyService({ homeDir: home, env: { X509_USER_PROXY: path.join(home, 'x509up') }, secretStore: store });
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('ProxyService (what the app calls)', () => {
  it('makes a proxy from ~/.globus, writes it where grid tools look, and returns public data only', async () => {
    const made = await svc.makeProxy({ passphrase: 'pw', hours: 2 });
    expect(made.file).toBe(path.join(home, 'x509up'));
    expect(statSync(made.file).mode & 0o777).toBe(0o600);
    expect(made.identity).toBe(pki.user.cert.subjectDn);
    expect(made.info.timeleftSeconds).toBeGreaterThan(7100);
    expect(JSON.stringify(made)).not.toMatch(/PRIVATE KEY/);
    await expect(svc.makeProxy({ passphrase: 'nope' })).rejects.toMatchObject({ code: 'PROXY_KEY_PASSPHRASE' });
  });

  it('inspects and verifies against ~/.globus/certificates by default', async () => {
    expect((await svc.inspectFile()).identity).toBe(pki.user.cert.subjectDn);
    const v = await svc.verifyFile();
    expect(v.caDir).toBe(path.join(home, '.globus', 'certificates'));
    expect(v.valid).toBe(true);
  });

  it('makes pseudonymous PUSPs with the secret kept in the keychain', async () => {
    const a = await svc.makePusp({ robotCertFile: path.join(home, 'robot.pem'), robotKeyFile: path.join(home, 'robot.key'), userId: 'alice', pseudonym: true, out: path.join(home, 'p1') });
    const b = await svc.makePusp({ robotCertFile: path.join(home, 'robot.pem'), robotKeyFile: path.join(home, 'robot.key'), userId: 'alice', pseudonym: true, session: true, out: path.join(home, 'p2') });
    expect(secrets.size).toBe(1);
    expect(a.identity).toBe(b.identity);
    expect(a.identity).not.toContain('alice');
    expect((await svc.verifyFile(b.file)).identity).toBe(a.identity);
  });
});
