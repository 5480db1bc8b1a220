import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { TrustService, appTlsCa, appTrustFile, readAppTrust } from '../../../electron/services/trust';
import { BUILTIN_BUNDLES } from '../../../electron/services/trust/bundles';
import { parseCa } from '../../../electron/services/trust/certificate';

const osg = BUILTIN_BUNDLES[0];
let dir: string;
let data: string;
let svc: TrustService;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'osg-trust-app-'));
  data = path.join(dir, 'data');
  // A one-CA bundle of the user's own CA is the runtime one; osg is shipped.
  svc = new TrustService({ dataDir: data, homeDir: path.join(dir, 'home'), env: { PATH: '' }, platform: 'linux', systemRoot: dir });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('app trust store', () => {
  it('adds the bundle once, keeps entries that were there, and undo removes only its own', async () => {
    const file = appTrustFile(data);
    mkdirSync(path.dirname(file), { recursive: true });
    const own = osg.certificates[3].pem; // pretend the user trusted ISRG Root X2 earlier
    writeFileSync(file, `# added by hand\n${own}`);

    const r1 = await svc.install({ bundle: 'osg', targets: ['app'] });
    expect(r1.results[0].status).toBe('changed');
    expect(r1.results[0].changes.filter((c) => c.action === 'add')).toHaveLength(osg.certificates.length - 1);
    expect(r1.results[0].changes.find((c) => c.action === 'keep')?.ca).toBe('ISRG Root X2');
    const pems = await readAppTrust(data);
    expect(pems).toHaveLength(osg.certificates.length);
    expect(statSync(file).mode & 0o777).toBe(0o644);

    const r2 = await svc.install({ bundle: 'osg', targets: ['app'] });
    expect(r2.results[0].status).toBe('unchanged');

    await svc.undo(r1.installId);
    expect(readFileSync(file, 'utf8')).toBe(`# added by hand\n${parseCa(own).pem}`);
  });

  it('when the install made the file, undo deletes it; the TLS ca option keeps the public roots', async () => {
    const r = await svc.install({ bundle: 'osg', targets: ['app'] });
    const ca = await appTlsCa(data);
    expect(ca).toHaveLength(rootCertificates.length + osg.certificates.length);
    expect(ca.slice(0, rootCertificates.length)).toEqual([...rootCertificates]);
    await svc.undo(r.installId);
    expect(existsSync(appTrustFile(data))).toBe(false);
    expect(await appTlsCa(data)).toHaveLength(rootCertificates.length);
  });

  it('records each install in the data folder; unknown ids are a typed error', async () => {
    const r = await svc.install({ bundle: 'osg', targets: ['app'] });
    const list = await svc.installs();
    expect(list).toEqual([{ id: r.installId, bundle: 'osg', at: r.at, targets: ['app'], undoable: true, undoneAt: undefined }]);
    await expect(svc.undo('20260101T000000Z-00000000')).rejects.toMatchObject({ code: 'TRUST_INSTALL_NOT_FOUND' });
    await expect(svc.undo('../../etc/passwd')).rejects.toMatchObject({ code: 'TRUST_INSTALL_NOT_FOUND' });
    await expect(svc.install({ bundle: 'osg', targets: ['bogus' as never] })).rejects.toMatchObject({ code: 'TRUST_TARGET_UNKNOWN' });
  });
});
