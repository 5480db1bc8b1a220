// The Request step's service against the real sandbox CA (EST over TLS on 127.0.0.1): the
// agreement and key, the sponsor's approval and rejection, the error cases, cancel/resume, and
// a restart that resumes polling with the same key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { OnboardError, type ErrorCode } from '../../../shared/errors';
import { readCsr } from '../../../electron/services/credential';
import { readRequestSection } from '../../../electron/services/request/request-state';
import { requestHandlers } from '../../../electron/services/request/request-handlers';
import { SANDBOX_USER_BASE } from '../../../electron/sandbox/ca';
import { closedPort, makeWorld, NoKeychain, until, type App, type World } from './setup';

let world: World;
let app: App;

async function expectCode(p: Promise<unknown>, code: ErrorCode): Promise<OnboardError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(OnboardError);
  expect((e as OnboardError).code, (e as OnboardError).message).toBe(code);
  return e as OnboardError;
}

async function policy(a: App): Promise<string> {
  return (await a.request.preview({ name: '', email: '' })).policy.sha256;
}

async function startAs(a: App, name: string, extra: Record<string, unknown> = {}) {
  return a.request.start({ name, email: `${name.split(' ')[0].toLowerCase()}@example.edu`, keyBits: 2048, agree: true, policySha256: await policy(a), ...extra });
}

function credentialCount(): number {
  try {
    return readdirSync(path.join(world.dataDir, 'credentials')).filter((n) => !n.startsWith('.')).length;
  } catch {
    return 0;
  }
}

beforeAll(async () => {
  world = makeWorld('request');
  app = world.open();
  await app.vo.choose('sandbox');
});

afterAll(async () => {
  await app?.close();
  world?.dispose();
});

describe('Request step service (sandbox CA)', () => {
  it('previews the subject the sandbox CA will issue, and names a broken rule without throwing', async () => {
    const p = await app.request.preview({ name: 'José Müller', email: 'Jose.Muller@Example.EDU' });
    expect(p.vo).toMatchObject({ name: 'sandbox', sandbox: true });
    expect(p.connector.kind).toBe('sandbox');
    expect(p.connector.estUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/\.well-known\/est$/);
    expect(p.connector.caTrusted).toBe(false);
    expect(p.subject).toMatch(new RegExp(`^${SANDBOX_USER_BASE}/CN=Jose Muller S\\d{6}$`));
    expect(p.subjectRfc4514).toMatch(/^CN=Jose Muller S\d{6},O=OSG Onboard Sandbox,DC=sandbox,DC=osg-onboard,DC=org$/);
    expect(p.keySizes).toEqual([2048, 3072, 4096]);
    expect(p.defaultKeySize).toBe(2048);
    expect(p.policy.paragraphs.join(' ')).toContain('I AGREE');
    expect(p.policy.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(p.keyProtection).toMatchObject({ mode: 'keychain', chosenInProtect: false });
    const bad = await app.request.preview({ name: 'R2-D2', email: 'r2@example.edu' });
    expect(bad.subject).toBeUndefined();
    expect(bad.problem?.field).toBe('name');
    const badMail = await app.request.preview({ name: 'Jane Doe', email: 'not-an-address' });
    expect(badMail.problem?.field).toBe('email');
  });

  it('refuses before making a key when the sandbox CA is not trusted yet; nothing in the journal is lost', async () => {
    const before = await app.journal.read();
    const e = await expectCode(startAs(app, 'Jane Doe'), 'REQUEST_CA_NOT_TRUSTED');
    expect(e.hint).toContain('Trust CAs');
    expect(credentialCount()).toBe(0);
    const after = await app.journal.read();
    expect(after.vo).toEqual(before.vo);
    expect(after.steps.chooseVo?.status).toBe('done');
  });

  it('refuses without the agreement of the text shown', async () => {
    await world.trustSandbox(app);
    await expectCode(app.request.start({ name: 'Jane Doe', email: 'jane@example.edu', keyBits: 2048, agree: true, policySha256: '0'.repeat(64) }), 'REQUEST_NOT_AGREED');
    expect(credentialCount()).toBe(0);
  });

  it('a wrong enrolment code is refused with its own message; the same key is sent again with the right one', async () => {
    app.events.length = 0;
    const e = await expectCode(startAs(app, 'Jane Doe', { enrolmentCode: 'WRONG-CODE' }), 'ISSUER_BAD_ENROLMENT_CODE');
    expect(e.message).toContain('enrolment code is wrong');
    const s = readRequestSection(await app.journal.read())!;
    expect(s.state).toBe('failed');
    expect(s.error?.code).toBe('ISSUER_BAD_ENROLMENT_CODE');
    expect(s.agreement?.agreedAt).toBeTruthy();
    expect((await app.journal.read()).steps.request?.status).toBe('failed');
    // Key generation reported progress, then the sending step.
    const keygen = app.events.filter((p) => p.task === 'keygen');
    expect(keygen[0].fraction).toBeNull();
    expect(keygen.some((p) => p.label.includes('Sending'))).toBe(true);

    const resumed = await app.request.resume({});
    expect(resumed.state).toBe('waiting');
    expect(resumed.credentialId).toBe(s.credentialId);
    expect(resumed.requestId).toMatch(/^[2-9A-Z]{6}$/);
    expect(resumed.sponsorUrl).toMatch(/\/sponsor\?token=/);
    expect(resumed.polling).toBe(true);
    await app.request.cancel();
  });

  it('is approved by the sponsor, and the certificate is stored with the key; progress tells the wait', async () => {
    app.events.length = 0;
    const started = await startAs(app, 'Ada Lovelace', { keyBits: 3072 });
    expect(started.state).toBe('waiting');
    expect(started.keyBits).toBe(3072);
    expect(started.subject).toMatch(/\/CN=Ada Lovelace S\d{6}$/);
    const ca = await app.sandbox.ca();
    await until(() => (app.events.some((p) => p.task === 'approval' && p.label.includes(started.requestId!)) ? true : undefined), 'a waiting progress event');
    expect(await app.request.status()).toMatchObject({ state: 'waiting', polling: true });
    await ca.approve(started.requestId!);
    const done = await until(async () => {
      const s = await app.request.status();
      return s?.state === 'issued' ? s : undefined;
    }, 'the certificate');
    expect(done.certificate!.subject).toBe(started.subject);
    expect(done.certificate!.issuer).toBe(ca.caSubject);
    expect(done.polling).toBe(false);
    const j = await app.journal.read();
    expect(j.steps.request).toMatchObject({ status: 'done', summary: started.subject.replace(/^.*\/CN=/, '') });
    expect(j.history.some((h) => h.step === 'request' && h.event === 'agreed')).toBe(true);
    // The stored certificate is for the stored key, and the chain (the sandbox CA) is kept.
    const certPem = readFileSync(path.join(world.dataDir, 'credentials', started.credentialId, 'cert.pem'), 'utf8');
    const [leaf, issuer] = certPem.split(/(?<=-----END CERTIFICATE-----\n)/).map((p) => new X509Certificate(p));
    const csr = readCsr(readFileSync(path.join(world.dataDir, 'credentials', started.credentialId, 'csr.pem'), 'utf8'));
    expect(leaf.publicKey.export({ type: 'spki', format: 'der' }).equals(csr.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
    expect(issuer.subject).toContain('Sandbox');
    await until(() => (app.events.some((p) => p.task === 'approval' && p.fraction === 1) ? true : undefined), 'the issued progress event');
  });

  it('a rejected request shows the sponsor’s reason and cannot be resumed; the agreement stays recorded', async () => {
    const started = await startAs(app, 'Grace Hopper');
    await (await app.sandbox.ca()).reject(started.requestId!, 'Not a member of the sandbox VO');
    const s = await until(async () => {
      const v = await app.request.status();
      return v?.state === 'rejected' ? v : undefined;
    }, 'the rejection');
    expect(s.error?.code).toBe('ISSUER_REQUEST_REJECTED');
    expect(s.error?.message).toContain('Not a member of the sandbox VO');
    await expectCode(app.request.resume({}), 'REQUEST_NOT_RESUMABLE');
    const j = await app.journal.read();
    expect(readRequestSection(j)!.agreement?.policySha256).toMatch(/^[0-9a-f]{64}$/);
    // The earlier (issued) request moved to the history, not lost.
    expect(((j as Record<string, unknown>).requestHistory as { state: string }[]).some((r) => r.state === 'issued')).toBe(true);
  });

  it('an unreachable CA is reported as such', async () => {
    const port = await closedPort();
    const e = await expectCode(startAs(app, 'Alan Turing', { estUrl: `https://127.0.0.1:${port}` }), 'ISSUER_UNREACHABLE');
    expect(e.message).toContain(`127.0.0.1:${port}`);
    expect(readRequestSection(await app.journal.read())!.error?.code).toBe('ISSUER_UNREACHABLE');
  });

  it('cancel stops waiting and keeps the request; resume waits again with the same key', async () => {
    const started = await startAs(app, 'Emmy Noether');
    const cancelled = await app.request.cancel();
    expect(cancelled).toMatchObject({ state: 'cancelled', polling: false, requestId: started.requestId });
    const again = await app.request.resume({});
    expect(again).toMatchObject({ state: 'waiting', requestId: started.requestId, credentialId: started.credentialId, publicKeyFingerprint: started.publicKeyFingerprint });
    await app.request.cancel();
  });

  it('after a restart a waiting request is polled again with the same key and issued', async () => {
    const started = await startAs(app, 'Lise Meitner');
    await app.close();
    app = world.open();
    const resumed = await requestHandlers(app.request).requestStatus({});
    expect(resumed).toMatchObject({ state: 'waiting', polling: true, credentialId: started.credentialId });
    await (await app.sandbox.ca()).approve(started.requestId!);
    const done = await until(async () => {
      const s = await app.request.status();
      return s?.state === 'issued' ? s : undefined;
    }, 'the certificate after restart');
    const leaf = new X509Certificate(readFileSync(path.join(world.dataDir, 'credentials', started.credentialId, 'cert.pem'), 'utf8'));
    const csr = readCsr(readFileSync(path.join(world.dataDir, 'credentials', started.credentialId, 'csr.pem'), 'utf8'));
    expect(leaf.publicKey.export({ type: 'spki', format: 'der' }).equals(csr.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
    expect(done.publicKeyFingerprint).toBe(started.publicKeyFingerprint);
  });

  it('with no keychain the key passphrase is typed: a weak one is refused; after a restart it is asked again to keep the certificate', async () => {
    await app.close();
    app = world.open({ keychain: new NoKeychain() });
    const p = await app.request.preview({ name: 'Marie Curie', email: 'marie@example.edu' });
    expect(p.keyProtection).toMatchObject({ mode: 'typed', chosenInProtect: false });
    expect(p.keyProtection.reason).toContain('D-Bus');
    const weak = await expectCode(startAs(app, 'Marie Curie', { keyPassphrase: 'marie123' }), 'INVALID_INPUT');
    expect(weak.message).toContain('key passphrase');
    const pass = 'radium polonium glass lab';
    const started = await startAs(app, 'Marie Curie', { keyPassphrase: pass });
    expect(started.keyProtection).toBe('typed');
    await app.close();
    app = world.open({ keychain: new NoKeychain() });
    await app.request.status();
    await (await app.sandbox.ca()).approve(started.requestId!);
    const needs = await until(async () => {
      const s = await app.request.status();
      return s?.state === 'needs-passphrase' ? s : undefined;
    }, 'the passphrase question');
    expect(needs.certificate?.subject).toBe(started.subject);
    await expectCode(app.request.resume({ keyPassphrase: 'wrong words here again' }), 'KEY_PASSPHRASE_WRONG');
    const done = await app.request.resume({ keyPassphrase: pass });
    expect(done.state).toBe('issued');
  });

  it('the Protect step’s choice is followed (ask → typed)', async () => {
    await app.journal.update((j) => {
      (j as Record<string, unknown>).protect = { mode: 'ask', chosenAt: new Date().toISOString() };
    });
    const fresh = world.open();
    expect((await fresh.request.preview({ name: '', email: '' })).keyProtection).toEqual({ mode: 'typed', chosenInProtect: true });
    await fresh.request.dispose();
    await app.journal.update((j) => {
      delete (j as Record<string, unknown>).protect;
    });
  });
});
