import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InstallRecords, type InstallRecord } from '../../../electron/services/trust/records';

const dir = mkdtempSync(path.join(os.tmpdir(), 'osg-trust-records-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const record = (id: string, at: string): InstallRecord => ({ version: 1, id, bundle: 'sandbox', at, targets: ['app'], results: [], undo: { app: [{ kind: 'app-cert-added', sha256: 'x' } as never] } });

describe('install records', () => {
  it('lists newest first by the recorded time, also for two installs in the same second (ids sort randomly then)', async () => {
    const records = new InstallRecords(dir);
    // Same second: the newer one's random suffix sorts BEFORE the older one's.
    await records.save(record('20261124T205901Z-ffffffff', '2026-11-24T20:59:01.100Z'));
    await records.save(record('20261124T205901Z-00000000', '2026-11-24T20:59:01.900Z'));
    await records.save(record('20261124T205859Z-88888888', '2026-11-24T20:58:59.500Z'));
    expect((await records.list()).map((r) => r.id)).toEqual(['20261124T205901Z-00000000', '20261124T205901Z-ffffffff', '20261124T205859Z-88888888']);
  });
});
