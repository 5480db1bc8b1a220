import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import https from 'node:https';
import { randomUUID, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TestPki, type TestCa } from '../../helpers/registration-pki';
import {
  iamCreateRegistration,
  iamRegistrationStatus,
  iamVerificationToken,
  iamVerifyRegistration,
  iamWaitForApproval,
  type IamEndpoint,
} from '../../../electron/services/registration/iam-connector';
import { OnboardError } from '../../../shared/errors';

/**
 * A small IAM-shaped server (the endpoints and answers of indigo-iam's RegistrationApiController)
 * on 127.0.0.1 over HTTPS, to test the IAM connector against real HTTP.
 */
interface Req { uuid: string; status: string; username: string; email: string; givenname: string; familyname: string; notes: string; token: string }
const requests: Req[] = [];
const ADMIN = randomBytes(16).toString('hex');
let server: https.Server;
let base: string;
const pki = new TestPki();
let ca: TestCa;

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

function json(res: ServerResponse, status: number, v: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(v));
}

async function iam(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? '/', 'https://x');
  const admin = req.headers.authorization === `Bearer ${ADMIN}`;
  if (req.method === 'POST' && url.pathname === '/registration/create') {
    if (!String(req.headers['content-type']).startsWith('application/json')) return json(res, 415, { error: 'Unsupported media type' });
    const r = JSON.parse(await body(req)) as Partial<Req>;
    if (!r.givenname || !r.familyname || !r.email || !r.username) return json(res, 400, { error: 'Invalid registration request: missing fields' });
    if (requests.some((x) => x.username === r.username)) return json(res, 400, { error: `Username ${r.username} already taken` });
    const created: Req = {
      givenname: r.givenname, familyname: r.familyname, email: r.email, username: r.username, notes: r.notes ?? '',
      uuid: randomUUID(), status: 'NEW', token: randomBytes(18).toString('base64url'),
    };
    requests.push(created);
    return json(res, 200, { uuid: created.uuid, status: created.status, username: created.username, email: created.email, givenname: created.givenname, familyname: created.familyname });
  }
  const verifyPage = /^\/registration\/verify\/([A-Za-z0-9_-]+)$/.exec(url.pathname);
  if (req.method === 'GET' && verifyPage) {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    return res.end(`<form method="post" action="/registration/verify"><input type="hidden" name="token" value="${verifyPage[1]}"><button>Confirm</button></form>`);
  }
  if (req.method === 'POST' && url.pathname === '/registration/verify') {
    const token = new URLSearchParams(await body(req)).get('token');
    const r = requests.find((x) => x.token === token && x.status === 'NEW');
    res.writeHead(200, { 'Content-Type': 'text/html' });
    if (!r) return res.end('<div class="verificationFailure">Activation failed: No registration request found for registration_key</div>');
    r.status = 'CONFIRMED';
    return res.end('<div>Your request has been confirmed.</div>');
  }
  const decide = /^\/registration\/(approve|reject)\/([0-9a-f-]+)$/.exec(url.pathname);
  if (req.method === 'POST' && decide) {
    if (!admin) return json(res, 403, { error: 'Access is denied' });
    const r = requests.find((x) => x.uuid === decide[2]);
    if (!r) return json(res, 404, { error: 'not found' });
    r.status = decide[1] === 'approve' ? 'APPROVED' : 'REJECTED';
    return json(res, 200, { uuid: r.uuid, status: r.status });
  }
  if (req.method === 'GET' && url.pathname === '/registration/list') {
    if (!admin) return json(res, 401, { error: 'unauthorized', error_description: 'Full authentication is required to access this resource' });
    return json(res, 200, requests.map((r) => ({ uuid: r.uuid, status: r.status, username: r.username })));
  }
  json(res, 404, { error: 'Not found' });
}

async function caught(p: Promise<unknown>): Promise<OnboardError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof OnboardError) return e;
    throw e;
  }
  throw new Error('expected an OnboardError');
}

const approve = (uuid: string, decision = 'approve') =>
  new Promise<number>((resolve, reject) => {
    const r = https.request(`${base}/registration/${decision}/${uuid}`, { method: 'POST', ca: ca.certPem, headers: { Authorization: `Bearer ${ADMIN}` } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    r.on('error', reject);
    r.end();
  });

beforeAll(async () => {
  ca = await pki.ca('/CN=IAM Test CA');
  const cert = await pki.issue(ca, '/CN=127.0.0.1', 'server');
  server = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => void iam(req, res).catch(() => json(res, 500, { error: 'boom' })));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  pki.cleanup();
});

const endpoint = (): IamEndpoint => ({ baseUrl: base, trustedCaPems: [ca.certPem] });
const input = { givenname: 'Jane', familyname: 'Doe', email: 'jane@example.org', username: 'jdoe', notes: 'Analysis for the sandbox experiment' };

describe('IAM connector against an IAM-shaped server', () => {
  it('creates, verifies by link, and follows the request to APPROVED', async () => {
    const created = await iamCreateRegistration(endpoint(), input);
    expect(created).toMatchObject({ status: 'NEW', username: 'jdoe' });
    const token = requests.find((r) => r.uuid === created.uuid)!.token;
    await iamVerifyRegistration(endpoint(), `${base}/registration/verify/${token}`);
    expect(await iamRegistrationStatus(endpoint(), created.uuid, ADMIN)).toBe('CONFIRMED');
    const seen: string[] = [];
    const waiting = iamWaitForApproval(endpoint(), created.uuid, ADMIN, { intervalMs: 20, maxAttempts: 500, onProgress: (p) => seen.push(p.status) });
    await new Promise((r) => setTimeout(r, 60));
    expect(await approve(created.uuid)).toBe(200);
    await waiting;
    expect(seen[0]).toBe('CONFIRMED');
    expect(seen.at(-1)).toBe('APPROVED');
  });

  it('reports a used verification token, a refused create, a rejection and a missing scope as typed errors', async () => {
    const token = requests[0].token;
    expect((await caught(iamVerifyRegistration(endpoint(), token))).code).toBe('REGISTRATION_CONFIRMATION_FAILED');
    const taken = await caught(iamCreateRegistration(endpoint(), input));
    expect(taken.code).toBe('REGISTRATION_IAM_REFUSED');
    expect(taken.message).toContain('Username jdoe already taken');
    const other = await iamCreateRegistration(endpoint(), { ...input, username: 'jdoe2' });
    expect(await approve(other.uuid, 'reject')).toBe(200);
    expect((await caught(iamWaitForApproval(endpoint(), other.uuid, ADMIN, { intervalMs: 10, maxAttempts: 3 }))).code).toBe('REGISTRATION_REJECTED');
    expect((await caught(iamRegistrationStatus(endpoint(), other.uuid, 'not-a-token'))).code).toBe('REGISTRATION_SERVER_ERROR');
  });

  it('names bad fields before sending and accepts only links to this IAM', async () => {
    const count = requests.length;
    const e = await caught(iamCreateRegistration(endpoint(), { ...input, username: 'Bad Name' }));
    expect(e.details?.field).toBe('username');
    expect((await caught(iamCreateRegistration(endpoint(), { ...input, notes: ' ' }))).details?.field).toBe('notes');
    expect(requests.length).toBe(count);
    expect(() => iamVerificationToken(endpoint(), 'https://evil.example/registration/verify/abcdefgh12')).toThrow(OnboardError);
    expect(iamVerificationToken(endpoint(), `${base}/registration/verify/abcdefgh12`)).toBe('abcdefgh12');
  });

  it('does not trust an IAM whose certificate is from an unknown CA', async () => {
    const e = await caught(iamCreateRegistration({ baseUrl: base }, { ...input, username: 'jdoe3' }));
    expect(e.code).toBe('REGISTRATION_SERVER_UNTRUSTED');
  });
});
