// Our proxies and PUSPs authenticate to a real myproxy-server (GSI), started here unprivileged on
// 127.0.0.1; its log names the client it authenticated. A tampered proxy is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createGridCa, type GridCa, type IssuedCert } from '../../helpers/grid-ca';
import { createProxy, createPusp, inspectProxy, pemBlocks, pemEncode, readPrivateKey, IGTF_ROBOT_POLICY_OID } from '../../../electron/services/proxy';

let ca: GridCa;
let host: IssuedCert;
let conf = '';
let storage = '';
let serverDn = '';
const servedLogs: string[] = [];
const cases: { name: string; file: string }[] = [];

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

async function waitFor(pred: () => boolean, what: () => string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * In debug mode (-d: no fork, log on stderr) myproxy-server serves ONE client and exits, so
 * each check starts its own server on a fresh loopback port and waits for it to end.
 */
async function authenticatedAs(file: string): Promise<string | undefined> {
  let log = '';
  const port = await freePort();
  const server = spawn('myproxy-server', ['-d', '-l', '127.0.0.1', '-p', String(port), '-c', conf, '-s', storage], {
    env: ca.env({ X509_USER_CERT: host.certFile, X509_USER_KEY: host.keyFile }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  server.stdout!.on('data', (b: Buffer) => (log += b.toString()));
  server.stderr!.on('data', (b: Buffer) => (log += b.toString()));
  try {
    await waitFor(() => /Starting myproxy-server/.test(log), () => `myproxy-server to start; log:\n${log}`);
    const client = spawnSync('myproxy-info', ['-s', '127.0.0.1', '-p', String(port), '-l', 'nobody-stored'], {
      env: ca.env({ X509_USER_PROXY: file, MYPROXY_SERVER_DN: serverDn }),
      encoding: 'utf8',
      timeout: 30_000,
    });
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    servedLogs.push(`${log}\n--- client: ${client.stdout}${client.stderr}`);
    return log.match(/Authenticated client (.*)/)?.[1].trim();
  } finally {
    if (server.exitCode === null && server.pid) process.kill(server.pid, 'SIGTERM');
    await exited;
  }
}

async function addProxy(name: string, cert: IssuedCert, levels: number): Promise<void> {
  let p = await createProxy({ issuerCert: cert.certPem, issuerKey: readPrivateKey(cert.keyPem, undefined), hours: 1 });
  for (let i = 1; i < levels; i++) p = await createProxy({ issuerCert: p.certificate, issuerKey: p.privateKey, chain: p.chain, hours: 1 });
  const file = path.join(ca.dir, `${name.replace(/\W/g, '_')}.pem`);
  writeFileSync(file, p.pem, { mode: 0o600 });
  cases.push({ name, file });
}

beforeAll(async () => {
  ca = createGridCa();
  host = ca.issue('myproxy-host', { subject: '/C=US/O=OSG Onboard Test/CN=localhost' });
  serverDn = '/C=US/O=OSG Onboard Test/CN=localhost';
  await addProxy('ascii 2-level', ca.issue('ascii', { subject: '/C=US/O=OSG Onboard Test/CN=Jane Doe' }), 1);
  const nonAscii = ca.issue('nonascii', { subject: '/C=US/O=OSG Onboard Test/OU=Fête/CN=Zoë Müller' });
  await addProxy('non-ASCII 2-level', nonAscii, 1);
  await addProxy('non-ASCII 3-level', nonAscii, 2);
  await addProxy('multi-valued 3-level', ca.issue('multi', { subject: '/C=US/O=OSG Onboard Test/CN=Ana Lima+UID=alima' }), 2);
  const robot = ca.issue('robot', { subject: '/C=US/O=OSG Onboard Test/CN=Robot: Gateway', extraExtensions: [`certificatePolicies=${IGTF_ROBOT_POLICY_OID}`] });
  for (const session of [false, true]) {
    const r = await createPusp({ robotCert: robot.certPem, robotKey: readPrivateKey(robot.keyPem, undefined), userId: 'u1', session, hours: 1 });
    const file = path.join(ca.dir, `pusp-${session}.pem`);
    writeFileSync(file, r.pem, { mode: 0o600 });
    cases.push({ name: session ? 'PUSP + session (3-level)' : 'PUSP (2-level)', file });
  }

  storage = path.join(ca.dir, 'myproxy-store');
  mkdirSync(storage, { mode: 0o700 });
  conf = path.join(ca.dir, 'myproxy-server.config');
  writeFileSync(conf, 'accepted_credentials "*"\nauthorized_retrievers "*"\ndefault_retrievers "*"\nauthorized_renewers "*"\n');
}, 120_000);

afterAll(() => ca?.cleanup());

describe('a real myproxy-server authenticates our proxies', () => {
  it('as the identity our inspector gives (robot DN for PUSPs, as GSI servers do)', async () => {
    expect(cases.length).toBe(6);
    for (const c of cases) {
      const ours = inspectProxy(readFileSync(c.file, 'utf8'));
      expect(await authenticatedAs(c.file), `${c.name}\n${servedLogs.at(-1)}`).toBe(ours.oneline.identity);
    }
  });

  it('refuses a proxy whose signature was tampered with', async () => {
    const text = readFileSync(cases[0].file, 'utf8');
    const [leaf] = pemBlocks(text);
    const der = Buffer.from(leaf.der);
    der[der.length - 5] ^= 0x01; // inside the signature
    const bad = path.join(ca.dir, 'tampered.pem');
    writeFileSync(bad, text.replace(leaf.text, pemEncode('CERTIFICATE', der)), { mode: 0o600 });
    expect(await authenticatedAs(bad)).toBeUndefined();
    expect(await authenticatedAs(cases[0].file)).toBeDefined(); // control: the untampered file, same setup
  });
});
