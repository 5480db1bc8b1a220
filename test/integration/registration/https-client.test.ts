import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import https from 'node:https';
import { createPrivateKey } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { TestPki, type TestCa, type TestCert } from '../../helpers/registration-pki';
import { httpsRequest } from '../../../electron/services/registration/https-client';
import { OnboardError } from '../../../shared/errors';

/**
 * The transport against servers that refuse at TLS level (as a strict VO server may), over
 * TLS 1.3 and 1.2: each refusal becomes the typed error the UI explains.
 */
const pki = new TestPki();
let ca: TestCa;
let otherCa: TestCa;
let server: TestCert;
let good: TestCert;
let stranger: TestCert;
const servers: https.Server[] = [];

async function strict(maxVersion: 'TLSv1.3' | 'TLSv1.2'): Promise<string> {
  const s = https.createServer({ cert: server.certPem, key: server.keyPem, ca: [ca.certPem], requestCert: true, rejectUnauthorized: true, maxVersion }, (_q, r) => r.end('ok'));
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `https://127.0.0.1:${(s.address() as AddressInfo).port}/`;
}

async function code(p: Promise<unknown>): Promise<OnboardError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof OnboardError) return e;
    throw e;
  }
  throw new Error('expected an OnboardError');
}

beforeAll(async () => {
  ca = await pki.ca('/CN=Strict CA');
  otherCa = await pki.ca('/CN=Other CA');
  [server, good, stranger] = await Promise.all([
    pki.issue(ca, '/CN=127.0.0.1', 'server'),
    pki.issue(ca, '/CN=Good User', 'client'),
    pki.issue(otherCa, '/CN=Stranger', 'client'),
  ]);
});
afterAll(() => {
  for (const s of servers) s.close();
  pki.cleanup();
});

describe('httpsRequest with a client certificate', () => {
  it.each(['TLSv1.3', 'TLSv1.2'] as const)('%s: no certificate → REGISTRATION_NO_CLIENT_CERT; a good one passes; a stranger is refused', async (v) => {
    const url = await strict(v);
    expect((await code(httpsRequest({ url, trustedCaPems: [ca.certPem] }))).code).toBe('REGISTRATION_NO_CLIENT_CERT');
    const ok = await httpsRequest({ url, trustedCaPems: [ca.certPem], credential: { key: createPrivateKey(good.keyPem), certPem: good.certPem } });
    expect(ok.body).toBe('ok');
    const refused = await code(httpsRequest({ url, trustedCaPems: [ca.certPem], credential: { key: stranger.keyPem, certPem: stranger.certPem } }));
    expect(['REGISTRATION_CERT_UNTRUSTED', 'REGISTRATION_UNREACHABLE']).toContain(refused.code);
    if (refused.code === 'REGISTRATION_UNREACHABLE') expect(refused.message).toContain('may not accept the authority');
  });

  it('refuses a key that does not belong to the certificate before connecting', async () => {
    const e = await code(httpsRequest({ url: 'https://127.0.0.1:1/', credential: { key: stranger.keyPem, certPem: good.certPem } }));
    expect(e.code).toBe('REGISTRATION_CREDENTIAL_INVALID');
  });

  it('does not trust a server outside the given CAs', async () => {
    const url = await strict('TLSv1.3');
    expect((await code(httpsRequest({ url, trustedCaPems: [otherCa.certPem] }))).code).toBe('REGISTRATION_SERVER_UNTRUSTED');
    expect((await code(httpsRequest({ url: url.replace('https', 'http') }))).code).toBe('REGISTRATION_UNREACHABLE');
  });
});
