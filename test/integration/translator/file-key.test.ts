// A translator whose robot key is an encrypted key file (passphrase from a file or the keychain),
// with TLS client-certificate authentication and a tight per-client rate limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseTranslatorConfig, startTranslator, silentLogger, type Translator } from '../../../electron/translator';
import { SessionSecretStore } from '../../../electron/services/keychain';
import { IGTF_ROBOT_POLICY_OID } from '../../../electron/services/proxy';
import { isOnboardError } from '../../../shared/errors';
import { createGridCa, type GridCa, type IssuedCert } from '../../helpers/grid-ca';
import { opensslVerify } from '../proxy/tools';
import { get } from './fixture';

const ROBOT = '/C=US/O=OSG Onboard Test/CN=Robot - File Key Portal';
let ca: GridCa;
let dir: string;
let robot: IssuedCert;
let tls: IssuedCert;
let client: IssuedCert;
let encKey: string;
let t: Translator;
let id: string;

function config(over: Record<string, unknown> = {}) {
  return parseTranslatorConfig({
    listen: { host: '127.0.0.1', port: 0 },
    tls: { cert: tls.certFile, key: tls.keyFile, clientCa: ca.root.certFile },
    allowedClients: ['127.0.0.0/8'],
    rate: { perSecond: 0.01, burst: 3 },
    keys: { poolSize: 2, workers: 1 },
    audit: { file: 'audit.log', maxBytes: 2048, keep: 2 },
    robots: [{ certFile: robot.certFile, key: { file: encKey, passphraseFile: 'robot.pass' } }],
    ...over,
  }, dir);
}

beforeAll(async () => {
  ca = createGridCa();
  dir = mkdtempSync(path.join(os.tmpdir(), 'osg-translator-file-'));
  robot = ca.issue('robot-file', { subject: ROBOT, extraExtensions: [`certificatePolicies=${IGTF_ROBOT_POLICY_OID}`] });
  tls = ca.issue('tls', { subject: '/C=US/O=OSG Onboard Test/CN=localhost', extraExtensions: ['subjectAltName=DNS:localhost,IP:127.0.0.1'] });
  client = ca.issue('portal-client', { subject: '/C=US/O=OSG Onboard Test/CN=portal.example.org' });
  encKey = path.join(dir, 'robot.key.pem');
  writeFileSync(path.join(dir, 'robot.pass'), 'robot pass phrase\n', { mode: 0o600 });
  execFileSync('openssl', ['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', robot.keyFile, '-out', encKey, '-passout', 'pass:robot pass phrase']);
  t = await startTranslator(config(), { logger: silentLogger });
  id = t.robots[0].id;
}, 120_000);

afterAll(async () => {
  await t?.close();
  ca?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const opts = (extra: Record<string, unknown> = {}) => ({ ca: ca.root.certPem, cert: readFileSync(client.certFile, 'utf8'), key: readFileSync(client.keyFile, 'utf8'), localAddress: '127.0.0.3', ...extra });

describe('encrypted robot key file + TLS client certificates + rate limit', () => {
  it('makes a PUSP with the key unlocked from the passphrase file, for a client with a certificate', async () => {
    const r = await get(`${t.url}/eTokenServer/eToken/${id}?disable-voms-proxy=true&rfc-proxy=true&cn-label=user:f1`, opts());
    expect(r.status, r.body).toBe(200);
    const f = path.join(dir, 'f1.pem');
    writeFileSync(f, r.body, { mode: 0o600 });
    expect(opensslVerify(ca.trustDir, f, ca.env()).ok).toBe(true);
  });

  it('refuses a TLS client without a certificate when a client CA is configured', async () => {
    await expect(get(`${t.url}/health`, { ca: ca.root.certPem, localAddress: '127.0.0.3' })).rejects.toThrow();
  });

  it('429 with Retry-After once a client has used its burst; other clients are not affected; each refusal audited', async () => {
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 4; i++) {
      const r = await get(`${t.url}/eTokenServer/eToken?format=json`, opts());
      statuses.push(r.status);
      if (r.status === 429) {
        retryAfter = r.headers['retry-after'] as string;
        expect(r.body).toMatch(/Too many requests from 127\.0\.0\.3/);
      }
    }
    // One of the burst of 3 went to the PUSP above.
    expect(statuses).toEqual([200, 200, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect((await get(`${t.url}/eTokenServer/eToken?format=json`, opts({ localAddress: '127.0.0.4' }))).status).toBe(200);
    const lines = [readFileSync(path.join(dir, 'audit.log'), 'utf8'), (() => {
      try {
        return readFileSync(path.join(dir, 'audit.log.1'), 'utf8');
      } catch {
        return '';
      }
    })()].join('').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.event === 'refused' && l.status === 429 && l.client === '127.0.0.3')).toHaveLength(2);
  });

  it('rotates the audit log by size, keeping at most `keep` old files', async () => {
    for (let i = 0; i < 30; i++) await get(`${t.url}/x${i}`, opts({ localAddress: `127.0.1.${i + 1}` }));
    const rotated = readFileSync(path.join(dir, 'audit.log.1'), 'utf8');
    expect(rotated.length).toBeLessThanOrEqual(2048);
    expect(readFileSync(path.join(dir, 'audit.log.2'), 'utf8').length).toBeGreaterThan(0);
    expect(() => readFileSync(path.join(dir, 'audit.log.3'))).toThrow();
  });

  it('takes the passphrase from the keychain (SecretStore) when configured so', async () => {
    const store = new SessionSecretStore();
    await store.set('translator:robot-file', 'robot pass phrase');
    const t2 = await startTranslator(config({ robots: [{ certFile: robot.certFile, key: { file: encKey, passphraseKeychain: 'translator:robot-file' } }], audit: { file: 'audit2.log' } }), { logger: silentLogger, secretStore: store });
    expect(t2.robots[0].id).toBe(id);
    await t2.close();
  });

  it('refuses to start with a wrong passphrase, a missing keychain entry, or a non-robot certificate', async () => {
    writeFileSync(path.join(dir, 'wrong.pass'), 'nope\n');
    const codeOf = async (c: ReturnType<typeof config>, store?: SessionSecretStore) => {
      try {
        const x = await startTranslator(c, { logger: silentLogger, secretStore: store });
        await x.close();
        return 'started';
      } catch (e) {
        return isOnboardError(e) ? e.code : String(e);
      }
    };
    expect(await codeOf(config({ robots: [{ certFile: robot.certFile, key: { file: encKey, passphraseFile: 'wrong.pass' } }], audit: { file: 'a3.log' } }))).toBe('PROXY_KEY_PASSPHRASE');
    expect(await codeOf(config({ robots: [{ certFile: robot.certFile, key: { file: encKey, passphraseKeychain: 'none' } }], audit: { file: 'a4.log' } }), new SessionSecretStore())).toBe('TRANSLATOR_PASSPHRASE_MISSING');
    expect(await codeOf(config({ robots: [{ certFile: client.certFile, key: { file: client.keyFile } }], audit: { file: 'a5.log' } }))).toBe('PUSP_NOT_ROBOT');
    expect(await codeOf(config({ robots: [{ certFile: robot.certFile, key: { file: client.keyFile } }], audit: { file: 'a6.log' } }))).toBe('TRANSLATOR_ROBOT_KEY_MISMATCH');
  });

  it('the CLI names the wrong field of a bad configuration and exits 1', () => {
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ tls: { cert: 'a', key: 'b' }, allowedClients: ['10.0.0.0/40'], audit: { file: 'x' }, robots: [] }));
    const r = spawnSync(process.execPath, [path.resolve(__dirname, '../../../build/bin/osg-onboard.mjs'), 'translator', 'serve', '--config', file], {
      env: { ...process.env, OSG_ONBOARD_FROM_SOURCE: '1' }, encoding: 'utf8', timeout: 60_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/is not valid: “allowedClients\.0” is not an IPv4 or IPv6 address or CIDR block/);
  });
});
