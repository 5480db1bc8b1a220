import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { certutilPackage, parseCertutilList, trustCovers, trustUnion } from '../../../electron/services/trust/targets/nss-certutil';
import { discoverNssDbs, firefoxRoots, parseProfilesIni } from '../../../electron/services/trust/targets/nss-discovery';

describe('certutil -L output', () => {
  it('reads nicknames with spaces and empty trust fields', () => {
    const out = [
      '',
      'Certificate Nickname                                         Trust Attributes',
      '                                                             SSL,S/MIME,JAR/XPI',
      '',
      'ISRG Root X1 (OSG Onboard)                                   CT,C,C',
      'Users Own CA                                                 C,,  ',
      'my cert                                                      u,u,u',
      'distrusted                                                   ,,   ',
    ].join('\n');
    expect(parseCertutilList(out)).toEqual([
      { nickname: 'ISRG Root X1 (OSG Onboard)', trust: 'CT,C,C' },
      { nickname: 'Users Own CA', trust: 'C,,' },
      { nickname: 'my cert', trust: 'u,u,u' },
      { nickname: 'distrusted', trust: ',,' },
    ]);
  });

  it('trust: covers and the smallest union', () => {
    expect(trustCovers('CT,C,C', 'CT,C,C')).toBe(true);
    expect(trustCovers('CTP,Cu,C', 'CT,C,C')).toBe(true);
    expect(trustCovers('C,,', 'CT,C,C')).toBe(false);
    expect(trustUnion('C,,', 'CT,C,C')).toBe('CT,C,C');
    expect(trustUnion('P,u,', 'CT,C,C')).toBe('PCT,uC,C');
  });
});

describe('which package has certutil', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'osg-trust-osr-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const pkg = (text: string, platform: NodeJS.Platform = 'linux') => {
    const f = path.join(dir, 'os-release');
    writeFileSync(f, text);
    return certutilPackage({ platform, osReleaseFile: f }).package;
  };
  it('by os-release ID / ID_LIKE', () => {
    expect(pkg('ID=ubuntu\nID_LIKE=debian\n')).toBe('libnss3-tools');
    expect(pkg('ID=linuxmint\nID_LIKE="ubuntu debian"\n')).toBe('libnss3-tools');
    expect(pkg('ID="rocky"\nID_LIKE="rhel centos fedora"\n')).toBe('nss-tools');
    expect(pkg('ID=fedora\n')).toBe('nss-tools');
    expect(pkg('ID="opensuse-tumbleweed"\nID_LIKE="opensuse suse"\n')).toBe('mozilla-nss-tools');
    expect(pkg('ID=arch\n')).toBe('nss');
    expect(pkg('', 'darwin')).toBe('nss');
  });
});

describe('Firefox profiles', () => {
  it('profiles.ini: relative and absolute paths, only [ProfileN] sections', () => {
    const ini = '[Install123]\nDefault=x.default\n\n[Profile1]\nName=work\nIsRelative=0\nPath=/data/ff/work\n\n[Profile0]\nName=default\nIsRelative=1\nPath=Profiles/x.default\n; comment\n[General]\nVersion=2\n';
    expect(parseProfilesIni(ini, '/h/.mozilla/firefox')).toEqual([
      { name: 'work', dir: '/data/ff/work' },
      { name: 'default', dir: '/h/.mozilla/firefox/Profiles/x.default' },
    ]);
  });

  it('looks in native, snap and flatpak folders on Linux; Application Support on macOS', () => {
    expect(firefoxRoots({ homeDir: '/h', env: {}, platform: 'linux' })).toEqual(['/h/.mozilla/firefox', '/h/snap/firefox/common/.mozilla/firefox', '/h/.var/app/org.mozilla.firefox/.mozilla/firefox']);
    expect(firefoxRoots({ homeDir: '/Users/j', env: {}, platform: 'darwin' })).toEqual(['/Users/j/Library/Application Support/Firefox']);
  });

  it('finds sql: and dbm: dbs, a snap profile, skips a profile without a db (with a note)', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'osg-trust-ff-'));
    try {
      const ff = path.join(home, '.mozilla', 'firefox');
      for (const [p, f] of [['a.default', 'cert9.db'], ['b.old', 'cert8.db']]) {
        mkdirSync(path.join(ff, p), { recursive: true });
        writeFileSync(path.join(ff, p, f), '');
      }
      mkdirSync(path.join(ff, 'c.new'));
      writeFileSync(path.join(ff, 'profiles.ini'), '[Profile0]\nName=default\nIsRelative=1\nPath=a.default\n[Profile1]\nName=never-started\nIsRelative=1\nPath=c.new\n');
      const snap = path.join(home, 'snap', 'firefox', 'common', '.mozilla', 'firefox', 's.default');
      mkdirSync(snap, { recursive: true });
      writeFileSync(path.join(snap, 'cert9.db'), '');
      const { dbs, notes } = await discoverNssDbs({ homeDir: home, env: {}, platform: 'linux' });
      expect(dbs.map((d) => [d.db, d.label, d.exists])).toEqual([
        [`sql:${path.join(home, '.pki', 'nssdb')}`, 'Chromium / Chrome / Electron', false],
        [`sql:${path.join(ff, 'a.default')}`, 'Firefox: default', true],
        [`dbm:${path.join(ff, 'b.old')}`, 'Firefox: b.old', true],
        [`sql:${snap}`, 'Firefox: s.default', true],
      ]);
      expect(notes.join(' ')).toMatch(/never-started.*has no certificate database yet/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
