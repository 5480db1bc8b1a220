import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TrustService, type TrustProgress } from '../../../electron/services/trust';
import { BUILTIN_BUNDLES } from '../../../electron/services/trust/bundles';
import { listTree, makeCa, nssList, rmrf, sh, shStatus, tempDir, type TestCa } from './helpers';

// The service as the step and the CLI use it: tampering installs nothing anywhere, progress per
// target, Globus (grid-proxy-init -verify) reads the installed trust dir, and the real CLI.

const ROOT = path.resolve(__dirname, '..', '..', '..');
let work: string;
let ca: TestCa;

beforeAll(() => {
  work = tempDir('svc');
  ca = makeCa(work, 'sandbox-ca', '/DC=org/DC=osg-onboard/DC=sandbox/CN=OSG Onboard Sandbox CA');
});
afterAll(() => rmrf(work));

function cli(args: string[], env: NodeJS.ProcessEnv, input?: string) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'build', 'bin', 'osg-onboard.mjs'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, OSG_ONBOARD_FROM_SOURCE: '1', ...env },
    input,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('trust service', () => {
  it('a tampered bundle installs nothing in any target and says which CA failed its pin', async () => {
    const home = tempDir('home');
    const data = tempDir('data');
    const sys = tempDir('sys');
    try {
      mkdirSync(path.join(sys, 'usr', 'local', 'share', 'ca-certificates'), { recursive: true });
      const osg = BUILTIN_BUNDLES[0];
      const certs = osg.certificates.map((c, i) => {
        if (i !== 4) return c;
        const lines = c.pem.split('\n');
        lines[5] = lines[5].slice(0, 20) + (lines[5][20] === 'x' ? 'y' : 'x') + lines[5].slice(21); // one byte of R10
        return { ...c, pem: lines.join('\n') };
      });
      const svc = new TrustService({ dataDir: data, homeDir: home, env: { PATH: process.env.PATH }, platform: 'linux', builtinBundles: [{ ...osg, certificates: certs }], systemRoot: sys });
      const events: TrustProgress[] = [];
      const attempt = svc.install({ bundle: 'osg', targets: ['app', 'x509', 'nss', 'system'] }, (p) => events.push(p));
      await expect(attempt).rejects.toMatchObject({ code: 'TRUST_PIN_MISMATCH', details: { ca: expect.stringMatching(/R10|#5/) } });
      await expect(svc.plan({ bundle: 'osg' })).rejects.toMatchObject({ code: 'TRUST_PIN_MISMATCH' });
      expect(events).toEqual([]);
      expect(listTree(home)).toEqual([]);
      expect(listTree(data)).toEqual([]);
      expect(listTree(sys)).toEqual(['usr', 'usr/local', 'usr/local/share', 'usr/local/share/ca-certificates']);
    } finally {
      rmrf(home, data, sys);
    }
  });

  it('reports progress per target, started then finished with its result chip', async () => {
    const home = tempDir('home');
    const data = tempDir('data');
    try {
      const svc = new TrustService({ dataDir: data, homeDir: home, env: { PATH: process.env.PATH }, platform: 'linux', runtimeBundles: () => [{ name: 'sandbox', certificates: [{ pem: ca.pem, pin: ca.sha256 }] }] });
      expect(await svc.defaultBundle('sandbox')).toBe('sandbox');
      expect(await svc.defaultBundle('production')).toBe('osg');
      const events: string[] = [];
      const r = await svc.install({ bundle: 'sandbox' }, (p) => events.push(`${p.index + 1}/${p.total} ${p.target} ${p.phase}${p.result ? ` ${p.result.status}` : ''}`));
      expect(events).toEqual(['1/3 app started', '1/3 app finished changed', '2/3 x509 started', '2/3 x509 finished changed', '3/3 nss started', '3/3 nss finished changed']);
      expect(r.results.map((x) => x.status)).toEqual(['changed', 'changed', 'changed']);
    } finally {
      rmrf(home, data);
    }
  });

  it('Globus reads the installed trust dir: grid-proxy-init -verify passes, and fails when the signing policy forbids the user', async () => {
    const home = tempDir('home');
    const data = tempDir('data');
    try {
      const caDir = path.join(work, 'rsa');
      mkdirSync(caDir);
      // grid-proxy-init wants RSA: a small RSA CA and user certificate made by openssl.
      sh('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', path.join(caDir, 'ca.key')]);
      sh('openssl', ['req', '-x509', '-new', '-key', path.join(caDir, 'ca.key'), '-out', path.join(caDir, 'ca.pem'), '-days', '5', '-subj', '/DC=org/DC=osg-onboard/CN=RSA Sandbox CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
      sh('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(caDir, 'userkey.pem'), '-out', path.join(caDir, 'u.csr'), '-subj', '/DC=org/DC=osg-onboard/CN=Jane Doe']);
      writeFileSync(path.join(caDir, 'ext'), 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n');
      sh('openssl', ['x509', '-req', '-in', path.join(caDir, 'u.csr'), '-CA', path.join(caDir, 'ca.pem'), '-CAkey', path.join(caDir, 'ca.key'), '-CAcreateserial', '-out', path.join(caDir, 'usercert.pem'), '-days', '2', '-extfile', path.join(caDir, 'ext')]);
      chmodSync(path.join(caDir, 'userkey.pem'), 0o400);
      const pem = sh('cat', [path.join(caDir, 'ca.pem')]);
      const pin = sh('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', path.join(caDir, 'ca.pem')]).trim().split('=')[1];
      const proxyInit = (certDir: string) =>
        shStatus('grid-proxy-init', ['-cert', path.join(caDir, 'usercert.pem'), '-key', path.join(caDir, 'userkey.pem'), '-verify', '-out', path.join(caDir, 'proxy')], { ...process.env, X509_CERT_DIR: certDir });

      const open = new TrustService({ dataDir: data, homeDir: home, env: { PATH: process.env.PATH }, platform: 'linux', runtimeBundles: () => [{ name: 'sandbox', certificates: [{ pem, pin }] }] });
      await open.install({ bundle: 'sandbox', targets: ['x509'] });
      const res = proxyInit(path.join(home, '.globus', 'certificates'));
      expect(res.out).toMatch(/Proxy Verify OK/);

      const strictDir = path.join(work, 'strict');
      const strict = new TrustService({
        dataDir: data, homeDir: home, env: { PATH: process.env.PATH, X509_CERT_DIR: strictDir }, platform: 'linux',
        runtimeBundles: () => [{ name: 'sandbox', certificates: [{ pem, pin, signingPolicy: "access_id_CA X509 '/DC=org/DC=osg-onboard/CN=RSA Sandbox CA'\npos_rights globus CA:sign\ncond_subjects globus '\"/DC=org/DC=elsewhere/*\"'\n" }] }],
      });
      await strict.install({ bundle: 'sandbox', targets: ['x509'] });
      const denied = proxyInit(strictDir);
      expect(denied.out).toMatch(/Couldn't verify the authenticity/);
    } finally {
      rmrf(home, data);
    }
  });
});

describe('osg-onboard ca (CLI)', () => {
  it('list, install --dry-run, install, install again, remove', () => {
    const home = tempDir('home');
    const data = tempDir('data');
    const bundleFile = path.join(work, 'sandbox-bundle.json');
    writeFileSync(bundleFile, JSON.stringify({ name: 'sandbox', certificates: [{ pem: ca.pem, pin: ca.sha256 }] }));
    const env = { HOME: home, OSG_ONBOARD_DATA: data };
    try {
      const list = cli(['ca', 'list', '--json', '--bundle-file', bundleFile], env);
      expect(list.code).toBe(0);
      const listed = JSON.parse(list.out);
      expect(listed.bundles.map((b: { name: string }) => b.name)).toEqual(['sandbox', 'osg']);
      expect(listed.targets.find((t: { id: string }) => t.id === 'x509').paths).toEqual([path.join(home, '.globus', 'certificates')]);

      const dry = cli(['ca', 'install', '--dry-run', '--bundle-file', bundleFile, '--targets', 'x509,nss'], env);
      expect(dry.code).toBe(0);
      expect(dry.out).toContain(`certutil -A -d sql:${path.join(home, '.pki', 'nssdb')} -n 'OSG Onboard Sandbox CA (OSG Onboard)' -t CT,C,C -i `);
      expect(listTree(home)).toEqual([]);

      const first = cli(['ca', 'install', '--bundle-file', bundleFile, '--targets', 'app,x509,nss', '--json'], env);
      expect(first.code).toBe(0);
      const report = JSON.parse(first.out);
      expect(report.results.map((r: { status: string }) => r.status)).toEqual(['changed', 'changed', 'changed']);
      expect(nssList(`sql:${path.join(home, '.pki', 'nssdb')}`).get('OSG Onboard Sandbox CA (OSG Onboard)')).toBe('CT,C,C');

      const again = cli(['ca', 'install', '--bundle-file', bundleFile, '--targets', 'app,x509,nss'], env);
      expect(again.code).toBe(0);
      expect(again.out).toMatch(/app: unchanged\n[\s\S]*x509: unchanged\n[\s\S]*nss: unchanged\n/);

      const removed = cli(['ca', 'remove', '--install-id', report.installId], env);
      expect(removed.code).toBe(0);
      expect(removed.out).toMatch(/nss: changed/);
      expect(listTree(home)).toEqual([]);
    } finally {
      rmrf(home, data);
    }
  });

  it('a bundle file whose pin does not match: exit 1, typed error naming the CA, nothing installed', () => {
    const home = tempDir('home');
    const data = tempDir('data');
    const bad = path.join(work, 'bad-bundle.json');
    writeFileSync(bad, JSON.stringify({ name: 'sandbox', certificates: [{ pem: ca.pem, pin: BUILTIN_BUNDLES[0].certificates[0].sha256 }] }));
    try {
      const r = cli(['ca', 'install', '--bundle-file', bad, '--json'], { HOME: home, OSG_ONBOARD_DATA: data });
      expect(r.code).toBe(1);
      expect(JSON.parse(r.out).error).toMatchObject({ code: 'TRUST_PIN_MISMATCH', details: { ca: 'OSG Onboard Sandbox CA' } });
      expect(listTree(home)).toEqual([]);
      const text = cli(['ca', 'remove'], { HOME: home, OSG_ONBOARD_DATA: data });
      expect(text.code).toBe(2);
      expect(text.err).toMatch(/give exactly one of them/);
    } finally {
      rmrf(home, data);
    }
  });
});
