// The translator against real programs: a SoftHSM2 token made here (robot key generated on it,
// non-extractable), the real openssl / grid-proxy-info / grid-proxy-init, HTTPS on loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseTranslatorConfig, startTranslator, silentLogger, type Translator } from '../../../electron/translator';
import { verifyChain } from '../../../electron/services/proxy';
import { gridProxyInfo, gridProxyInitVerify, opensslVerify } from '../proxy/tools';
import { ROBOT_DN, baseConfig, createFixture, get, pemBlocksOf, type Fixture } from './fixture';

let fx: Fixture;
let dir: string;
let t: Translator;
let auditFile: string;

const q = 'voms=testvo:/testvo&proxy-renewal=false&disable-voms-proxy=true&rfc-proxy=true';
const url = (id: string, query: string) => `${t.url}/eTokenServer/eToken/${id}?${query}`;
const audit = () => readFileSync(auditFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  fx = createFixture();
  dir = mkdtempSync(path.join(os.tmpdir(), 'osg-translator-'));
  auditFile = path.join(dir, 'audit', 'audit.log');
  const cfg = parseTranslatorConfig(baseConfig(fx, dir, { keys: { poolSize: 4, workers: 1, allowed: ['rsa', 'ec'] } }), dir);
  t = await startTranslator(cfg, { logger: silentLogger });
}, 120_000);

afterAll(async () => {
  await t?.close();
  fx?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function saveProxy(name: string, body: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, body, { mode: 0o600 });
  return file;
}

describe('robot key on a SoftHSM2 token', () => {
  it('was generated on the token: not extractable, sensitive', () => {
    expect(fx.tokenKey.extractable).toBe(false);
    expect(fx.tokenKey.sensitive).toBe(true);
  });

  it('the robot id is the MD5 of the slash-form robot DN (as openssl prints it)', async () => {
    expect(t.robots.map((r) => r.id)).toEqual([fx.robotIdOracle]);
    const list = await get(`${t.url}/eTokenServer/eToken?format=json`, { ca: fx.caPem });
    expect(list.status).toBe(200);
    expect(list.headers['content-type']).toMatch(/application\/json/);
    expect(JSON.parse(list.body).robots).toEqual([expect.objectContaining({ id: fx.robotIdOracle, subject: ROBOT_DN, keySource: 'pkcs11' })]);
  });
});

describe('GET /eTokenServer/eToken/<robot-id>', () => {
  let body = '';
  let file = '';
  beforeAll(async () => {
    const r = await get(url(fx.robotIdOracle, `${q}&cn-label=user:alice`), { ca: fx.caPem });
    expect(r.status, r.body).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain/);
    body = r.body;
    file = saveProxy('alice.pem', body);
  });

  it('answers proxy certificate, proxy private key, robot certificate (PEM)', () => {
    const blocks = pemBlocksOf(body);
    expect(blocks.map((b) => b.label)).toEqual(['CERTIFICATE', 'RSA PRIVATE KEY', 'CERTIFICATE']);
    const leaf = new X509Certificate(blocks[0].text);
    const key = createPrivateKey(blocks[1].text);
    expect(createPublicKey(key).export({ type: 'spki', format: 'der' }).equals(leaf.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(blocks[2].text.trim()).toBe(fx.robotCertPem.trim());
    expect(leaf.checkIssued(new X509Certificate(fx.robotCertPem))).toBe(true);
  });

  it('PUSP DN = robot DN + CN=user:alice; openssl verify -allow_proxy_certs accepts the chain', () => {
    const subject = execFileSync('openssl', ['x509', '-noout', '-subject', '-nameopt', 'compat', '-in', file], { encoding: 'utf8' }).trim();
    expect(subject).toBe(`subject=${ROBOT_DN}/CN=user:alice`);
    const v = opensslVerify(fx.ca.trustDir, file, fx.ca.env());
    expect(v.ok, v.out).toBe(true);
  });

  it('grid-proxy-info: an RFC 3820 proxy whose identity is the robot DN; grid-proxy-init -verify accepts it', () => {
    const info = gridProxyInfo(file, fx.ca.env());
    expect(info.ok, info.out).toBe(true);
    expect(info.info.identity).toBe(ROBOT_DN);
    expect(info.info.subject).toBe(`${ROBOT_DN}/CN=user:alice`);
    expect(info.info.type).toMatch(/RFC 3820 compliant impersonation proxy/);
    const g = gridProxyInitVerify(file, fx.ca.env(), path.join(dir, 'gpi-out.pem'));
    expect(g.ok, g.out).toBe(true);
  });

  it('our verifier: valid, PUSP user:alice, per-user identity under the EGI rules', async () => {
    const v = await verifyChain({ chain: body, trust: fx.ca.trustDir });
    expect(v.errors).toEqual([]);
    expect(v.valid).toBe(true);
    expect(v.eecSubject).toBe(ROBOT_DN);
    expect(v.pusp).toEqual({ userLabel: 'user:alice', subject: `${ROBOT_DN}/CN=user:alice` });
    expect(v.identity).toBe(`${ROBOT_DN}/CN=user:alice`);
  });

  it('lives 24 h by default (the original’s lifetime), with a fresh serial, and is audited without the key', () => {
    const leaf = new X509Certificate(pemBlocksOf(body)[0].text);
    const hours = (Date.parse(leaf.validTo) - Date.now()) / 3600_000;
    expect(hours).toBeGreaterThan(23.5);
    expect(hours).toBeLessThanOrEqual(24);
    const serial = BigInt('0x' + leaf.serialNumber).toString(10);
    const robotSerial = new X509Certificate(fx.robotCertPem).serialNumber;
    expect(leaf.serialNumber).not.toBe(robotSerial);
    const line = audit().find((a) => a.event === 'issued' && a.serial === serial);
    expect(line).toMatchObject({ client: '127.0.0.1', robotId: fx.robotIdOracle, cnLabel: 'user:alice', cached: false, keyType: 'rsa' });
    expect(Date.parse(line!.notAfter as string)).toBe(Date.parse(leaf.validTo));
    expect(readFileSync(auditFile, 'utf8')).not.toMatch(/PRIVATE KEY|MII/);
  });

  it('a DIRAC-style client URL works unchanged and the returned identity is the robot DN', async () => {
    const serviceUrl = `${t.url}/eTokenServer/eToken/${fx.robotIdOracle}`;
    const r = await get(`${serviceUrl}?proxy-renewal=false&disable-voms-proxy=true&rfc-proxy=true&cn-label=user:dirac-42`, { ca: fx.caPem });
    expect(r.status, r.body).toBe(200);
    const f = saveProxy('dirac.pem', r.body);
    const info = gridProxyInfo(f, fx.ca.env());
    expect(info.info.identity).toBe(ROBOT_DN);
    expect(opensslVerify(fx.ca.trustDir, f, fx.ca.env()).ok).toBe(true);
  });

  it('flags read as the original: yes|enable|on are true, cn-label verbatim as the last CN', async () => {
    const r = await get(url(fx.robotIdOracle.toUpperCase(), 'proxy-renewal=no&disable-voms-proxy=ON&rfc-proxy=Yes&voms=testvo:/testvo/Role=pilot&cn-label=user:a.b@c-d:9'), { ca: fx.caPem });
    expect(r.status, r.body).toBe(200);
    expect(new X509Certificate(pemBlocksOf(r.body)[0].text).subject.split('\n').at(-1)).toBe('CN=user:a.b@c-d:9');
  });
});

describe('proxy cache (proxy-renewal=true only), keyed per robot, cn-label and VOMS', () => {
  const serialOf = (b: string) => new X509Certificate(pemBlocksOf(b)[0].text).serialNumber;
  it('hands the same proxy to the same user while > 20 h remain; never to another user; fresh without proxy-renewal', async () => {
    const ask = async (user: string, renewal: boolean) => {
      const r = await get(url(fx.robotIdOracle, `disable-voms-proxy=true&rfc-proxy=true&proxy-renewal=${renewal}&cn-label=user:${user}`), { ca: fx.caPem });
      expect(r.status, r.body).toBe(200);
      return r.body;
    };
    const a1 = await ask('carol', true);
    const a2 = await ask('carol', true);
    const b1 = await ask('dave', true);
    const a3 = await ask('carol', false);
    expect(serialOf(a2)).toBe(serialOf(a1));
    expect(a2).toBe(a1);
    expect(serialOf(b1)).not.toBe(serialOf(a1));
    expect(new X509Certificate(pemBlocksOf(b1)[0].text).subject).toMatch(/CN=user:dave$/);
    expect(serialOf(a3)).not.toBe(serialOf(a1));
    const hits = audit().filter((a) => a.event === 'issued' && a.cnLabel === 'user:carol');
    expect(hits.map((h) => h.cached)).toEqual([false, true, false]);
  });
});

describe('refusals: right status, clear text, one audit line each', () => {
  const refusedLine = (status: number, reason: string) => audit().filter((a) => a.event === 'refused' && a.status === status && a.reason === reason);

  it('403 for a client address not on the allow-list (source 127.0.0.2)', async () => {
    const r = await get(url(fx.robotIdOracle, `${q}&cn-label=user:alice`), { ca: fx.caPem, localAddress: '127.0.0.2' });
    expect(r.status).toBe(403);
    expect(r.body).toMatch(/127\.0\.0\.2 is not on this translator’s list of allowed clients/);
    expect(refusedLine(403, 'client-not-allowed').map((a) => a.client)).toContain('127.0.0.2');
  });

  it('an address not on the allow-list cannot flood the audit log: past 20 lines its refusals are counted', async () => {
    const t0 = Date.now();
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await get(`${t.url}/health`, { ca: fx.caPem, localAddress: '127.0.0.5' })).status);
    const elapsed = (Date.now() - t0) / 1000;
    expect(statuses.every((s) => s === 403)).toBe(true);
    const lines = () => audit().filter((a) => a.client === '127.0.0.5');
    expect(lines().length).toBeGreaterThanOrEqual(20);
    expect(lines().length).toBeLessThanOrEqual(20 + Math.ceil(elapsed));
    const before = lines().length;
    await new Promise((r) => setTimeout(r, 1100));
    await get(`${t.url}/health`, { ca: fx.caPem, localAddress: '127.0.0.5' });
    const last = lines().at(-1)!;
    expect(lines().length).toBe(before + 1);
    expect(last.suppressed).toBe(40 - before);
  });

  it('404 for an unknown robot', async () => {
    const r = await get(url('0123456789abcdef0123456789abcdef', `${q}&cn-label=user:alice`), { ca: fx.caPem });
    expect(r.status).toBe(404);
    expect(r.body).toMatch(/No robot certificate with id 0123456789abcdef0123456789abcdef/);
    expect(refusedLine(404, 'unknown-robot')).toHaveLength(1);
  });

  it('406 for a bad FQAN', async () => {
    for (const voms of ['testvo:/othervo', 'testvo:/testvo/Role=a/group', 'bad%20vo:/x', 'testvo:testvo']) {
      const r = await get(url(fx.robotIdOracle, `voms=${voms}&disable-voms-proxy=true&rfc-proxy=true&cn-label=user:alice`), { ca: fx.caPem });
      expect(r.status, voms).toBe(406);
      expect(r.body).toMatch(/not a list of VO:FQAN/);
    }
    expect(refusedLine(406, 'bad-fqan')).toHaveLength(4);
  });

  it('400 when a legacy (non-RFC) proxy is asked for', async () => {
    const r = await get(url(fx.robotIdOracle, 'proxy-renewal=false&disable-voms-proxy=true&rfc-proxy=false&cn-label=user:alice'), { ca: fx.caPem });
    expect(r.status).toBe(400);
    expect(r.body).toMatch(/Legacy .* proxies are not supported/);
    expect(refusedLine(400, 'legacy-proxy')).toHaveLength(1);
  });

  it('501 when VOMS attributes are asked for and no VOMS server is configured (no proxy without them)', async () => {
    const r = await get(url(fx.robotIdOracle, 'voms=testvo:/testvo&proxy-renewal=false&disable-voms-proxy=false&rfc-proxy=true&cn-label=user:alice'), { ca: fx.caPem });
    expect(r.status).toBe(501);
    expect(r.body).toMatch(/no VOMS server/);
    expect(r.body).not.toMatch(/BEGIN/);
    expect(refusedLine(501, 'voms-not-configured')).toHaveLength(1);
  });

  it('400 for a missing or unsafe cn-label', async () => {
    const missing = await get(url(fx.robotIdOracle, q), { ca: fx.caPem });
    expect(missing.status).toBe(400);
    const unsafe = await get(url(fx.robotIdOracle, `${q}&cn-label=${encodeURIComponent('user:a/CN=b')}`), { ca: fx.caPem });
    expect(unsafe.status).toBe(400);
    expect(refusedLine(400, 'cn-label-invalid')).toHaveLength(1);
  });

  it('refuses TLS 1.1 clients', async () => {
    await expect(get(`${t.url}/health`, { ca: fx.caPem, maxVersion: 'TLSv1.1' })).rejects.toThrow();
  });
});

describe('EC P-256 proxy keys (key-type=ec) under the RSA robot', () => {
  it('openssl verify -allow_proxy_certs, grid-proxy-init -verify and our verifier accept them', async () => {
    const r = await get(url(fx.robotIdOracle, `${q}&cn-label=user:eve&key-type=ec`), { ca: fx.caPem });
    expect(r.status, r.body).toBe(200);
    const blocks = pemBlocksOf(r.body);
    expect(blocks[1].label).toBe('PRIVATE KEY');
    expect(createPrivateKey(blocks[1].text).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const f = saveProxy('ec.pem', r.body);
    const v = opensslVerify(fx.ca.trustDir, f, fx.ca.env());
    expect(v.ok, v.out).toBe(true);
    const g = gridProxyInitVerify(f, fx.ca.env(), path.join(dir, 'gpi-ec.pem'));
    expect(g.ok, g.out).toBe(true);
    expect((await verifyChain({ chain: r.body, trust: fx.ca.trustDir })).valid).toBe(true);
  });
});

describe('health', () => {
  it('reports the key pool and robots', async () => {
    const r = await get(`${t.url}/health`, { ca: fx.caPem });
    expect(r.status).toBe(200);
    const h = JSON.parse(r.body);
    expect(h).toMatchObject({ status: 'ok', robots: 1, tlsClientAuth: false });
    expect(h.keyPool.size).toBe(4);
  });
});
