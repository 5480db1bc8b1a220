import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { voEntrySchema, type VoEntry } from '../../../shared/vo';
import { writeVomsesFiles } from '../../../electron/services/registration/vomses';
import { OnboardError } from '../../../shared/errors';

let home: string;
beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'osg-vomses-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const vo = (servers: VoEntry['vomsServers']): VoEntry =>
  voEntrySchema.parse({
    name: 'testvo',
    displayName: 'Test VO',
    description: 'A VO for tests',
    registration: { kind: 'voms-admin', url: 'https://voms.example.org:8443/voms/testvo' },
    vomsServers: servers,
  });

const now = () => new Date('2026-11-24T15:30:01Z');

describe('writeVomsesFiles', () => {
  it('writes the vomses line and the .lsc with the exact format and modes', async () => {
    const entry = vo([
      { host: 'voms1.example.org', port: 15000, dn: '/DC=org/DC=example/CN=voms1.example.org', caDn: '/DC=org/DC=example/CN=Example CA' },
      // RFC 4514 input is written in slash form; no CA DN → no .lsc.
      { host: 'voms2.example.org', port: 15001, dn: 'CN=voms2.example.org,DC=example,DC=org' },
    ]);
    const written = await writeVomsesFiles(entry, { homeDir: home, now });
    expect(written.map((w) => path.relative(home, w.path))).toEqual(['.glite/vomses/testvo', '.glite/vomsdir/testvo/voms1.example.org.lsc']);
    expect(readFileSync(path.join(home, '.glite/vomses/testvo'), 'utf8')).toBe(
      '"testvo" "voms1.example.org" "15000" "/DC=org/DC=example/CN=voms1.example.org" "testvo"\n' +
        '"testvo" "voms2.example.org" "15001" "/DC=org/DC=example/CN=voms2.example.org" "testvo"\n',
    );
    expect(readFileSync(path.join(home, '.glite/vomsdir/testvo/voms1.example.org.lsc'), 'utf8')).toBe(
      '/DC=org/DC=example/CN=voms1.example.org\n/DC=org/DC=example/CN=Example CA\n',
    );
    expect(statSync(path.join(home, '.glite/vomses/testvo')).mode & 0o777).toBe(0o644);
    expect(statSync(path.join(home, '.glite/vomsdir/testvo/voms1.example.org.lsc')).mode & 0o777).toBe(0o644);
    expect(statSync(path.join(home, '.glite/vomses')).mode & 0o777).toBe(0o755);
    expect(statSync(path.join(home, '.glite/vomsdir/testvo')).mode & 0o777).toBe(0o755);
  });

  it('keeps a different existing file as a backup and leaves an identical one alone', async () => {
    mkdirSync(path.join(home, '.glite/vomses'), { recursive: true });
    const file = path.join(home, '.glite/vomses/testvo');
    writeFileSync(file, '"testvo" "old.example.org" "15000" "/CN=old" "testvo"\n');
    const entry = vo([{ host: 'voms1.example.org', port: 15000, dn: '/CN=voms1.example.org', caDn: '/CN=CA' }]);
    const [first] = await writeVomsesFiles(entry, { homeDir: home, now });
    expect(first.status).toBe('written');
    expect(first.backupPath).toBe(`${file}.bak-20261124T153001Z`);
    expect(readFileSync(first.backupPath!, 'utf8')).toContain('old.example.org');
    const [second] = await writeVomsesFiles(entry, { homeDir: home, now });
    expect(second.status).toBe('unchanged');
    expect(readdirSync(path.dirname(file)).sort()).toEqual(['testvo', 'testvo.bak-20261124T153001Z']);
  });

  it('writes nothing for a VO without VOMS servers', async () => {
    expect(await writeVomsesFiles(vo([]), { homeDir: home })).toEqual([]);
    expect(() => statSync(path.join(home, '.glite'))).toThrow();
  });

  it('refuses a DN that would break the quoted vomses line, before writing anything', async () => {
    const entry = vo([{ host: 'voms1.example.org', port: 15000, dn: '/DC=org/CN=evil"name', caDn: '/CN=CA' }]);
    await expect(writeVomsesFiles(entry, { homeDir: home })).rejects.toSatisfy((e: unknown) => e instanceof OnboardError && e.code === 'REGISTRATION_VOMSES_INVALID');
    expect(() => statSync(path.join(home, '.glite'))).toThrow();
  });
});
