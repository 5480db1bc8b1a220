// The Trust CAs step's handlers over a real TrustService in temp folders (targets app + X509 dir:
// files only; the NSS target is covered by test/integration/trust and the E2E).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Journal } from '../../../electron/services/journal/journal';
import { VoService } from '../../../electron/services/vo/vo-service';
import { TrustService } from '../../../electron/services/trust/trust-service';
import { sandboxBundles, trustStepHandlers } from '../../../electron/services/trust/trust-handlers';
import { describeInstall, nssDbResults, tildePath } from '../../../electron/services/trust/trust-step-results';
import { createDispatcher, type Handlers } from '../../../electron/services/dispatch';
import { Sandbox } from '../../../electron/sandbox';
import type { EventPayload } from '../../../shared/contract';
import type { RuntimeBundle, TargetResult } from '../../../electron/services/trust/types';

let sandboxData: string;
let sandboxBundle: RuntimeBundle;
let home: string;
let data: string;
let journal: Journal;
let events: EventPayload<'progress'>[];
const now = () => new Date('2026-11-24T10:00:00.000Z');

beforeAll(async () => {
  // One sandbox CA for the file (made once: RSA keygen).
  sandboxData = mkdtempSync(path.join(os.tmpdir(), 'osg-trust-step-ca-'));
  // Through the same provider the app uses: it works on a fresh data folder.
  [sandboxBundle] = await sandboxBundles(new Sandbox({ dataDir: sandboxData }))();
});
afterAll(() => rmSync(sandboxData, { recursive: true, force: true }));

beforeEach((ctx) => {
  home = mkdtempSync(path.join(os.tmpdir(), 'osg-trust-step-home-'));
  data = mkdtempSync(path.join(os.tmpdir(), 'osg-trust-step-data-'));
  journal = new Journal(data, now);
  events = [];
  ctx.onTestFinished(() => {
    rmSync(home, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
  });
});

function setup() {
  const env = { PATH: '' }; // no certutil: the browser target is unavailable, deterministically
  const vo = new VoService({ environment: 'sandbox', journal, now });
  const trust = new TrustService({ dataDir: data, homeDir: home, env, now, platform: 'linux', systemRoot: path.join(home, 'no-system'), runtimeBundles: () => [sandboxBundle] });
  const h = trustStepHandlers({ journal, vo, trust, homeDir: home, env, platform: 'linux', emit: (_e, p) => void events.push(p as EventPayload<'progress'>) });
  return { vo, trust, h, dispatch: createDispatcher(h as unknown as Handlers) };
}

describe('trustOverview', () => {
  it('needs a VO first', async () => {
    const { dispatch } = setup();
    expect(await dispatch('trustOverview', {})).toMatchObject({ ok: false, error: { code: 'TRUST_NO_VO', hint: expect.stringContaining('Choose VO') } });
  });

  it('the sandbox VO gets the sandbox CA; targets with paths and availability; no install yet', async () => {
    const { vo, h } = setup();
    await vo.choose('sandbox');
    const o = await h.trustOverview({});
    expect(o).toMatchObject({ vo: 'sandbox', requestedBundle: 'sandbox', lastInstall: null });
    // ~/.pki/nssdb is listed (the install would make it), even though certutil is missing here.
    expect(o.nssDbs).toEqual([{ db: `sql:${path.join(home, '.pki', 'nssdb')}`, label: 'Chromium / Chrome / Electron', exists: false, needsPassword: false }]);
    expect(o.bundle).toMatchObject({ name: 'sandbox', runtime: true });
    expect(o.bundle.certificates).toHaveLength(1);
    expect(o.bundle.certificates[0].sha256).toBe(sandboxBundle.certificates[0].pin);
    expect(o.bundle.certificates[0]).toMatchObject({ role: 'root', hasSigningPolicy: true, notAfter: expect.any(String) });
    const byId = Object.fromEntries(o.targets.map((t) => [t.id, t]));
    expect(byId.app).toMatchObject({ available: true, defaultSelected: true, paths: [path.join(data, 'trust', 'app-ca.pem')] });
    expect(byId.x509).toMatchObject({ available: true, paths: [path.join(home, '.globus', 'certificates')] });
    expect(byId.nss).toMatchObject({ available: false, reason: expect.stringContaining('certutil is not installed') });
    expect(byId['macos-keychain']).toMatchObject({ available: false, reason: 'only on macOS' });
  });

  it('a real VO naming igtf-classic gets the shipped OSG bundle (alias)', async () => {
    const { vo, h } = setup();
    await vo.choose('osg');
    const o = await h.trustOverview({});
    expect(o.requestedBundle).toBe('igtf-classic');
    expect(o.bundle.name).toBe('osg');
    expect(o.bundle.certificates.length).toBeGreaterThan(3);
  });
});

describe('trustInstall / trustUndo', () => {
  it('app + X509 dir: files written, progress per target, journal section, step done with the summary', async () => {
    const { vo, h } = setup();
    await vo.choose('sandbox');
    const r = await h.trustInstall({ targets: ['app', 'x509'] });
    expect(r.results.map((x) => [x.target, x.status])).toEqual([['app', 'changed'], ['x509', 'changed']]);
    expect(r).toMatchObject({ stepDone: true, summary: 'sandbox CA → app, ~/.globus/certificates', passwordNeeded: [] });
    const hash = (await h.trustOverview({})).bundle.certificates[0].subjectHash;
    expect(readdirSync(path.join(home, '.globus', 'certificates')).sort()).toEqual([`${hash}.0`, `${hash}.signing_policy`]);
    expect(events.map((e) => [e.task, e.fraction])).toEqual([
      ['trust-install:app', null], ['trust-install:app', 1], ['trust-install:x509', null], ['trust-install:x509', 1],
    ]);
    expect(events[0].label).toBe('Installing into OSG Onboard itself…');
    const j = JSON.parse(readFileSync(journal.path, 'utf8'));
    expect(j.steps.trust).toMatchObject({ status: 'done', summary: 'sandbox CA → app, ~/.globus/certificates' });
    expect(j.trust).toMatchObject({ vo: 'sandbox', bundle: 'sandbox', lastInstallId: r.installId, results: { app: 'changed', x509: 'changed' } });
    expect((await h.trustOverview({})).lastInstall).toMatchObject({ id: r.installId, undoable: true });

    // Twice: nothing changes, still done.
    const again = await h.trustInstall({ targets: ['app', 'x509'] });
    expect(again.results.map((x) => x.status)).toEqual(['unchanged', 'unchanged']);
    expect(again.stepDone).toBe(true);

    // Undo the first install: the files go, the step is open again.
    const u = await h.trustUndo({ installId: r.installId });
    expect(u.results.map((x) => [x.target, x.status])).toEqual([['x509', 'changed'], ['app', 'changed']]);
    expect(existsSync(path.join(home, '.globus'))).toBe(false);
    expect(existsSync(path.join(data, 'trust', 'app-ca.pem'))).toBe(false);
    const after = await new Journal(data, now).read();
    expect(after.steps.trust).toMatchObject({ status: 'in-progress', summary: 'CAs removed (undo)' });
    expect((after as Record<string, unknown>).trust).toMatchObject({ lastUndo: { installId: r.installId, at: expect.any(String) } });
    expect((await h.trustOverview({})).lastInstall).toBeNull();
  });

  it('only the app: installed, but the step is not done (the X509 folder is missing)', async () => {
    const { vo, h } = setup();
    await vo.choose('sandbox');
    const r = await h.trustInstall({ targets: ['app'] });
    expect(r).toMatchObject({ stepDone: false, summary: 'sandbox CA → app' });
    expect((await journal.read()).steps.trust).toMatchObject({ status: 'in-progress' });
  });

  it('an unavailable target is reported as failed with its reason; the others still go in', async () => {
    const { vo, h } = setup();
    await vo.choose('sandbox');
    const r = await h.trustInstall({ targets: ['app', 'x509', 'nss', 'windows-user-root'] });
    const by = Object.fromEntries(r.results.map((x) => [x.target, x]));
    expect(by.nss).toMatchObject({ status: 'failed', error: { code: 'TRUST_CERTUTIL_MISSING' } });
    expect(by['windows-user-root']).toMatchObject({ status: 'failed', error: { code: 'TRUST_TARGET_UNAVAILABLE' } });
    expect(r.stepDone).toBe(true);
    expect(r.summary).toBe('sandbox CA → app, ~/.globus/certificates (2 failed)');
  });

  it('browser passwords go in only: never in the journal, the install record or the answer', async () => {
    const { vo, h } = setup();
    await vo.choose('sandbox');
    const secret = 'Prim4ry-secret-xyz';
    const r = await h.trustInstall({ targets: ['app', 'x509'], nssPasswords: [{ db: `sql:${home}/.pki/nssdb`, password: secret }] });
    expect(JSON.stringify(r)).not.toContain(secret);
    expect(readFileSync(journal.path, 'utf8')).not.toContain(secret);
    const recordDir = path.join(data, 'trust', 'installs');
    for (const f of readdirSync(recordDir)) expect(readFileSync(path.join(recordDir, f), 'utf8')).not.toContain(secret);
  });
});

describe('input validation (through the dispatcher)', () => {
  it('refuses bad targets, bad databases, bad install ids and unknown fields', async () => {
    const { vo, dispatch } = setup();
    await vo.choose('sandbox');
    const cases: [string, unknown, string][] = [
      ['trustInstall', { targets: [] }, 'targets'],
      ['trustInstall', { targets: ['browser'] }, 'targets[0]'],
      ['trustInstall', { targets: ['app'], nssPasswords: [{ db: '/home/u/.pki/nssdb', password: 'x' }] }, 'nssPasswords[0].db'],
      ['trustInstall', { targets: ['app'], nssPasswords: [{ db: 'sql:/x', password: 'x', remember: true }] }, 'nssPasswords[0]'],
      ['trustInstall', { targets: ['app'], bundle: 'other' }, 'input'],
      ['trustPlan', { targets: 'app' }, 'targets'],
      ['trustUndo', { installId: '../../etc/passwd' }, 'installId'],
    ];
    for (const [name, input, field] of cases) {
      const r = await dispatch(name, input);
      expect(r, `${name} ${JSON.stringify(input)}`).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', details: { field } } });
    }
    expect(existsSync(path.join(data, 'trust', 'installs'))).toBe(false);
  });

  it('undo of an unknown install says so', async () => {
    const { dispatch } = setup();
    expect(await dispatch('trustUndo', { installId: '20260101T000000Z-deadbeef' })).toMatchObject({ ok: false, error: { code: 'TRUST_INSTALL_NOT_FOUND' } });
  });

  it('trustPlan gives the shell commands of each target', async () => {
    const { vo, h } = setup();
    await vo.choose('sandbox');
    const p = await h.trustPlan({ targets: ['x509'] });
    expect(p.bundle).toBe('sandbox');
    expect(p.targets[0].commands[0]).toBe(`mkdir -p -m 0755 ${path.join(home, '.globus', 'certificates')}`);
    expect(p.targets[0].commands.some((c) => c.startsWith('install -m 0644 '))).toBe(true);
  });
});

describe('per-database results and summaries (pure)', () => {
  const dbs = [
    { db: 'sql:/h/.pki/nssdb', label: 'Chromium / Chrome / Electron' },
    { db: 'sql:/h/.mozilla/firefox/locked', label: 'Firefox: locked' },
  ];
  const needed = { code: 'TRUST_NSS_PASSWORD_NEEDED' as const, message: 'The browser certificate database Firefox: locked (/h/.mozilla/firefox/locked) is protected by a password (the Firefox “Primary Password”).', hint: 'Enter it.' };
  const base: TargetResult = {
    target: 'nss',
    status: 'failed',
    error: needed,
    changes: [{ action: 'add', ca: 'Sandbox CA', where: 'sql:/h/.pki/nssdb' }],
    notes: [`Firefox: locked: ${needed.message}`],
  };

  it('a skipped database is “skipped”, and skips alone do not fail the target', () => {
    const r = nssDbResults(base, dbs, { missing: new Map(), skipped: new Map([[dbs[1].db, dbs[1].label]]) });
    expect(r.status).toBe('changed');
    expect(r.error).toBeUndefined();
    expect(r.dbs).toEqual([
      { db: dbs[0].db, label: dbs[0].label, status: 'changed' },
      { db: dbs[1].db, label: dbs[1].label, status: 'skipped', message: expect.stringContaining('skipped as you asked') },
    ]);
    expect(r.notes).toEqual(['Firefox: locked: skipped (protected by a Primary Password).']);
  });

  it('a database with no password given is “password needed” and the target stays failed', () => {
    const r = nssDbResults(base, dbs, { missing: new Map([[dbs[1].db, dbs[1].label]]), skipped: new Map() });
    expect(r.status).toBe('failed');
    expect(r.dbs?.[1]).toMatchObject({ status: 'password-needed', message: needed.message });
  });

  it('a target that failed before any database (no certutil) marks each database failed', () => {
    const r = nssDbResults({ ...base, changes: [], notes: [], error: { code: 'TRUST_CERTUTIL_MISSING', message: 'certutil missing', hint: 'install it' } }, dbs, { missing: new Map(), skipped: new Map() });
    expect(r.dbs?.map((d) => d.status)).toEqual(['failed', 'failed']);
  });

  it('summaries say where the CAs went', () => {
    const bundle = { name: 'osg', certificates: new Array(14) } as never;
    const results = [
      { target: 'app', status: 'changed', changes: [], notes: [] },
      { target: 'x509', status: 'unchanged', changes: [], notes: [] },
      { target: 'nss', status: 'changed', changes: [], notes: [], dbs: [{ db: 'a', label: 'a', status: 'changed' }, { db: 'b', label: 'b', status: 'unchanged' }] },
    ] as const;
    expect(describeInstall(bundle, results, true, '/h/.globus/certificates', '/h')).toBe('14 OSG CAs → app, ~/.globus/certificates, 2 browser dbs');
    expect(describeInstall(bundle, [], false, '/etc/grid-security/certificates', '/h')).toBe('14 OSG CAs: not installed');
    const waiting = [...results.slice(0, 2), { target: 'nss', status: 'failed', changes: [], notes: [], dbs: [{ db: 'a', label: 'a', status: 'changed' }, { db: 'b', label: 'b', status: 'password-needed' }] }, { target: 'macos-keychain', status: 'failed', changes: [], notes: [] }] as const;
    expect(describeInstall(bundle, waiting, true, '/h/.globus/certificates', '/h')).toBe('14 OSG CAs → app, ~/.globus/certificates, 1 browser db (1 failed; 1 browser db needs its password)');
    expect(tildePath('/h2/x', '/h')).toBe('/h2/x');
  });
});
