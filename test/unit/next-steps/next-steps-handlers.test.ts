import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDispatcher, type Handlers } from '../../../electron/services/dispatch';
import { Journal } from '../../../electron/services/journal/journal';
import { KeyProtection } from '../../../electron/services/request/key-protection';
import { CredentialStore } from '../../../electron/services/credential/store';
import { NextStepsService, ToolsService, nextStepsHandlers, toolsHandlers } from '../../../electron/services/next-steps/next-steps-handlers';
import { testJobCommands, shellQuote } from '../../../electron/services/next-steps/test-job';
import { pemEncode } from '../../../electron/services/proxy/pem';
import { createProxy } from '../../../electron/services/proxy';
import type { SecretStore } from '../../../electron/services/keychain/secret-store';
import { OnboardError } from '../../../shared/errors';
import { containsPrivateKey, stripPrivateKeyBlocks } from '../../../shared/private-key-blocks';
import type { VoEntry } from '../../../shared/vo';
import { issue, name, testKey, testPki, C, O, CN } from '../proxy/fixtures';
import { TAG } from '../../../electron/services/proxy/der';

let pki: Awaited<ReturnType<typeof testPki>>;
let root: string;
let home: string;
let dataDir: string;
let proxyFile: string;
let journal: Journal;
let secrets: Map<string, string>;
let dispatch: ReturnType<typeof createDispatcher>;
let keys: KeyProtection;

const memoryStore = (): SecretStore => ({ backend: 'Test Keychain', get: async (a) => secrets.get(a) ?? null, set: async (a, s) => void secrets.set(a, s), delete: async (a) => secrets.delete(a) });
const unavailableStore = (): SecretStore => {
  const fail = (): never => {
    throw new OnboardError('KEYCHAIN_UNAVAILABLE', { backend: 'Secret Service', detail: 'no keyring service is running' });
  };
  return { backend: 'Secret Service', get: async () => fail(), set: async () => fail(), delete: async () => fail() };
};

async function call<T = unknown>(nameOf: string, input: unknown): Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string; details?: Record<string, unknown> } }> {
  return (await dispatch(nameOf, input)) as never;
}
async function ok<T = unknown>(nameOf: string, input: unknown): Promise<T> {
  const r = await call<T>(nameOf, input);
  if (!r.ok) throw new Error(`${nameOf} failed: ${r.error.code} ${r.error.message}`);
  return r.value;
}
async function err(nameOf: string, input: unknown) {
  const r = await call(nameOf, input);
  if (r.ok) throw new Error(`${nameOf} unexpectedly succeeded`);
  return r.error;
}

const certPem = (der: Buffer) => pemEncode('CERTIFICATE', der);

beforeAll(async () => {
  pki = await testPki();
});

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'osg-next-steps-'));
  home = path.join(root, 'home');
  dataDir = path.join(root, 'data');
  mkdirSync(path.join(home, '.globus', 'certificates'), { recursive: true });
  mkdirSync(dataDir);
  writeFileSync(path.join(home, '.globus', 'certificates', '0a1b2c3d.0'), certPem(pki.root.cert.der));
  proxyFile = path.join(root, 'x509up_test');
  secrets = new Map();
  journal = new Journal(dataDir);
  keys = new KeyProtection({ dataDir, journal, keychain: memoryStore });
  const env = { X509_USER_PROXY: proxyFile };
  const nextSteps = new NextStepsService({ homeDir: home, env, journal, keys, now: () => new Date(), currentVo: async () => null });
  const tools = new ToolsService({ homeDir: home, env, now: () => new Date(), secretStore: memoryStore });
  dispatch = createDispatcher({ ...nextStepsHandlers(nextSteps), ...toolsHandlers(tools) } as unknown as Handlers);
  return () => rmSync(root, { recursive: true, force: true });
});

function writeGlobus(passphrase?: string) {
  writeFileSync(path.join(home, '.globus', 'usercert.pem'), certPem(pki.user.cert.der));
  const key = passphrase
    ? pki.user.key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase })
    : pki.user.key.export({ type: 'pkcs8', format: 'pem' });
  writeFileSync(path.join(home, '.globus', 'userkey.pem'), key, { mode: 0o400 });
}

function writeRobot() {
  writeFileSync(path.join(home, 'robotcert.pem'), certPem(pki.robot.cert.der));
  writeFileSync(path.join(home, 'robotkey.pem'), pki.robot.key.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(path.join(home, 'usercert.pem'), certPem(pki.other.cert.der));
  writeFileSync(path.join(home, 'userkey.pem'), pki.other.key.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
}

describe('private key blocks (stripped in the window, refused by the contract)', () => {
  it('finds every kind of key block and strips them, keeping the certificates', () => {
    const key = testKey(5).export({ type: 'pkcs1', format: 'pem' }).toString();
    const cert = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const enc = '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n';
    const text = cert + key + cert + enc;
    expect(containsPrivateKey(text)).toBe(true);
    const s = stripPrivateKeyBlocks(text);
    expect(s.removed).toBe(2);
    expect(s.text).toBe(cert + cert);
    expect(containsPrivateKey(s.text)).toBe(false);
  });
  it('an unterminated key block is removed to the end of the text', () => {
    const s = stripPrivateKeyBlocks('-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nMIIEv…truncated');
    expect(s).toEqual({ text: '-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n', removed: 1 });
  });
  it('lower-case labels count too; certificates alone are left untouched', () => {
    expect(containsPrivateKey('-----begin ec private key-----')).toBe(true);
    expect(stripPrivateKeyBlocks('-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n').removed).toBe(0);
  });
});

describe('input validation (the contract schemas, through the dispatcher)', () => {
  it('toolsInspect refuses any text holding a private key, before the service sees it', async () => {
    for (const label of ['PRIVATE KEY', 'RSA PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'EC PRIVATE KEY']) {
      const e = await err('toolsInspect', { text: `${certPem(pki.user.cert.der)}-----BEGIN ${label}-----\nAAAA\n-----END ${label}-----\n` });
      expect(e.code).toBe('INVALID_INPUT');
      expect(e.details?.field).toBe('text');
      expect(e.message).toMatch(/must not contain a private key/);
    }
    expect((await err('toolsInspect', { text: '' })).code).toBe('INVALID_INPUT');
    expect((await err('toolsInspect', { text: 'x'.repeat(512 * 1024 + 1) })).message).toMatch(/larger than 512 KB/);
    expect((await err('toolsInspect', { text: 'x', extra: 1 })).code).toBe('INVALID_INPUT');
  });

  it('the service refuses a key too, for callers that bypass the contract', async () => {
    const tools = new ToolsService({ homeDir: home, now: () => new Date() });
    await expect(tools.inspect('-----BEGIN PRIVATE KEY-----\nA\n-----END PRIVATE KEY-----\n')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('proxyMake: hours 1..168 whole, key sizes 2048/3072/4096, known sources, no unknown fields', async () => {
    for (const hours of [0, 169, 1.5, -3]) expect((await err('proxyMake', { source: 'globus', hours })).details?.field).toBe('hours');
    for (const bits of [1024, 2047, 8192]) expect((await err('proxyMake', { source: 'globus', bits })).details?.field).toBe('bits');
    expect((await err('proxyMake', { source: 'p12' })).details?.field).toBe('source');
    expect((await err('proxyMake', { source: 'globus', certFile: '/etc/passwd' })).code).toBe('INVALID_INPUT');
    expect((await err('proxyMake', { source: 'globus', passphrase: 'x'.repeat(1025) })).details?.field).toBe('passphrase');
  });

  it('puspMake: full paths only (or ~/), no NUL, hours 1..168, a user id', async () => {
    const good = { robotCertFile: '~/robotcert.pem', robotKeyFile: '/x/robotkey.pem', userId: 'alice', out: '~/pusp' };
    for (const bad of ['robotcert.pem', './robotcert.pem', '../etc/x', '', '/a\0b']) {
      const e = await err('puspMake', { ...good, robotCertFile: bad });
      expect(e.code).toBe('INVALID_INPUT');
      expect(e.details?.field).toBe('robotCertFile');
    }
    expect((await err('puspMake', { ...good, out: 'pusp.pem' })).details?.field).toBe('out');
    for (const hours of [0, 169, 2.5]) expect((await err('puspMake', { ...good, hours })).details?.field).toBe('hours');
    expect((await err('puspMake', { ...good, userId: '   ' })).details?.field).toBe('userId');
  });
});

describe('Next steps: overview and making a proxy', () => {
  it('with no credential at all: no sources, and it says which step to do first', async () => {
    const o = await ok<{ sources: unknown[]; missing: { step: string; reason: string }; proxyPath: string; proxyPathFromEnv: boolean; current: unknown; trustDirExists: boolean }>('proxyOverview', {});
    expect(o.sources).toEqual([]);
    expect(o.missing.step).toBe('request');
    expect(o.missing.reason).toMatch(/no certificate yet/);
    expect(o.proxyPath).toBe(proxyFile);
    expect(o.proxyPathFromEnv).toBe(true);
    expect(o.current).toBeNull();
    expect(o.trustDirExists).toBe(true);
    expect((await err('proxyMake', { source: 'app' })).code).toBe('NEXT_STEPS_NO_CREDENTIAL');
    expect((await err('proxyMake', { source: 'globus' })).code).toBe('PROXY_CERT_UNREADABLE');
  });

  it('from ~/.globus: a passphrase is asked for, a wrong one refused, then the proxy is made 0600, verified, recorded', async () => {
    writeGlobus('pass phrase 1');
    const o = await ok<{ sources: { kind: string; passphrase: string; subject: string }[]; missing: unknown }>('proxyOverview', {});
    expect(o.sources).toMatchObject([{ kind: 'globus', passphrase: 'typed', subject: pki.user.cert.subjectDn }]);
    expect(o.missing).toBeNull();
    expect((await err('proxyMake', { source: 'globus' })).code).toBe('KEY_PASSPHRASE_REQUIRED');
    expect((await err('proxyMake', { source: 'globus', passphrase: 'wrong' })).code).toBe('PROXY_KEY_PASSPHRASE');
    const r = await ok<{ file: string; mode: string; info: Record<string, unknown>; verification: { valid: boolean; identity: string; errors: unknown[] } }>('proxyMake', { source: 'globus', passphrase: 'pass phrase 1', hours: 3, limited: true });
    expect(r.file).toBe(proxyFile);
    expect(r.mode).toBe('0600');
    expect(statSync(proxyFile).mode & 0o777).toBe(0o600);
    expect(r.info).toMatchObject({ identity: pki.user.cert.subjectDn, isProxy: true, limited: true, strength: 2048, path: proxyFile, hasPrivateKey: true });
    expect(r.info.timeleftSeconds).toBeGreaterThan(3 * 3600 - 60);
    expect(r.info.text).toMatch(/^subject\s+: /);
    expect(r.verification.errors).toEqual([]);
    expect(r.verification).toMatchObject({ valid: true, identity: pki.user.cert.subjectDn });
    expect(JSON.stringify(r)).not.toMatch(/PRIVATE KEY|pass phrase 1/);
    const j = JSON.parse(readFileSync(journal.path, 'utf8'));
    expect(j.steps.nextSteps).toMatchObject({ status: 'done', summary: 'proxy for 3 h (limited)' });
    expect(j.nextSteps.lastProxy).toMatchObject({ file: proxyFile, source: 'globus', verified: true, bits: 2048 });
    // Shown again by proxyInspect and by the overview (the proxy already there).
    const again = await ok<{ info: { subject: string } }>('proxyInspect', {});
    expect(again.info.subject).toBe(r.info.subject);
    expect((await ok<{ current: { file: string } }>('proxyOverview', {})).current.file).toBe(proxyFile);
  });

  it('an unencrypted userkey.pem needs no passphrase; bits 3072 is honoured', async () => {
    writeGlobus();
    const o = await ok<{ sources: { passphrase: string }[] }>('proxyOverview', {});
    expect(o.sources[0].passphrase).toBe('none');
    const r = await ok<{ info: { strength: number } }>('proxyMake', { source: 'globus', bits: 3072 });
    expect(r.info.strength).toBe(3072);
  });

  async function storeCredential(passphrase?: string) {
    const store = new CredentialStore({ dataDir, secrets: memoryStore() });
    const rec = await store.create({ key: pki.user.key, subject: pki.user.cert.subjectDn, passphrase });
    await store.attachCertificate(rec.id, certPem(pki.user.cert.der) + certPem(pki.root.cert.der), passphrase);
    return rec.id;
  }

  it('from the stored credential with its passphrase in the keychain: no passphrase asked; the root is left to the trust folder', async () => {
    await storeCredential();
    const o = await ok<{ sources: { kind: string; passphrase: string; subject: string }[] }>('proxyOverview', {});
    expect(o.sources).toMatchObject([{ kind: 'app', passphrase: 'keychain', subject: pki.user.cert.subjectDn }]);
    const r = await ok<{ info: { chainLength: number; identity: string }; verification: { valid: boolean } }>('proxyMake', { source: 'app' });
    expect(r.info.chainLength).toBe(2); // proxy + user certificate; no root in the file
    expect(r.info.identity).toBe(pki.user.cert.subjectDn);
    expect(r.verification.valid).toBe(true);
  });

  it('from a stored credential whose passphrase is typed: asked, a wrong one refused, then remembered for the session', async () => {
    await storeCredential('typed passphrase 42');
    expect((await ok<{ sources: { passphrase: string; passphraseRemembered: boolean }[] }>('proxyOverview', {})).sources[0]).toMatchObject({ passphrase: 'typed', passphraseRemembered: false });
    expect((await err('proxyMake', { source: 'app' })).code).toBe('KEY_PASSPHRASE_REQUIRED');
    expect((await err('proxyMake', { source: 'app', passphrase: 'nope' })).code).toBe('KEY_PASSPHRASE_WRONG');
    expect((await ok<{ verification: { valid: boolean } }>('proxyMake', { source: 'app', passphrase: 'typed passphrase 42' })).verification.valid).toBe(true);
    expect((await ok<{ sources: { passphraseRemembered: boolean }[] }>('proxyOverview', {})).sources[0].passphraseRemembered).toBe(true);
    await ok('proxyMake', { source: 'app' });
  });

  it('a request still waiting for its sponsor: the step says so and points to Request', async () => {
    await journal.update((j) => {
      (j as Record<string, unknown>).request = {
        credentialId: '20260101t000000z-abcdef01', state: 'waiting', vo: 'sandbox', sandbox: true, name: 'A B', subject: '/CN=A B', keyBits: 2048,
        publicKeyFingerprint: 'x', keyProtection: 'keychain', estUrl: 'https://127.0.0.1/est', enrolmentCode: 'none', requestId: 'R-7',
        startedAt: '2026-01-01T00:00:00Z', agreement: { agreedAt: '2026-01-01T00:00:00Z', policyVersion: '1', policySha256: 'x', title: 't' },
      };
    });
    const o = await ok<{ missing: { step: string; reason: string } }>('proxyOverview', {});
    expect(o.missing).toMatchObject({ step: 'request' });
    expect(o.missing.reason).toMatch(/R-7 is not issued yet \(waiting\)/);
    const e = await err('proxyMake', { source: 'app' });
    expect(e.code).toBe('NEXT_STEPS_NOT_ISSUED');
  });

  it('a trust folder that does not exist is a verification reason, not a crash', async () => {
    writeGlobus();
    rmSync(path.join(home, '.globus', 'certificates'), { recursive: true });
    const r = await ok<{ verification: { valid: boolean; errors: { code: string; message: string }[] } }>('proxyMake', { source: 'globus' });
    expect(r.verification.valid).toBe(false);
    expect(r.verification.errors[0].code).toBe('PROXY_TRUST_DIR_INVALID');
    expect(r.verification.errors[0].message).toMatch(/does not exist/);
  });

  it('a file at the proxy path that is not a proxy is reported and kept (the new proxy moves it aside)', async () => {
    writeGlobus();
    writeFileSync(proxyFile, 'not a proxy\n');
    const o = await ok<{ current: unknown; currentProblem: string }>('proxyOverview', {});
    expect(o.current).toBeNull();
    expect(o.currentProblem).toMatch(/not a usable proxy/);
    await ok('proxyMake', { source: 'globus' });
    const kept = (await import('node:fs')).readdirSync(root).filter((f) => f.startsWith('x509up_test.bak-'));
    expect(kept).toHaveLength(1);
  });
});

describe('Tools: inspect a dropped file', () => {
  it('a proxy (key stripped) shows its fields and verifies to the user identity', async () => {
    const p = await createProxy({ issuerCert: pki.user.cert, issuerKey: pki.user.key, hours: 2 });
    const stripped = stripPrivateKeyBlocks(p.pem);
    expect(stripped.removed).toBe(1);
    const r = await ok<{ name: string; info: Record<string, unknown>; verification: { valid: boolean; identity: string } }>('toolsInspect', { text: stripped.text, name: 'x509up_u1000' });
    expect(r.name).toBe('x509up_u1000');
    expect(r.info).toMatchObject({ subject: p.subject, identity: pki.user.cert.subjectDn, type: 'RFC 3820 compliant impersonation proxy', hasPrivateKey: false, path: 'x509up_u1000' });
    expect(r.verification).toMatchObject({ valid: true, identity: pki.user.cert.subjectDn });
  });

  it('a certificate from an unknown CA: inspected, and the verifier says why it is not valid', async () => {
    const otherRoot = await issue({ subject: name([[[C, 'US', TAG.PRINTABLE_STRING]], [[O, 'Elsewhere']], [[CN, 'Other Root']]]), key: testKey(4), ca: true });
    const r = await ok<{ info: { type: string }; verification: { valid: boolean; errors: { message: string }[] } }>('toolsInspect', { text: certPem(otherRoot.cert.der) });
    expect(r.info.type).toBe('CA certificate');
    expect(r.verification.valid).toBe(false);
    expect(r.verification.errors.length).toBeGreaterThan(0);
  });

  it('text with no certificate is a typed error', async () => {
    expect((await err('toolsInspect', { text: 'hello' })).code).toBe('PROXY_FILE_INVALID');
  });
});

describe('Tools: per-user sub-proxies', () => {
  beforeEach(writeRobot);
  const base = () => ({ robotCertFile: '~/robotcert.pem', robotKeyFile: path.join(home, 'robotkey.pem'), userId: 'alice', out: '~/pusp-alice' });

  it('robot DN + CN=user:<id>, 0600, the robot check shown; the same user gets the same DN again', async () => {
    const r = await ok<{ file: string; mode: string; identity: string; robotSubject: string; userLabel: string; robot: { robot: boolean; evidence: string[] }; forced: boolean; verification: { valid: boolean; pusp: { userLabel: string } } }>('puspMake', base());
    expect(r.file).toBe(path.join(home, 'pusp-alice'));
    expect(r.mode).toBe('0600');
    expect(r.identity).toBe(`${pki.robot.cert.subjectDn}/CN=user:alice`);
    expect(r.robotSubject).toBe(pki.robot.cert.subjectDn);
    expect(r.robot.robot).toBe(true);
    expect(r.robot.evidence.join(' ')).toMatch(/Robot:/);
    expect(r.forced).toBe(false);
    expect(r.verification.valid).toBe(true);
    expect(r.verification.pusp.userLabel).toBe('user:alice');
    expect(JSON.stringify(r)).not.toMatch(/PRIVATE KEY/);
    const again = await ok<{ identity: string }>('puspMake', { ...base(), out: '~/pusp-alice-2', session: true });
    expect(again.identity).toBe(r.identity);
    const bob = await ok<{ identity: string }>('puspMake', { ...base(), userId: 'bob', out: '~/pusp-bob' });
    expect(bob.identity).not.toBe(r.identity);
  });

  it('a non-robot certificate is refused with the reason; with force it is made and says so', async () => {
    const input = { ...base(), robotCertFile: '~/usercert.pem', robotKeyFile: '~/userkey.pem' };
    const e = await err('puspMake', input);
    expect(e.code).toBe('PUSP_NOT_ROBOT');
    expect(e.message).toMatch(/Other Person/);
    expect(e.message).toMatch(/Robot/);
    const forced = await ok<{ forced: boolean; robot: { robot: boolean; problems: string[] }; identity: string }>('puspMake', { ...input, force: true });
    expect(forced.forced).toBe(true);
    expect(forced.robot.robot).toBe(false);
    expect(forced.identity).toBe(`${pki.other.cert.subjectDn}/CN=user:alice`);
  });

  it('pseudonyms come from a secret in the keychain and hide the id; no keychain → a clear message', async () => {
    const r = await ok<{ userLabel: string; pseudonymous: boolean }>('puspMake', { ...base(), userId: 'alice@example.org', pseudonym: true });
    expect(r.pseudonymous).toBe(true);
    expect(r.userLabel).not.toMatch(/alice/);
    expect(secrets.size).toBe(1);
    const tools = new ToolsService({ homeDir: home, now: () => new Date(), secretStore: unavailableStore });
    await expect(tools.makePusp({ ...base(), robotCertFile: path.join(home, 'robotcert.pem'), out: path.join(home, 'p'), pseudonym: true, session: false, hours: 12, force: false }))
      .rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
  });

  it('missing files, an output over the robot key, a missing output folder and a key passphrase are all named', async () => {
    expect((await err('puspMake', { ...base(), robotCertFile: '~/nope.pem' })).code).toBe('TOOLS_FILE_NOT_FOUND');
    const over = await err('puspMake', { ...base(), out: path.join(home, 'robotkey.pem') });
    expect(over.code).toBe('TOOLS_OUT_IS_INPUT');
    expect(readFileSync(path.join(home, 'robotkey.pem'), 'utf8')).toMatch(/PRIVATE KEY/);
    expect((await err('puspMake', { ...base(), out: '/no/such/folder/pusp' })).code).toBe('IO_ERROR');
    writeFileSync(path.join(home, 'robotkey.pem'), pki.robot.key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'robot pw' }));
    expect((await err('puspMake', base())).code).toBe('KEY_PASSPHRASE_REQUIRED');
    expect((await ok<{ identity: string }>('puspMake', { ...base(), passphrase: 'robot pw' })).identity).toMatch(/CN=user:alice$/);
  });
});

describe('what next: the test-job commands', () => {
  const vo = (over: Partial<VoEntry>): VoEntry => ({
    name: 'myvo', displayName: 'My VO', description: 'x', registration: { kind: 'voms-admin', url: 'https://voms.example.org/voms/myvo' },
    vomsServers: [], submitHosts: [], groups: [], sandbox: false, sources: [], ...over,
  } as unknown as VoEntry);

  it('default proxy path: no export line; the VO’s submit host and voms-proxy-init when it has a VOMS server', () => {
    const blocks = testJobCommands({
      proxyPath: '/tmp/x509up_u1000', toolsDefaultPath: '/tmp/x509up_u1000', trustDir: '/home/a b/.globus/certificates',
      vo: vo({ submitHosts: [{ host: 'login.example.org', port: 2222 }], vomsServers: [{ host: 'voms.example.org', port: 15001, dn: '/CN=voms' }] } as Partial<VoEntry>),
    });
    const all = blocks.map((b) => b.commands).join('\n');
    expect(all).not.toMatch(/export X509_USER_PROXY/);
    expect(all).toContain("-CApath '/home/a b/.globus/certificates' -untrusted /tmp/x509up_u1000 /tmp/x509up_u1000");
    expect(all).toContain('ssh -p 2222 YOUR_USERNAME@login.example.org');
    expect(all).toContain('voms-proxy-init -voms myvo');
    expect(all).toContain('condor_submit test.sub');
    expect(all).toContain('use_x509userproxy = true');
    expect(blocks.map((b) => b.id)).toEqual(['check', 'verify', 'test-job', 'transfer']);
  });

  it('a proxy path from X509_USER_PROXY is exported first; the sandbox says plainly it runs no jobs', () => {
    const blocks = testJobCommands({ proxyPath: '/tmp/my proxy', toolsDefaultPath: '/tmp/x509up_u1000', trustDir: '/t', vo: vo({ sandbox: true, name: 'sandbox' }) });
    expect(blocks[0].commands.split('\n')[0]).toBe("export X509_USER_PROXY='/tmp/my proxy'");
    expect(blocks[2].commands).toContain('SUBMIT_HOSTNAME');
    expect(blocks[2].commands).toContain('grid-proxy-init');
    expect(blocks[2].description).toMatch(/runs no jobs/);
  });

  it('after an upload, the host and account it used replace the placeholders', () => {
    const blocks = testJobCommands({
      proxyPath: '/tmp/x509up_u1000', toolsDefaultPath: '/tmp/x509up_u1000', trustDir: '/t',
      vo: vo({ submitHosts: [{ host: 'login.example.org', port: 22 }] } as Partial<VoEntry>),
      uploadedTo: { host: 'ap40.uw.osg-htc.org', port: 22, username: 'ada' },
    });
    expect(blocks[2].commands.split('\n')[0]).toBe('ssh ada@ap40.uw.osg-htc.org');
    expect(blocks[2].description).toContain('as ada');
    expect(blocks[2].description).not.toContain('YOUR_USERNAME');
    const sandbox = testJobCommands({
      proxyPath: '/p', toolsDefaultPath: '/p', trustDir: '/t', vo: vo({ sandbox: true }), uploadedTo: { host: '127.0.0.1', port: 40022, username: 'sandbox' },
    });
    expect(sandbox[2].commands.split('\n')[0]).toBe('ssh -p 40022 sandbox@127.0.0.1');
    expect(sandbox[3].commands).toContain('gsiftp://127.0.0.1/');
  });

  it('quotes what a shell would split', () => {
    expect(shellQuote('/tmp/x509up_u1000')).toBe('/tmp/x509up_u1000');
    expect(shellQuote("it's here")).toBe(`'it'\\''s here'`);
  });
});
