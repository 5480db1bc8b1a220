import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TrustService } from '../../../electron/services/trust';
import { BUILTIN_BUNDLES } from '../../../electron/services/trust/bundles';
import type { RuntimeBundle } from '../../../electron/services/trust/types';
import { listTree, makeCa, makeLeaf, rmrf, shStatus, tempDir, type TestCa } from './helpers';

// Installs into a temp HOME's ~/.globus/certificates (or $X509_CERT_DIR) and checks the result
// with the real `openssl verify -CApath`.

let work: string;
let sandboxCa: TestCa;
let unknownCa: TestCa;
let goodLeaf: string;
let strangerLeaf: string;

const sandboxBundle = (ca: TestCa): RuntimeBundle => ({ name: 'sandbox', certificates: [{ pem: ca.pem, pin: ca.sha256 }] });

function service(home: string, data: string, env: NodeJS.ProcessEnv = {}, systemRoot?: string) {
  return new TrustService({
    dataDir: data,
    homeDir: home,
    env: { PATH: process.env.PATH, ...env },
    platform: 'linux',
    runtimeBundles: () => [sandboxBundle(sandboxCa)],
    systemRoot: systemRoot ?? path.join(work, 'no-system'),
  });
}

const verify = (capath: string, leaf: string) => shStatus('openssl', ['verify', '-CApath', capath, leaf]);

beforeAll(() => {
  work = tempDir('x509');
  sandboxCa = makeCa(work, 'sandbox-ca', '/DC=org/DC=osg-onboard/DC=sandbox/CN=OSG Onboard Sandbox CA');
  unknownCa = makeCa(work, 'unknown-ca', '/O=Elsewhere/CN=Unknown CA');
  goodLeaf = makeLeaf(sandboxCa, 'user', '/DC=org/DC=osg-onboard/DC=sandbox/O=OSG Onboard Sandbox/CN=Jane Doe');
  strangerLeaf = makeLeaf(unknownCa, 'stranger', '/O=Elsewhere/CN=Someone');
});
afterAll(() => rmrf(work));

describe('X509_CERT_DIR target', () => {
  it('after install, openssl verify -CApath accepts a cert from the sandbox CA and rejects an unknown CA’s', async () => {
    const home = tempDir('home');
    const data = tempDir('data');
    try {
      const svc = service(home, data);
      const capath = path.join(home, '.globus', 'certificates');
      expect(verify(capath, goodLeaf).code).not.toBe(0);
      const report = await svc.install({ bundle: 'sandbox', targets: ['x509'] });
      expect(report.results[0].status).toBe('changed');
      expect(verify(capath, goodLeaf)).toMatchObject({ code: 0 });
      const bad = verify(capath, strangerLeaf);
      expect(bad.code).not.toBe(0);
      expect(bad.out).toMatch(/unable to get local issuer certificate/);
      // The runtime CA brought no policy: a permissive one is written beside <hash>.0 (Globus needs it).
      const files = listTree(capath);
      const hash = files.find((f) => f.endsWith('.0'))!.slice(0, 8);
      expect(files).toEqual([`${hash}.0`, `${hash}.signing_policy`]);
      expect(readFileSync(path.join(capath, `${hash}.signing_policy`), 'utf8')).toContain(`access_id_CA   X509    '${sandboxCa.subject}'`);
      expect(report.results[0].notes.join(' ')).toMatch(/signing_policy/);
    } finally {
      rmrf(home, data);
    }
  });

  it('is idempotent, honours X509_CERT_DIR, and undo removes exactly what it added', async () => {
    const home = tempDir('home');
    const data = tempDir('data');
    const certDir = path.join(work, 'custom-certdir');
    try {
      // A pre-existing trust dir with someone else's CA under the same hash name as ours (.0 taken).
      mkdirSync(certDir, { recursive: true });
      const svc = service(home, data, { X509_CERT_DIR: certDir });
      const plan = await svc.plan({ bundle: 'sandbox', targets: ['x509'] });
      const hash = path.basename(plan.targets[0].changes[0].where).slice(0, 8);
      writeFileSync(path.join(certDir, `${hash}.0`), unknownCa.pem);
      writeFileSync(path.join(certDir, 'other.txt'), 'keep me');
      const before = listTree(certDir);

      const first = await svc.install({ bundle: 'sandbox', targets: ['x509'] });
      expect(first.results[0].status).toBe('changed');
      expect(first.results[0].changes.find((c) => c.action === 'add' && c.where.endsWith('.1'))).toBeTruthy();
      expect(verify(certDir, goodLeaf).code).toBe(0);
      expect(existsSync(path.join(home, '.globus'))).toBe(false);

      const second = await svc.install({ bundle: 'sandbox', targets: ['x509'] });
      expect(second.results[0]).toMatchObject({ status: 'unchanged' });
      expect(second.results[0].changes.every((c) => c.action === 'keep')).toBe(true);

      const undone = await svc.undo(first.installId);
      expect(undone.results[0].status).toBe('changed');
      expect(listTree(certDir)).toEqual(before);
      expect(readFileSync(path.join(certDir, `${hash}.0`), 'utf8')).toBe(unknownCa.pem);
      expect(verify(certDir, goodLeaf).code).not.toBe(0);
      // A second undo finds nothing of ours.
      expect((await svc.undo(first.installId)).results.every((r) => r.status === 'unchanged')).toBe(true);
    } finally {
      rmrf(home, data, certDir);
    }
  });

  it('installs the OSG bundle: IGTF files and Let’s Encrypt intermediates chain to their roots', async () => {
    const home = tempDir('home');
    const data = tempDir('data');
    try {
      const svc = service(home, data);
      const r = await svc.install({ bundle: 'osg', targets: ['x509'] });
      expect(r.results[0].status).toBe('changed');
      const capath = path.join(home, '.globus', 'certificates');
      const files = listTree(capath);
      // USERTrust RSA (fc5a8f99) has both IGTF files; InCommon IGTF Server CA 3 (1e49ade3) a signing_policy.
      expect(files).toEqual(expect.arrayContaining(['fc5a8f99.0', 'fc5a8f99.signing_policy', 'fc5a8f99.namespaces', '1e49ade3.0', '1e49ade3.signing_policy', '4042bcee.0', 'aa578057.0']));
      expect(files.filter((f) => f.endsWith('.0'))).toHaveLength(BUILTIN_BUNDLES[0].certificates.length);
      for (const f of files.filter((x) => x.endsWith('.0'))) {
        const res = shStatus('openssl', ['verify', '-CApath', capath, path.join(capath, f)]);
        expect(res.code, `${f}: ${res.out}`).toBe(0);
      }
      // Edited after install: undo keeps the edited file and says so.
      writeFileSync(path.join(capath, 'fc5a8f99.signing_policy'), '# edited by the user\n');
      const u = await svc.undo(r.installId);
      expect(listTree(path.join(home, '.globus', 'certificates'))).toEqual(['fc5a8f99.signing_policy']);
      expect(u.results[0].notes.join(' ')).toMatch(/changed after the install; it was kept/);
    } finally {
      rmrf(home, data);
    }
  });

  it('warns that Globus stops reading /etc/grid-security/certificates once ~/.globus/certificates exists', async () => {
    const home = tempDir('home');
    const data = tempDir('data');
    const sys = tempDir('sysroot');
    try {
      mkdirSync(path.join(sys, 'etc', 'grid-security', 'certificates'), { recursive: true });
      const plan = await service(home, data, {}, sys).plan({ bundle: 'sandbox', targets: ['x509'] });
      expect(plan.targets[0].notes.join(' ')).toMatch(/instead of .*grid-security\/certificates/);
      expect(plan.targets[0].commands[0]).toBe(`mkdir -p -m 0755 ${path.join(home, '.globus', 'certificates')}`);
    } finally {
      rmrf(home, data, sys);
    }
  });
});
