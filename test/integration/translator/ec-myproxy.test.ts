// Does a real GSI server accept the translator's PUSPs — RSA and EC P-256 proxy keys under the
// RSA robot on the token? myproxy-server (started here, unprivileged, on 127.0.0.1) logs the
// client it authenticated; for a PUSP that is the robot DN (GSI strips proxy CNs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseTranslatorConfig, startTranslator, silentLogger, type Translator } from '../../../electron/translator';
import type { IssuedCert } from '../../helpers/grid-ca';
import { ROBOT_DN, baseConfig, createFixture, get, type Fixture } from './fixture';

let fx: Fixture;
let dir: string;
let t: Translator;
let server: ChildProcess | undefined;
let log = '';
let port = 0;
let host: IssuedCert;
let storage = '';
let conf = '';
let lastClient: ReturnType<typeof spawnSync> | undefined;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

async function waitFor(pred: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/**
 * myproxy-server -d serves exactly one request and exits (its manual says so), so each check
 * starts its own server, connects once with myproxy-info, and reads whom the server authenticated.
 */
async function authenticatedAs(file: string): Promise<string | undefined> {
  port = await freePort();
  log = '';
  server = spawn('myproxy-server', ['-d', '-l', '127.0.0.1', '-p', String(port), '-c', conf, '-s', storage], {
    env: fx.ca.env({ X509_USER_CERT: host.certFile, X509_USER_KEY: host.keyFile }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((r) => server!.on('exit', () => r()));
  server.stdout!.on('data', (b: Buffer) => (log += b.toString()));
  server.stderr!.on('data', (b: Buffer) => (log += b.toString()));
  if (!(await waitFor(() => /Starting myproxy-server/.test(log), 20_000))) throw new Error(`myproxy-server did not start:\n${log}`);
  lastClient = spawnSync('myproxy-info', ['-s', '127.0.0.1', '-p', String(port), '-l', 'nobody-stored'], {
    env: fx.ca.env({ X509_USER_PROXY: file, MYPROXY_SERVER_DN: '/C=US/O=OSG Onboard Test/CN=localhost' }),
    encoding: 'utf8',
    timeout: 30_000,
  });
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (server.exitCode === null) server.kill('SIGTERM');
  server = undefined;
  return log.match(/Authenticated client (.*)/)?.[1].trim();
}

beforeAll(async () => {
  fx = createFixture();
  dir = mkdtempSync(path.join(os.tmpdir(), 'osg-translator-gsi-'));
  t = await startTranslator(parseTranslatorConfig(baseConfig(fx, dir, { keys: { poolSize: 2, workers: 1, allowed: ['rsa', 'ec'] } }), dir), { logger: silentLogger });
  host = fx.ca.issue('myproxy-host', { subject: '/C=US/O=OSG Onboard Test/CN=localhost' });
  storage = path.join(dir, 'store');
  mkdirSync(storage, { mode: 0o700 });
  conf = path.join(dir, 'myproxy-server.config');
  writeFileSync(conf, 'accepted_credentials "*"\nauthorized_retrievers "*"\ndefault_retrievers "*"\nauthorized_renewers "*"\n');
}, 120_000);

afterAll(async () => {
  if (server?.exitCode === null) server.kill('SIGTERM');
  await t?.close();
  fx?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a real myproxy-server (GSI) authenticates translator PUSPs', () => {
  for (const keyType of ['rsa', 'ec'] as const) {
    it(`${keyType.toUpperCase()} proxy key under the RSA robot on the token → authenticated as the robot DN`, async () => {
      const r = await get(`${t.url}/eTokenServer/eToken/${fx.robotIdOracle}?disable-voms-proxy=true&rfc-proxy=true&cn-label=user:gsi-${keyType}&key-type=${keyType}`, { ca: fx.caPem });
      expect(r.status, r.body).toBe(200);
      const file = path.join(dir, `${keyType}.pem`);
      writeFileSync(file, r.body, { mode: 0o600 });
      const who = await authenticatedAs(file);
      expect(who, `${log.slice(-1500)}\nclient: ${lastClient?.stdout}${lastClient?.stderr}`).toBe(ROBOT_DN);
    });
  }

  it('refuses a PUSP whose signature was tampered with (the server really verifies)', async () => {
    const r = await get(`${t.url}/eTokenServer/eToken/${fx.robotIdOracle}?disable-voms-proxy=true&rfc-proxy=true&cn-label=user:gsi-bad&key-type=ec`, { ca: fx.caPem });
    const first = r.body.indexOf('-----END CERTIFICATE-----');
    const der = Buffer.from(r.body.slice(r.body.indexOf('\n') + 1, first).replace(/\n/g, ''), 'base64');
    der[der.length - 5] ^= 0x01;
    const bad = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n${r.body.slice(first)}`;
    const file = path.join(dir, 'bad.pem');
    writeFileSync(file, bad, { mode: 0o600 });
    expect(await authenticatedAs(file)).toBeUndefined();
    expect(log).toMatch(/Starting myproxy-server/);
    // The same PUSP untampered is accepted: the refusal came from the signature.
    writeFileSync(file, r.body, { mode: 0o600 });
    expect(await authenticatedAs(file)).toBe(ROBOT_DN);
  });
});
