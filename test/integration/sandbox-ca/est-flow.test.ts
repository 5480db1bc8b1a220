import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSandboxCa, type SandboxCa } from '../../../electron/sandbox/ca';
import { enroll, getCaCerts, pollUntilIssued, type EstEndpoint } from '../../../electron/services/issuer';
import { OnboardError } from '../../../shared/errors';
import { cli, opensslCsr, run } from './helpers';

let dir: string;
let ca: SandboxCa;
let endpoint: EstEndpoint;
let code: { basic: { username: string; password: string } };

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'osg-sandbox-ca-'));
  ca = await startSandboxCa({ dir: path.join(dir, 'ca'), port: 0, retryAfterSeconds: 1 });
  endpoint = { url: ca.estUrl, ca: [ca.caCertPem] };
  code = { basic: { username: 'jane@example.org', password: ca.enrolmentCode } };
  writeFileSync(path.join(dir, 'ca.pem'), ca.caCertPem);
});
afterAll(async () => {
  await ca?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function x509(certPem: string, ...args: string[]): Promise<string> {
  const f = path.join(dir, `cert-${Math.random().toString(16).slice(2)}.pem`);
  writeFileSync(f, certPem);
  const r = await run('openssl', ['x509', '-in', f, '-noout', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
}

describe('sandbox CA over EST, with the EST client connector', () => {
  it('keeps its CA key 0600 in the folder and hands out the CA over /cacerts', async () => {
    expect(statSync(path.join(dir, 'ca', 'ca-key.pem')).mode & 0o777).toBe(0o600);
    const certs = await getCaCerts(endpoint);
    expect(certs).toHaveLength(1);
    expect(certs[0].isCa).toBe(true);
    expect(certs[0].fingerprint256).toBe(ca.caFingerprint);
    expect(certs[0].subject).toMatch(/^\/DC=org\/DC=osg-onboard\/DC=sandbox\/CN=OSG Onboard Sandbox CA [0-9A-F]{4}$/);
  });

  it('answers 202 until the sponsor approves from the CLI, then issues a grid user certificate for the CSR key', async () => {
    const csr = await opensslCsr(dir, 'jane', { subject: '/CN=Jane Doe', email: 'jane@example.org' });
    const first = await enroll(endpoint, csr.csrDer, code);
    expect(first.status).toBe('pending');
    if (first.status !== 'pending') return;
    expect(first.retryAfterSeconds).toBe(1);
    expect(first.requestId).toMatch(/^[2-9A-HJKMNP-Z]{6}$/);
    // RFC 7030 §4.2.3: the same CSR again is the same request.
    const again = await enroll(endpoint, csr.csrDer, code);
    expect(again.status === 'pending' && again.requestId).toBe(first.requestId);

    const progress: string[] = [];
    const polled = pollUntilIssued(endpoint, csr.csrDer, code, {
      onProgress: (fraction, text) => {
        expect(fraction).toBeNull();
        progress.push(text);
      },
    });
    const approved = await cli(['sandbox', 'approve', first.requestId!.toLowerCase(), '--dir', path.join(dir, 'ca'), '--json']);
    expect(approved.code, approved.stderr).toBe(0);
    expect(JSON.parse(approved.stdout).status).toBe('approved');
    const issued = await polled;
    expect(issued.requestId).toBe(first.requestId);
    expect(progress[0]).toMatch(new RegExp(`^Waiting for your sponsor… \\(request ${first.requestId}, \\d+ s\\)$`));

    const certPem = issued.certificate.pem;
    expect(issued.certificate.subject).toMatch(/^\/DC=org\/DC=osg-onboard\/DC=sandbox\/O=OSG Onboard Sandbox\/CN=Jane Doe S\d{6}$/);
    expect(await x509(certPem, '-issuer', '-nameopt', 'compat')).toBe(`issuer=${ca.caSubject}`);
    const certFile = path.join(dir, 'jane-cert.pem');
    writeFileSync(certFile, certPem);
    const verify = await run('openssl', ['verify', '-CAfile', path.join(dir, 'ca.pem'), '-purpose', 'sslclient', certFile]);
    expect(verify.stdout.trim()).toBe(`${certFile}: OK`);
    const smime = await run('openssl', ['verify', '-CAfile', path.join(dir, 'ca.pem'), '-purpose', 'smimesign', certFile]);
    expect(smime.code, smime.stderr).toBe(0);
    const certKey = await x509(certPem, '-pubkey');
    const csrKey = (await run('openssl', ['req', '-in', csr.csrFile, '-inform', 'DER', '-noout', '-pubkey'])).stdout.trim();
    expect(certKey).toBe(csrKey);

    const text = await x509(certPem, '-text');
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment/);
    expect(text).toMatch(/X509v3 Extended Key Usage:\s+TLS Web Client Authentication, E-mail Protection/);
    expect(text).toMatch(/CA:FALSE/);
    expect(text).toContain(`URI:${ca.crlUrl}`);
    expect(text).toContain('email:jane@example.org');
    expect(text).toContain('Signature Algorithm: sha256WithRSAEncryption');
    const serial = (await x509(certPem, '-serial')).replace('serial=', '');
    expect(serial).toMatch(/^[4-7][0-9A-F]{31}$/);
    const days = (Date.parse(issued.certificate.notAfter) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(364);
    expect(days).toBeLessThanOrEqual(365.01);
  });

  it('issues a certificate Globus accepts (grid-proxy-init -verify with a signing_policy)', async () => {
    const csr = await opensslCsr(dir, 'globus', { subject: '/CN=Grid User', email: 'grid@example.org' });
    ca.setAutoApprove(true);
    const issued = await enroll(endpoint, csr.csrDer, code);
    ca.setAutoApprove(false);
    expect(issued.status).toBe('issued');
    if (issued.status !== 'issued') return;
    const trust = path.join(dir, 'certificates');
    const hash = (await x509(ca.caCertPem, '-subject_hash')).trim();
    await run('mkdir', ['-p', trust]);
    writeFileSync(path.join(trust, `${hash}.0`), ca.caCertPem);
    writeFileSync(
      path.join(trust, `${hash}.signing_policy`),
      `access_id_CA X509 '${ca.caSubject}'\npos_rights globus CA:sign\ncond_subjects globus '"/DC=org/DC=osg-onboard/DC=sandbox/*"'\n`,
    );
    const certFile = path.join(dir, 'globus-cert.pem');
    writeFileSync(certFile, issued.certificate.pem);
    const r = await run('grid-proxy-init', ['-cert', certFile, '-key', csr.keyFile, '-out', path.join(dir, 'x509up'), '-verify', '-hours', '1'], {
      env: { ...process.env, X509_CERT_DIR: trust },
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('Proxy Verify OK');
  });

  it('lets the sponsor approve from the sponsor page (browser-like form POST), and refuses forged posts', async () => {
    const csr = await opensslCsr(dir, 'page', { subject: '/CN=Page User', email: 'page@example.org' });
    const pending = await enroll(endpoint, csr.csrDer, code);
    expect(pending.status).toBe('pending');
    const id = pending.requestId!;
    const origin = new URL(ca.sponsorUrl).origin;
    const get = await run('curl', ['-s', '--cacert', path.join(dir, 'ca.pem'), ca.sponsorUrl]);
    expect(get.stdout).toContain(`Approve ${id}`);
    const csrf = /name="csrf" value="([^"]+)"/.exec(get.stdout)![1];
    const action = new URL(/action="(\/sponsor\/decide[^"]+)"/.exec(get.stdout)![1].replace(/&amp;/g, '&'), origin).href;
    const post = (fields: string, headers: string[]) =>
      run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code} %{redirect_url}', '--cacert', path.join(dir, 'ca.pem'), ...headers.flatMap((h) => ['-H', h]), '--data', fields, action]);

    expect((await post(`csrf=wrong&id=${id}&action=approve`, [`Origin: ${origin}`])).stdout).toMatch(/^403/);
    expect((await post(`csrf=${csrf}&id=${id}&action=approve`, ['Origin: https://evil.example'])).stdout).toMatch(/^403/);
    expect((await post(`csrf=${csrf}&id=${id}&action=approve`, ['Sec-Fetch-Site: cross-site'])).stdout).toMatch(/^403/);
    const badToken = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--cacert', path.join(dir, 'ca.pem'), `${origin}/sponsor?token=nope`]);
    expect(badToken.stdout).toBe('403');
    expect((await ca.list()).find((r) => r.id === id)?.status).toBe('pending');

    const ok = await post(`csrf=${csrf}&id=${id}&action=approve`, [`Origin: ${origin}`]);
    expect(ok.stdout).toMatch(/^303 /);
    const issued = await enroll(endpoint, csr.csrDer, code);
    expect(issued.status).toBe('issued');
    const after = await run('curl', ['-s', '--cacert', path.join(dir, 'ca.pem'), ca.sponsorUrl]);
    expect(after.stdout).toMatch(new RegExp(`${id}[\\s\\S]*issued \\(serial`));

    // The help-desk auto-approve switch on the same page.
    const settings = new URL(/action="(\/sponsor\/settings[^"]+)"/.exec(after.stdout)![1].replace(/&amp;/g, '&'), origin).href;
    const toggle = (value: string) =>
      run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--cacert', path.join(dir, 'ca.pem'), '-H', `Origin: ${origin}`, '--data', `csrf=${csrf}&autoApprove=${value}`, settings]);
    expect((await toggle('on')).stdout).toBe('303');
    const quick = await opensslCsr(dir, 'quick', { subject: '/CN=Quick Person' });
    expect((await enroll(endpoint, quick.csrDer, code)).status).toBe('issued');
    expect((await toggle('off')).stdout).toBe('303');
    const slow = await opensslCsr(dir, 'slow', { subject: '/CN=Slow Person' });
    expect((await enroll(endpoint, slow.csrDer, code)).status).toBe('pending');
  });

  it('a rejected request is a typed rejection carrying the sponsor’s reason, and stays rejected', async () => {
    const csr = await opensslCsr(dir, 'rej', { subject: '/CN=Rejected Person', email: 'rej@example.org' });
    const pending = await enroll(endpoint, csr.csrDer, code);
    const r = await cli(['sandbox', 'reject', pending.requestId!, '--reason', 'Not in our \u001b[31mgroup', '--dir', path.join(dir, 'ca')]);
    expect(r.code, r.stderr).toBe(0);
    const err = await pollUntilIssued(endpoint, csr.csrDer, code).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OnboardError);
    expect((err as OnboardError).code).toBe('ISSUER_REQUEST_REJECTED');
    expect((err as OnboardError).message).toBe(`Your sponsor rejected your certificate request ${pending.requestId}. The CA said: “Not in our [31mgroup”.`);
    const twice = await cli(['sandbox', 'approve', pending.requestId!, '--dir', path.join(dir, 'ca'), '--json']);
    expect(twice.code).toBe(1);
    expect(JSON.parse(twice.stdout).error.code).toBe('SANDBOX_REQUEST_DECIDED');
  });

  it('renews with simplereenroll authenticated by the current certificate (same subject, new key)', async () => {
    const old = await opensslCsr(dir, 'renew-old', { subject: '/CN=Renee Wal', email: 'renee@example.org' });
    ca.setAutoApprove(true);
    const first = await enroll(endpoint, old.csrDer, code);
    ca.setAutoApprove(false);
    if (first.status !== 'issued') throw new Error('not issued');
    const fresh = await opensslCsr(dir, 'renew-new', { subject: '/CN=Renee Wal', email: 'renee@example.org' });
    const clientCert = { certPem: first.certificate.pem, key: readFileSync(old.keyFile, 'utf8') };
    const renewed = await enroll(endpoint, fresh.csrDer, { clientCert }, { reenroll: true });
    expect(renewed.status).toBe('issued');
    if (renewed.status !== 'issued') return;
    expect(renewed.certificate.subject).toBe(first.certificate.subject);
    expect(renewed.certificate.serial).not.toBe(first.certificate.serial);
    const noCert = await enroll(endpoint, fresh.csrDer, code, { reenroll: true }).catch((e: unknown) => e);
    expect((noCert as OnboardError).code).toBe('ISSUER_NOT_AUTHENTICATED');
    expect((noCert as OnboardError).message).toContain('Renewal needs your current certificate');
  });

  it('speaks RFC 7030 on the wire: curl POSTs base64 application/pkcs10 and reads the PKCS#7 answer', async () => {
    const csr = await opensslCsr(dir, 'curl', { subject: '/CN=Curl User', email: 'curl@example.org' });
    const curl = (extra: string[]) =>
      run('curl', ['-s', '-i', '--cacert', path.join(dir, 'ca.pem'), '-u', `curl:${ca.enrolmentCode}`, '--data-binary', `@${csr.b64File}`, '-H', 'Content-Type: application/pkcs10', ...extra, `${ca.estUrl}/simpleenroll`]);
    const pending = await curl([]);
    expect(pending.stdout).toMatch(/^HTTP\/1\.1 202 Accepted/);
    expect(pending.stdout).toMatch(/\r\nRetry-After: 1\r\n/i);
    const id = /x-est-request-id: (\w+)/i.exec(pending.stdout)![1];
    await ca.approve(id);
    const p7 = path.join(dir, 'curl.p7.b64');
    const done = await run('curl', ['-s', '-D', path.join(dir, 'curl.headers'), '-o', p7, '--cacert', path.join(dir, 'ca.pem'), '-u', `curl:${ca.enrolmentCode}`, '--data-binary', `@${csr.b64File}`, '-H', 'Content-Type: application/pkcs10', `${ca.estUrl}/simpleenroll`]);
    expect(done.code).toBe(0);
    const headers = readFileSync(path.join(dir, 'curl.headers'), 'utf8');
    expect(headers).toMatch(/^HTTP\/1\.1 200/);
    expect(headers).toMatch(/content-type: application\/pkcs7-mime; smime-type=certs-only/i);
    expect(headers).toMatch(/content-transfer-encoding: base64/i);
    const der = path.join(dir, 'curl.p7.der');
    expect((await run('openssl', ['base64', '-d', '-in', p7, '-out', der])).code).toBe(0);
    const printed = await run('openssl', ['pkcs7', '-inform', 'DER', '-in', der, '-print_certs', '-noout']);
    expect(printed.stdout).toContain('subject=DC = org, DC = osg-onboard, DC = sandbox, O = OSG Onboard Sandbox, CN = Curl User S');
    const cacerts = await run('curl', ['-s', '--cacert', path.join(dir, 'ca.pem'), `${ca.estUrl}/cacerts`]);
    expect(Buffer.from(cacerts.stdout, 'base64').length).toBeGreaterThan(500);
  });

  it('serves a real CRL at the distribution point, signed by the CA', async () => {
    const crl = path.join(dir, 'crl.der');
    const r = await run('curl', ['-s', '-f', '-o', crl, '--cacert', path.join(dir, 'ca.pem'), ca.crlUrl]);
    expect(r.code, r.stderr).toBe(0);
    const text = await run('openssl', ['crl', '-inform', 'DER', '-in', crl, '-noout', '-text']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('Version 2 (0x1)');
    expect(text.stdout).toContain('X509v3 CRL Number');
    expect(text.stdout).toContain('No Revoked Certificates.');
    const verified = await run('openssl', ['crl', '-inform', 'DER', '-in', crl, '-CAfile', path.join(dir, 'ca.pem'), '-noout']);
    expect(verified.code).toBe(0);
    expect(verified.stderr.trim()).toBe('verify OK');
    const other = path.join(dir, 'other-ca.pem');
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'other-key.pem'), '-subj', '/CN=Other', '-days', '1', '-out', other]);
    const wrong = await run('openssl', ['crl', '-inform', 'DER', '-in', crl, '-CAfile', other, '-noout']);
    expect(wrong.stderr).not.toContain('verify OK');
  });
});
