import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { macLoginKeychain, macosCommands, systemCommands, windowsCommands, SYSTEM_STORES, systemAnchorName } from '../../../electron/services/trust/targets/os-commands';
import { shellLine, windowsLine } from '../../../electron/services/trust/run';
import { TrustService } from '../../../electron/services/trust';
import { BUILTIN_BUNDLES } from '../../../electron/services/trust/bundles';

describe('macOS command builders', () => {
  const kc = macLoginKeychain('/Users/jane');
  it('adds to the login keychain as a trusted root', () => {
    expect(kc).toBe('/Users/jane/Library/Keychains/login.keychain-db');
    expect(macosCommands.add('/tmp/ca.pem', kc)).toEqual(['security', 'add-trusted-cert', '-r', 'trustRoot', '-k', '/Users/jane/Library/Keychains/login.keychain-db', '/tmp/ca.pem']);
  });
  it('finds, verifies and removes by SHA-1', () => {
    expect(macosCommands.find(kc)).toEqual(['security', 'find-certificate', '-a', '-Z', kc]);
    expect(macosCommands.verify('/tmp/ca.pem')).toEqual(['security', 'verify-cert', '-c', '/tmp/ca.pem', '-L']);
    expect(macosCommands.removeTrust('/tmp/ca.pem')).toEqual(['security', 'remove-trusted-cert', '/tmp/ca.pem']);
    expect(macosCommands.remove('ABCDEF', kc)).toEqual(['security', 'delete-certificate', '-Z', 'ABCDEF', kc]);
  });
});

describe('Windows command builders', () => {
  it('uses the current user’s Root store', () => {
    expect(windowsCommands.add('C:\\Users\\Jane\\ca.pem')).toEqual(['certutil', '-user', '-addstore', 'Root', 'C:\\Users\\Jane\\ca.pem']);
    expect(windowsCommands.find('ABCDEF')).toEqual(['certutil', '-user', '-verifystore', 'Root', 'ABCDEF']);
    expect(windowsCommands.remove('ABCDEF')).toEqual(['certutil', '-user', '-delstore', 'Root', 'ABCDEF']);
    expect(windowsLine(windowsCommands.add('C:\\Users\\Jane Doe\\ca.pem'))).toBe('certutil -user -addstore Root "C:\\Users\\Jane Doe\\ca.pem"');
  });
});

describe('system store commands and quoting', () => {
  it('Debian and Fedora anchors with their refresh commands', () => {
    const [debian, fedora] = SYSTEM_STORES;
    expect(systemCommands.install('/d/ca.pem', '/usr/local/share/ca-certificates/x.crt')).toEqual(['sudo', 'install', '-m', '0644', '/d/ca.pem', '/usr/local/share/ca-certificates/x.crt']);
    expect(systemCommands.refresh(debian)).toEqual(['sudo', 'update-ca-certificates']);
    expect(systemCommands.refresh(fedora)).toEqual(['sudo', 'update-ca-trust', 'extract']);
    expect(systemAnchorName('ISRG Root X1', '96:BC:EC:06:aa', '.crt')).toBe('osg-onboard-isrg-root-x1-96bcec06.crt');
  });
  it('shell quoting survives spaces and quotes', () => {
    expect(shellLine(['certutil', '-n', "Jane's CA (OSG Onboard)", '-t', 'CT,C,C'])).toBe("certutil -n 'Jane'\\''s CA (OSG Onboard)' -t CT,C,C");
  });
});

describe('OS targets on the wrong system', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'osg-trust-os-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const svc = (platform: NodeJS.Platform, systemRoot = path.join(dir, 'root')) =>
    new TrustService({ dataDir: path.join(dir, 'data'), homeDir: path.join(dir, 'home'), env: { PATH: '' }, platform, systemRoot });

  it('macOS and Windows targets are unavailable on Linux and refuse with a typed error, running nothing', async () => {
    const infos = await svc('linux').targets();
    expect(infos.find((t) => t.id === 'macos-keychain')).toMatchObject({ available: false, reason: 'only on macOS', defaultSelected: false });
    expect(infos.find((t) => t.id === 'windows-user-root')).toMatchObject({ available: false, reason: 'only on Windows' });
    const r = await svc('linux').install({ bundle: 'osg', targets: ['macos-keychain', 'windows-user-root'] });
    expect(r.results.map((x) => [x.status, x.error?.code])).toEqual([['failed', 'TRUST_TARGET_UNAVAILABLE'], ['failed', 'TRUST_TARGET_UNAVAILABLE']]);
  });

  it('the plan shows the exact macOS and Windows commands for the roots only', async () => {
    const mac = await svc('linux').plan({ bundle: 'osg', targets: ['macos-keychain', 'windows-user-root'] });
    const roots = BUILTIN_BUNDLES[0].certificates.filter((c) => c.role === 'root').length;
    expect(mac.targets[0].commands).toHaveLength(roots);
    expect(mac.targets[0].commands[0]).toMatch(new RegExp(`^security add-trusted-cert -r trustRoot -k ${path.join(dir, 'home')}/Library/Keychains/login.keychain-db ${path.join(dir, 'data')}/trust/export/e793c9b02fd8aa13-fc5a8f99\\.pem$`));
    expect(mac.targets[1].commands[0]).toBe(`certutil -user -addstore Root ${path.join(dir, 'data')}/trust/export/e793c9b02fd8aa13-fc5a8f99.pem`);
  });

  it('system-wide install is offered as a command (needs-root), never run; present anchors are unchanged', async () => {
    const anchors = path.join(dir, 'root', 'usr', 'local', 'share', 'ca-certificates');
    mkdirSync(anchors, { recursive: true });
    const s = svc('linux');
    const r = await s.install({ bundle: 'osg', targets: ['system'] });
    expect(r.results[0].status).toBe('needs-root');
    expect(r.results[0].command).toMatch(/^sudo install -m 0644 \S+\/e793c9b02fd8aa13-fc5a8f99\.pem \/usr\/local\/share\/ca-certificates\/osg-onboard-usertrust-rsa-certification-authority-e793c9b0\.crt && /);
    expect(r.results[0].command).toMatch(/ && sudo update-ca-certificates$/);
    // Nothing was written to the system folder.
    expect(readdirSync(anchors)).toEqual([]);
    // The user ran it: now unchanged, and undo offers the removal command.
    for (const m of r.results[0].command!.matchAll(/install -m 0644 (\S+) \/usr\/local\/share\/ca-certificates\/(\S+\.crt)/g)) {
      writeFileSync(path.join(anchors, m[2]), readFileSync(m[1]));
    }
    expect((await s.install({ bundle: 'osg', targets: ['system'] })).results[0].status).toBe('unchanged');
    const u = await s.undo(r.installId);
    expect(u.results[0].status).toBe('needs-root');
    expect(u.results[0].command).toMatch(/^sudo rm -f \/usr\/local\/share\/ca-certificates\/osg-onboard-.*&& sudo update-ca-certificates$/);
  });
});
