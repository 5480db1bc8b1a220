import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import https from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Journal } from '../../../electron/services/journal/journal';
import { VoService } from '../../../electron/services/vo/vo-service';
import { KeyProtection } from '../../../electron/services/request/key-protection';
import { SessionSecretStore } from '../../../electron/services/keychain/session-store';
import { RegisterService, registerHandlers } from '../../../electron/services/register';
import { createDispatcher, type Handlers } from '../../../electron/services/dispatch';
import type { RegisterView } from '../../../shared/contract/register';
import { TestPki, type TestCa } from '../../helpers/registration-pki';

/**
 * The Register step with an IAM VO, against a small IAM-shaped HTTPS server on 127.0.0.1 (the
 * endpoints of indigo-iam's RegistrationApiController: create, the e-mailed verify page and its
 * form post). IAM needs no certificate: the step works before the Request step is done.
 */
interface Req { uuid: string; status: string; username: string; email: string; notes: string; token: string }
const requests: Req[] = [];
const pki = new TestPki();
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'osg-register-iam-'));
let ca: TestCa;
let server: https.Server;
let base: string;

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

async function iam(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://x');
  const json = (status: number, v: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(v));
  };
  if (req.method === 'POST' && url.pathname === '/registration/create') {
    const r = JSON.parse(await body(req)) as Partial<Req> & { givenname?: string };
    if (!r.givenname || !r.email || !r.username) return json(400, { error: 'Invalid registration request: missing fields' });
    if (requests.some((x) => x.username === r.username)) return json(400, { error: `Username ${r.username} already taken` });
    const created = { uuid: randomUUID(), status: 'NEW', username: r.username, email: r.email, notes: r.notes ?? '', token: randomBytes(18).toString('base64url') };
    requests.push(created);
    return json(200, { uuid: created.uuid, status: created.status, username: created.username, email: created.email });
  }
  const page = /^\/registration\/verify\/([A-Za-z0-9_-]+)$/.exec(url.pathname);
  if (req.method === 'GET' && page) {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    return void res.end(`<form method="post" action="/registration/verify"><input type="hidden" name="token" value="${page[1]}"></form>`);
  }
  if (req.method === 'POST' && url.pathname === '/registration/verify') {
    const token = new URLSearchParams(await body(req)).get('token');
    const r = requests.find((x) => x.token === token && x.status === 'NEW');
    res.writeHead(200, { 'Content-Type': 'text/html' });
    if (!r) return void res.end('<div id="verificationFailure">Activation failed</div>');
    r.status = 'CONFIRMED';
    return void res.end('<p>Your e-mail is confirmed.</p>');
  }
  json(404, { error: 'not found' });
}

beforeAll(async () => {
  ca = await pki.ca('/DC=org/DC=iam-test/CN=IAM Test CA');
  const cert = await pki.issue(ca, '/DC=org/DC=iam-test/CN=127.0.0.1', 'server');
  server = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => void iam(req, res).catch(() => res.destroy()));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((r) => server?.close(() => r()));
  pki.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('Register with an IAM VO', () => {
  it('registers without a certificate, confirms the e-mail with the pasted link, then says the decision comes by e-mail', async () => {
    const journal = new Journal(dataDir);
    const vo = new VoService({ environment: 'production', journal, now: () => new Date() });
    const keys = new KeyProtection({ dataDir, journal, keychain: () => new SessionSecretStore() });
    const service = new RegisterService({ context: { dataDir, homeDir: dataDir, now: () => new Date(), emit: () => {}, shell: 'browser' }, journal, vo, sandbox: null, keys, trustedCaPems: async () => [ca.certPem] });
    const dispatch = createDispatcher(registerHandlers(service) as unknown as Handlers);
    const call = async (name: string, input: unknown = {}) => {
      const r = await dispatch(name, input);
      if (!r.ok) throw Object.assign(new Error(r.error.message), { wire: r.error });
      return r.value as RegisterView;
    };
    await vo.addCustom({ name: 'iamvo', registrationKind: 'iam', registrationUrl: `${base}/` });
    await vo.choose('iamvo');

    const form = await call('registerStatus');
    expect(form).toMatchObject({ stage: 'form', vo: { kind: 'iam' } });
    expect(form.form?.needsUsername).toBe(true);
    expect(form.certificate).toBeUndefined();

    // IAM's own rules come back naming the field.
    const bad = await dispatch('registerSubmit', { name: 'Jane', surname: 'Doe', emailAddress: 'jane@example.org', username: 'Jane Doe', userMessage: 'analysis', aupAccepted: true });
    expect(bad.ok ? null : bad.error).toMatchObject({ code: 'REGISTRATION_FIELD_INVALID', details: { field: 'username' } });

    const sent = await call('registerSubmit', { name: 'Jane', surname: 'Doe', emailAddress: 'jane@example.org', username: 'jdoe', userMessage: 'analysis', institution: 'Univ', aupAccepted: true });
    expect(sent).toMatchObject({ stage: 'confirmation-needed', emailAddress: 'jane@example.org', requestId: requests[0].uuid });
    expect(requests[0]).toMatchObject({ username: 'jdoe', email: 'jane@example.org', notes: 'analysis', status: 'NEW' });

    const wrong = await dispatch('registerConfirm', { link: `https://elsewhere.example.org/registration/verify/${requests[0].token}` });
    expect(wrong.ok ? null : wrong.error.code).toBe('REGISTRATION_CONFIRMATION_LINK_INVALID');
    const waiting = await call('registerConfirm', { link: `${base}/registration/verify/${requests[0].token}` });
    expect(waiting).toMatchObject({ stage: 'pending-approval', decisionByEmail: true, polling: false });
    expect(requests[0].status).toBe('CONFIRMED');
    expect((await journal.read()).steps.register).toMatchObject({ status: 'in-progress', summary: 'waiting for the VO administrator' });
    // A used token is refused by IAM and the step says so.
    const again = await dispatch('registerConfirm', { link: requests[0].token });
    expect(again.ok ? null : again.error.code).toBe('REGISTRATION_CONFIRMATION_FAILED');
  });
});
