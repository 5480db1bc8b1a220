import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { startSandboxCa, type SandboxCa } from '../../../electron/sandbox/ca';
import { enroll, getCaCerts, pollUntilIssued, type EstAuth, type EstEndpoint } from '../../../electron/services/issuer';
import { OnboardError, type ErrorCode } from '../../../shared/errors';
import { closedPort, opensslCsr, run } from './helpers';

let dir: string;
let ca: SandboxCa;
let endpoint: EstEndpoint;
let code: EstAuth;
let otherCaPem: string;
/** A foreign "EST server" (TLS cert from the sandbox CA) whose answers each test sets. */
let foreign: https.Server;
let foreignUrl: string;
let answer: (res: import('node:http').ServerResponse) => void = (res) => res.end();

async function failure(p: Promise<unknown>): Promise<OnboardError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(OnboardError);
  return e as OnboardError;
}
async function expectCode(p: Promise<unknown>, code: ErrorCode): Promise<OnboardError> {
  const e = await failure(p);
  expect(e.code, e.message).toBe(code);
  return e;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'osg-sandbox-err-'));
  ca = await startSandboxCa({ dir: path.join(dir, 'ca'), port: 0, retryAfterSeconds: 1 });
  endpoint = { url: ca.estUrl, ca: [ca.caCertPem] };
  code = { basic: { password: ca.enrolmentCode } };
  const other = await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'other.key'), '-subj', '/CN=Some Other CA', '-days', '2', '-out', path.join(dir, 'other.pem')]);
  expect(other.code).toBe(0);
  otherCaPem = readFileSync(path.join(dir, 'other.pem'), 'utf8');
  foreign = https.createServer(
    { key: readFileSync(path.join(dir, 'ca', 'server-key.pem')), cert: readFileSync(path.join(dir, 'ca', 'server-cert.pem')) },
    (req, res) => {
      req.resume();
      req.on('end', () => answer(res));
    },
  );
  await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
  foreignUrl = `https://localhost:${(foreign.address() as AddressInfo).port}/.well-known/est/arbitrary-label`;
});
afterAll(async () => {
  await ca?.close();
  foreign?.closeAllConnections();
  await new Promise((resolve) => foreign?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('EST client errors, each typed with words a scientist can act on', () => {
  it('wrong enrolment code → 401 → “the enrolment code is wrong”; none → asks for one', async () => {
    const csr = await opensslCsr(dir, 'code', { subject: '/CN=Code Tester' });
    const e = await expectCode(enroll(endpoint, csr.csrDer, { basic: { username: 'x', password: 'WRONG-CODE' } }), 'ISSUER_BAD_ENROLMENT_CODE');
    expect(e.message).toContain('the enrolment code is wrong');
    await expectCode(enroll(endpoint, csr.csrDer, {}), 'ISSUER_ENROLMENT_CODE_REQUIRED');
    expect(await ca.list()).toHaveLength(0);
  });

  it('CA unreachable (closed port) → ISSUER_UNREACHABLE', async () => {
    const port = await closedPort();
    const csr = await opensslCsr(dir, 'down', { subject: '/CN=Down Tester' });
    const e = await expectCode(enroll({ url: `https://127.0.0.1:${port}`, ca: [ca.caCertPem] }, csr.csrDer, code), 'ISSUER_UNREACHABLE');
    expect(e.message).toContain('nothing answers on that port');
    await expectCode(getCaCerts({ url: `https://127.0.0.1:${port}/.well-known/est`, ca: [ca.caCertPem] }), 'ISSUER_UNREACHABLE');
  });

  it('CA certificate not trusted (client given another CA, or none) → ISSUER_CA_NOT_TRUSTED, nothing sent', async () => {
    const csr = await opensslCsr(dir, 'mitm', { subject: '/CN=Trust Tester' });
    await expectCode(enroll({ url: ca.estUrl, ca: [otherCaPem] }, csr.csrDer, code), 'ISSUER_CA_NOT_TRUSTED');
    await expectCode(getCaCerts({ url: ca.estUrl, ca: [] }), 'ISSUER_CA_NOT_TRUSTED');
    expect(await ca.list()).toHaveLength(0);
  });

  it('bad requests are refused with the CA’s reason: forged signature, weak key, non-Latin name', async () => {
    const good = await opensslCsr(dir, 'forged', { subject: '/CN=Forged Request' });
    const forged = Buffer.from(good.csrDer);
    forged[forged.length - 5] ^= 0xff;
    const e1 = await expectCode(enroll(endpoint, forged, code), 'ISSUER_REQUEST_INVALID');
    expect(e1.message).toContain('not signed by the key it carries');
    const weak = await opensslCsr(dir, 'weak', { subject: '/CN=Weak Key', keyAlg: ['rsa:1024'] });
    expect((await expectCode(enroll(endpoint, weak.csrDer, code), 'ISSUER_REQUEST_INVALID')).message).toContain('at least 2048');
    const han = await opensslCsr(dir, 'han', { subject: '/CN=李小龍' });
    expect((await expectCode(enroll(endpoint, han.csrDer, code), 'ISSUER_REQUEST_INVALID')).message).toContain('Latin letters');
    const ec = await opensslCsr(dir, 'ec', { subject: '/CN=Elliptic Émile', keyAlg: ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] });
    const pending = await enroll(endpoint, ec.csrDer, code);
    expect(pending.status).toBe('pending');
    expect((await ca.list()).map((r) => r.name)).toEqual(['Elliptic Emile']);
  });

  it('no EST service at the address → ISSUER_NO_EST_SERVICE; a non-https address → ISSUER_INVALID_URL', async () => {
    const base = new URL(ca.estUrl).origin;
    const csr = await opensslCsr(dir, 'lost', { subject: '/CN=Lost Person' });
    await expectCode(enroll({ url: `${base}/somewhere/else/.well-known/est`, ca: [ca.caCertPem] }, csr.csrDer, code), 'ISSUER_NO_EST_SERVICE');
    await expectCode(enroll({ url: `http://127.0.0.1:1/`, ca: [ca.caCertPem] }, csr.csrDer, code), 'ISSUER_INVALID_URL');
  });

  it('cancel (AbortSignal) while waiting for the sponsor → CANCELLED; a time limit → ISSUER_STILL_WAITING', async () => {
    const csr = await opensslCsr(dir, 'wait', { subject: '/CN=Waiting Person' });
    const ac = new AbortController();
    const cancelled = pollUntilIssued(endpoint, csr.csrDer, code, { signal: ac.signal, onProgress: () => ac.abort() });
    await expectCode(cancelled, 'CANCELLED');
    const e = await expectCode(pollUntilIssued(endpoint, csr.csrDer, code, { maxWaitMs: 1500 }), 'ISSUER_STILL_WAITING');
    expect(e.message).toMatch(/^Your certificate request [2-9A-Z]{6} is still waiting for your sponsor after \d+ s\.$/);
  });

  it('another server’s error page is shown briefly: tags and control characters dropped, truncated', async () => {
    const csr = await opensslCsr(dir, 'foreign', { subject: '/CN=Foreign Server' });
    answer = (res) => {
      res.writeHead(503, { 'Content-Type': 'text/html' });
      res.end(`<html><head><style>p{}</style><script>alert(1)</script></head><body><h1>Service \u001b[31mUnavailable\u0007</h1><p>${'maintenance '.repeat(40)}</p></body></html>`);
    };
    const e = await expectCode(enroll({ url: foreignUrl, ca: [ca.caCertPem] }, csr.csrDer, code), 'ISSUER_HTTP_ERROR');
    expect(e.details?.status).toBe(503);
    const detail = String(e.details?.detail);
    expect(detail.startsWith('Service Unavailable maintenance')).toBe(true);
    expect(detail.length).toBeLessThanOrEqual(200);
    expect(detail.endsWith('…')).toBe(true);
    expect(detail).not.toMatch(/[<>\u0000-\u001f]|alert/);
  });

  it('another server’s answers: 202 without Retry-After, PEM-framed PKCS#7, a certificate for another key, garbage', async () => {
    const csr = await opensslCsr(dir, 'any', { subject: '/CN=Any Server' });
    const f = { url: foreignUrl, ca: [ca.caCertPem] };
    answer = (res) => {
      res.writeHead(202);
      res.end();
    };
    const pending = await enroll(f, csr.csrDer, code);
    expect(pending).toMatchObject({ status: 'pending', retryAfterSeconds: 30, requestId: undefined });

    // A CA that signs this very key (openssl x509 -req) and answers as `openssl crl2pkcs7` writes.
    const certFile = path.join(dir, 'any-cert.pem');
    const signed = await run('openssl', ['x509', '-req', '-inform', 'DER', '-in', csr.csrFile, '-CA', path.join(dir, 'other.pem'), '-CAkey', path.join(dir, 'other.key'), '-days', '1', '-out', certFile]);
    expect(signed.code, signed.stderr).toBe(0);
    const p7 = await run('openssl', ['crl2pkcs7', '-nocrl', '-certfile', certFile, '-certfile', path.join(dir, 'other.pem')]);
    answer = (res) => {
      res.writeHead(200, { 'Content-Type': 'application/pkcs7-mime' });
      res.end(p7.stdout);
    };
    const issued = await enroll(f, csr.csrDer, code);
    expect(issued.status).toBe('issued');
    if (issued.status === 'issued') {
      expect(issued.certificate.subject).toBe('/CN=Any Server');
      expect(issued.others.map((c) => c.subject)).toEqual(['/CN=Some Other CA']);
    }
    const someoneElse = await opensslCsr(dir, 'else', { subject: '/CN=Someone Else' });
    const e = await expectCode(enroll(f, someoneElse.csrDer, code), 'ISSUER_CERT_KEY_MISMATCH');
    expect(e.message).toContain('/CN=Any Server');

    answer = (res) => {
      res.writeHead(200, { 'Content-Type': 'application/pkcs7-mime' });
      res.end('this is not base64 at all!');
    };
    await expectCode(enroll(f, csr.csrDer, code), 'ISSUER_BAD_RESPONSE');
    answer = (res) => {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="x"' });
      res.end('no');
    };
    await expectCode(enroll(f, csr.csrDer, code), 'ISSUER_BAD_ENROLMENT_CODE');
  });
});
