import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TrustService, NSS_TRUST } from '../../../electron/services/trust';
import type { RuntimeBundle } from '../../../electron/services/trust/types';
import { listTree, makeCa, nssList, rmrf, sh, tempDir, type TestCa } from './helpers';

// The NSS target against real certutil: a fresh ~/.pki/nssdb, a fake Firefox profile named in
// profiles.ini (sql:), a legacy dbm: profile, and a profile with a primary password.

let work: string;
let caA: TestCa;
let caB: TestCa;
let preexisting: TestCa;

const bundle = (): RuntimeBundle => ({
  name: 'sandbox',
  certificates: [
    { pem: caA.pem, pin: caA.sha256 },
    { pem: caB.pem, pin: caB.sha256 },
  ],
});

function service(home: string, data: string, env: NodeJS.ProcessEnv = { PATH: process.env.PATH }, osReleaseFile?: string) {
  return new TrustService({ dataDir: data, homeDir: home, env, platform: 'linux', runtimeBundles: () => [bundle()], osReleaseFile, systemRoot: path.join(work, 'none') });
}

/** A fake Firefox install under HOME: profiles.ini naming one sql: profile and one dbm: profile. */
function fakeFirefox(home: string): { sqlProfile: string; dbmProfile: string } {
  const root = path.join(home, '.mozilla', 'firefox');
  const sqlProfile = path.join(root, 'abcd1234.default-release');
  const dbmProfile = path.join(root, 'old5678.legacy');
  mkdirSync(sqlProfile, { recursive: true });
  mkdirSync(dbmProfile, { recursive: true });
  writeFileSync(
    path.join(root, 'profiles.ini'),
    ['[Install4F96D1932A9F858E]', 'Default=abcd1234.default-release', '', '[Profile0]', 'Name=default-release', 'IsRelative=1', 'Path=abcd1234.default-release', 'Default=1', '',
      '[Profile1]', 'Name=legacy', 'IsRelative=1', 'Path=old5678.legacy', '', '[General]', 'StartWithLastProfile=1', 'Version=2', ''].join('\n'),
  );
  sh('certutil', ['-N', '--empty-password', '-d', `sql:${sqlProfile}`]);
  sh('certutil', ['-N', '--empty-password', '-d', `dbm:${dbmProfile}`]);
  return { sqlProfile, dbmProfile };
}

beforeAll(() => {
  work = tempDir('nss');
  caA = makeCa(work, 'ca-a', '/DC=org/DC=osg-onboard/CN=Sandbox Root A');
  caB = makeCa(work, 'ca-b', '/O=Ünïcode Grid/CN=Sandbox Root B');
  preexisting = makeCa(work, 'pre', '/O=User/CN=Already There');
});
afterAll(() => rmrf(work));

describe('NSS target', () => {
  it('installs with CT,C,C into a fresh ~/.pki/nssdb and every Firefox profile; twice changes nothing; undo removes exactly those', async () => {
    const home = tempDir('home');
    const data = tempDir('data');
    try {
      const nssdb = path.join(home, '.pki', 'nssdb');
      mkdirSync(nssdb, { recursive: true });
      sh('certutil', ['-N', '--empty-password', '-d', `sql:${nssdb}`]);
      const { sqlProfile, dbmProfile } = fakeFirefox(home);
      const dbs = [`sql:${nssdb}`, `sql:${sqlProfile}`, `dbm:${dbmProfile}`];
      // Entries the user already had: one other CA, and caB with weaker trust.
      for (const db of dbs) sh('certutil', ['-A', '-d', db, '-n', 'Users Own CA', '-t', 'C,,', '-i', preexisting.certFile]);
      sh('certutil', ['-A', '-d', `sql:${sqlProfile}`, '-n', 'B imported by hand', '-t', 'C,,', '-i', caB.certFile]);
      const before = dbs.map(nssList);

      const svc = service(home, data);
      const info = (await svc.targets()).find((t) => t.id === 'nss')!;
      expect(info.paths).toEqual(dbs);

      const r1 = await svc.install({ bundle: 'sandbox', targets: ['nss'] });
      expect(r1.results[0].status).toBe('changed');
      for (const db of dbs) {
        const list = nssList(db);
        expect(list.get('Sandbox Root A (OSG Onboard)'), db).toBe(NSS_TRUST);
        expect(list.get('Users Own CA'), db).toBe('C,,');
      }
      expect(nssList(`sql:${nssdb}`).get('Sandbox Root B (OSG Onboard)')).toBe('CT,C,C');
      // caB was already in the profile under the user's nickname: only its trust was raised.
      const prof = nssList(`sql:${sqlProfile}`);
      expect(prof.get('B imported by hand')).toBe('CT,C,C');
      expect(prof.has('Sandbox Root B (OSG Onboard)')).toBe(false);

      const afterFirst = dbs.map(nssList);
      const r2 = await svc.install({ bundle: 'sandbox', targets: ['nss'] });
      expect(r2.results[0].status).toBe('unchanged');
      expect(r2.results[0].changes.every((c) => c.action === 'keep')).toBe(true);
      expect(dbs.map(nssList)).toEqual(afterFirst);

      const u = await svc.undo(r1.installId);
      expect(u.results[0].status).toBe('changed');
      expect(dbs.map(nssList)).toEqual(before);
    } finally {
      rmrf(home, data);
    }
  });

  it('makes ~/.pki/nssdb when missing and undo takes the empty db (and the folders it made) away again', async () => {
    const home = tempDir('home');
    const data = tempDir('data');
    try {
      const svc = service(home, data);
      const r = await svc.install({ bundle: 'sandbox', targets: ['nss'] });
      expect(r.results[0].changes[0]).toMatchObject({ action: 'create', where: `sql:${path.join(home, '.pki', 'nssdb')}` });
      expect(nssList(`sql:${path.join(home, '.pki', 'nssdb')}`).get('Sandbox Root A (OSG Onboard)')).toBe('CT,C,C');
      await svc.undo(r.installId);
      expect(listTree(home)).toEqual([]);
    } finally {
      rmrf(home, data);
    }
  });

  it('a profile with a primary password: asks, refuses without it (db untouched), installs with it', async () => {
    const home = tempDir('home');
    const data = tempDir('data');
    try {
      const prof = path.join(home, '.mozilla', 'firefox', 'locked.default');
      mkdirSync(prof, { recursive: true });
      const pw = path.join(work, 'pw.txt');
      writeFileSync(pw, 'Prim4ry pässword\n');
      sh('certutil', ['-N', '-f', pw, '-d', `sql:${prof}`]);
      const svc = service(home, data);
      const asked: string[] = [];

      const declined = await svc.install({ bundle: 'sandbox', targets: ['nss'], nssPassword: async (db) => (asked.push(db.db), undefined) });
      expect(declined.results[0].status).toBe('failed');
      expect(declined.results[0].error?.code).toBe('TRUST_NSS_PASSWORD_NEEDED');
      expect(asked).toEqual([`sql:${prof}`]);
      expect(nssList(`sql:${prof}`).size).toBe(0);
      // The other db (made ~/.pki/nssdb) still got the CAs.
      expect(nssList(`sql:${path.join(home, '.pki', 'nssdb')}`).size).toBe(2);

      const wrong = await svc.install({ bundle: 'sandbox', targets: ['nss'], nssPassword: async () => 'not it' });
      expect(wrong.results[0].error?.code).toBe('TRUST_NSS_PASSWORD_WRONG');
      expect(nssList(`sql:${prof}`).size).toBe(0);

      const ok = await svc.install({ bundle: 'sandbox', targets: ['nss'], nssPassword: async () => 'Prim4ry pässword' });
      expect(ok.results[0].status).toBe('changed');
      expect(nssList(`sql:${prof}`).get('Sandbox Root A (OSG Onboard)')).toBe('CT,C,C');
      // No password file is left behind.
      expect(listTree(path.join(data, 'trust')).filter((f) => f.includes('.pw-'))).toEqual([]);
    } finally {
      rmrf(home, data);
    }
  });

  it('without certutil on PATH: the typed error names the package (Debian libnss3-tools, Fedora nss-tools), nothing changes', async () => {
    const home = tempDir('home');
    const data = tempDir('data');
    const bin = tempDir('bin');
    try {
      symlinkSync(sh('sh', ['-c', 'command -v openssl']).trim(), path.join(bin, 'openssl'));
      const debian = path.join(work, 'os-release-debian');
      const fedora = path.join(work, 'os-release-fedora');
      writeFileSync(debian, 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n');
      writeFileSync(fedora, 'NAME="Fedora Linux"\nID=fedora\n');

      const r = await service(home, data, { PATH: bin }, debian).install({ bundle: 'sandbox', targets: ['nss'] });
      expect(r.results[0].status).toBe('failed');
      expect(r.results[0].error).toMatchObject({ code: 'TRUST_CERTUTIL_MISSING', details: { package: 'libnss3-tools', install: 'sudo apt-get install libnss3-tools' } });
      expect(r.results[0].error!.hint).toContain('sudo apt-get install libnss3-tools');
      expect(listTree(home)).toEqual([]);

      const f = await service(home, data, { PATH: bin }, fedora).install({ bundle: 'sandbox', targets: ['nss'] });
      expect(f.results[0].error?.details?.package).toBe('nss-tools');
      const info = (await service(home, data, { PATH: bin }, fedora).targets()).find((t) => t.id === 'nss')!;
      expect(info).toMatchObject({ available: false, reason: 'certutil is not installed (sudo dnf install nss-tools)' });
    } finally {
      rmrf(home, data, bin);
    }
  });
});
