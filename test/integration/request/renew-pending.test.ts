// A renewal the CA does not answer at once (RFC 7030 §4.2.3: 202 + Retry-After): the same
// waiting and resume logic as a request. The CA here is a small EST server on 127.0.0.1 (TLS from
// the sandbox CA, client certificates asked for) that answers 202 a few times, then issues; it
// records which client certificate signed in each time. The app is "restarted" while it waits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import https from 'node:https';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import path from 'node:path';
import { ensureServerCert, type CaMaterial } from '../../../electron/sandbox/ca/ca-material';
import { issueUserCertificate } from '../../../electron/sandbox/ca/issue';
import type { SandboxRequest } from '../../../electron/sandbox/ca/request-store';
import { encodeCertsOnly } from '../../../electron/services/issuer/pkcs7';
import { makeWorld, until, type App, type World } from './setup';
import { opensslP12, sandboxUser, type UserMaterial } from './import-fixtures';

const P12_PW = 'Brass compass 31 meadow';
let world: World;
let app: App;
let ada: UserMaterial;
let ca: CaMaterial;
let server: https.Server;
let estUrl: string;
const seen: { path: string; clientSerial: string | null }[] = [];
let pendingAnswers = 3;

beforeAll(async () => {
  world = makeWorld('request-renew-pending');
  mkdirSync(world.home, { recursive: true });
  app = world.open();
  await app.vo.choose('sandbox');
  await world.trustSandbox(app);
  ca = await app.sandbox.material();
  ada = await sandboxUser(app.sandbox, path.join(world.root, 'ada'), 'Ada Lovelace S135790');
  opensslP12(ada, path.join(world.home, 'usercred.p12'), P12_PW);
  const tlsDir = path.join(world.root, 'est-tls');
  mkdirSync(tlsDir);
  const tls = await ensureServerCert(tlsDir, ca);
  server = https.createServer({ key: tls.keyPem, cert: tls.certPem, ca: [ca.certPem], requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const socket = req.socket as TLSSocket;
    const peer = socket.authorized ? socket.getPeerCertificate() : null;
    seen.push({ path: req.url ?? '', clientSerial: peer?.raw ? new X509Certificate(peer.raw).serialNumber.toUpperCase() : null });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url !== '/.well-known/est/simplereenroll' || !peer) {
        res.writeHead(401, { 'content-type': 'text/plain' }).end('Renewal needs your current certificate.');
        return;
      }
      if (pendingAnswers > 0) {
        pendingAnswers--;
        res.writeHead(202, { 'retry-after': '1', 'x-est-request-id': 'RENEW2', 'content-type': 'text/plain' }).end('Waiting for the RA.');
        return;
      }
      const csrDer = Buffer.from(Buffer.concat(chunks).toString('ascii').replace(/\s+/g, ''), 'base64');
      const cert = issueUserCertificate(ca, { csrDer, subject: ada.subject } as unknown as SandboxRequest, 'https://127.0.0.1:1/crl', new Date());
      res.writeHead(200, { 'content-type': 'application/pkcs7-mime; smime-type=certs-only', 'content-transfer-encoding': 'base64' })
        .end(encodeCertsOnly([cert.der]).toString('base64'));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  estUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/est`;
});

afterAll(async () => {
  await app?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  world?.dispose();
});

describe('a renewal that waits (202)', () => {
  it('waits, survives a restart, and is issued with the same new key; every attempt signed in with the current certificate', async () => {
    const current = await app.request.importCredential({ source: { kind: 'p12', path: '~/usercred.p12' }, password: P12_PW });
    const oldSerial = current.certificate!.serial;
    const r = await app.request.renew({ keyBits: 2048, estUrl });
    expect(r).toMatchObject({ state: 'waiting', origin: 'renewal', requestId: 'RENEW2', renewOf: { credentialId: current.credentialId } });
    expect((await app.journal.read()).steps.request?.summary).toBe('renewal waiting (RENEW2)');
    // The window lists the current certificate as previous already: it is kept, whatever happens.
    expect(r.previous[0]?.credentialId).toBe(current.credentialId);

    await app.close(); // the app stops while the CA waits
    app = world.open();
    const resumed = (await app.request.status())!;
    expect(resumed).toMatchObject({ credentialId: r.credentialId, publicKeyFingerprint: r.publicKeyFingerprint });
    const done = await until(async () => {
      const s = (await app.request.status())!;
      return s.state === 'issued' ? s : undefined;
    }, 'the renewal to be issued');
    expect(done.credentialId).toBe(r.credentialId);
    expect(done.publicKeyFingerprint).toBe(r.publicKeyFingerprint);
    expect(done.certificate!.subject).toBe(ada.subject);
    expect(done.certificate!.serial).not.toBe(oldSerial);
    // Issued once: the status calls made while it was being stored did not poll a second time.
    const issuedEvents = (await app.journal.read()).history.filter((h) => h.step === 'request' && h.event === 'issued');
    expect(issuedEvents).toHaveLength(1);
    const renewals = seen.filter((s) => s.path === '/.well-known/est/simplereenroll');
    expect(renewals.length).toBeGreaterThanOrEqual(4);
    expect(renewals.every((s) => s.clientSerial === oldSerial)).toBe(true);
    // This CA does not serve /cacerts: the chain comes from the installed trust instead.
    const { chain } = await (await app.keys.store()).certificates(done.credentialId);
    expect(chain.map((c) => c.fingerprint256)).toEqual([ca.fingerprint256]);
    expect((await app.journal.read()).steps.request).toMatchObject({ status: 'done', summary: 'renewed: Ada Lovelace S135790' });
  });

  it('a waiting renewal cancelled: the certificate it was renewing stays current, nothing lost', async () => {
    const current = (await app.request.status())!;
    expect(current.state).toBe('issued');
    pendingAnswers = 1_000; // the CA keeps answering 202
    const r = await app.request.renew({ keyBits: 2048, estUrl });
    expect(r.state).toBe('waiting');
    const back = await app.request.cancel();
    expect(back).toMatchObject({ state: 'issued', credentialId: current.credentialId });
    expect(back.certificate!.serial).toBe(current.certificate!.serial);
    expect((await app.request.status())!.credentialId).toBe(current.credentialId);
    const j = await app.journal.read();
    expect(j.steps.request).toMatchObject({ status: 'done', summary: 'renewed: Ada Lovelace S135790' });
    expect(j.history.some((h) => h.step === 'request' && h.event === 'renewCancelled')).toBe(true);
    // The cancelled attempt is kept in the history, with its request id.
    const hist = (j as unknown as { requestHistory: { credentialId: string; state: string }[] }).requestHistory;
    expect(hist.some((h) => h.credentialId === r.credentialId && h.state === 'cancelled')).toBe(true);
    // Its key stays usable: Back up still finds the current credential.
    const { chain } = await (await app.keys.store()).certificates(current.credentialId);
    expect(chain).toHaveLength(1);
  });
});
