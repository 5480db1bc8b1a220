/**
 * The help desk's side, through the real CLI (`osg-onboard support bundle`, `support replay`):
 * a user's bundle seeds a FRESH sandbox folder with the same VO and step statuses; bad bundles
 * and unsafe folders are refused naming the problem; the replay folder stays in the sandbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../../helpers/web-app';
import { createDispatcher, createServices } from '../../../electron/services';
import { Journal } from '../../../electron/services/journal/journal';
import { REPLAY_HOME, freshReplayDir, readBundle } from '../../../electron/services/support';
import { OnboardError } from '../../../shared/errors';

const run = promisify(execFile);
let root: string;
let userData: string;
let userHome: string;
let bundleFile: string;

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [path.join(ROOT, 'build', 'bin', 'osg-onboard.mjs'), ...args], {
      cwd: ROOT,
      env: { ...process.env, OSG_ONBOARD_FROM_SOURCE: '1', X509_USER_PROXY: path.join(root, 'none'), ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'osg-replay-'));
  userData = path.join(root, 'user-data');
  userHome = path.join(root, 'user-home');
  mkdirSync(userHome, { recursive: true });
  // The user's journey: VO chosen, Trust done, Request failed (a real failing call through the dispatcher).
  const s = createServices({ shell: 'browser', dataDir: userData, homeDir: userHome, environment: 'production' });
  const call = createDispatcher(s.handlers);
  expect((await call('voChoose', { name: 'osg' })).ok).toBe(true);
  await s.journal.update((j) => {
    s.journal.setStep(j, 'trust', 'done', 'sandbox CAs installed');
    s.journal.setStep(j, 'request', 'failed', `CA not trusted (${userHome}/x)`);
  });
  expect((await call('voChoose', { name: 'no-such-vo' })).ok).toBe(false);
  await s.dispose();
  bundleFile = path.join(root, 'alice-bundle.json');
}, 60_000);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('osg-onboard support bundle / support replay', () => {
  it('saves the bundle at --out, 0600, and never over an existing file', async () => {
    const r = await cli(['support', 'bundle', '--out', bundleFile, '--json'], { OSG_ONBOARD_DATA: userData, HOME: userHome, OSG_ONBOARD_ENV: 'production' });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const saved = JSON.parse(r.stdout);
    expect(saved.path).toBe(bundleFile);
    expect(statSync(bundleFile).mode & 0o777).toBe(0o600);
    const b = JSON.parse(readFileSync(bundleFile, 'utf8'));
    expect(b.app.environment).toBe('production');
    expect(b.errors.map((e: { code: string }) => e.code)).toContain('VO_NOT_FOUND');
    expect(readFileSync(bundleFile, 'utf8')).not.toContain(userHome);
    const again = await cli(['support', 'bundle', '--out', bundleFile, '--json'], { OSG_ONBOARD_DATA: userData, HOME: userHome });
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout).error.code).toBe('FILE_EXISTS');
  });

  it('seeds a fresh folder with the user’s VO and step statuses, marks it a replay, and stays in the sandbox', async () => {
    const dir = path.join(root, 'replay-1');
    const r = await cli(['support', 'replay', bundleFile, '--data', dir, '--no-serve', '--json']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.dataDir).toBe(dir);
    expect(out.homeDir).toBe(path.join(dir, REPLAY_HOME));
    expect(out.webLine).toContain(`OSG_ONBOARD_DATA='${dir}'`);
    const user = await new Journal(userData).read();
    const replay = await new Journal(dir).read();
    expect(replay.vo).toEqual(user.vo);
    expect(replay.steps).toEqual(JSON.parse(readFileSync(bundleFile, 'utf8')).journey.steps);
    expect(replay.steps.request?.status).toBe('failed');
    expect(replay.history.at(-1)).toMatchObject({ step: 'support', event: 'replay' });
    expect(statSync(path.join(dir, 'replay.json')).mode & 0o777).toBe(0o600);
    // Whatever the environment asks, a replay folder runs in the sandbox; the window learns it is a replay.
    const s = createServices({ shell: 'browser', dataDir: dir, homeDir: out.homeDir, environment: 'production' });
    try {
      expect(s.context.environment).toBe('sandbox');
      const info = await createDispatcher(s.handlers)('supportReplayInfo', {});
      expect(info).toMatchObject({ ok: true, value: { bundleFile: 'alice-bundle.json', userEnvironment: 'production', userVo: 'osg', ignored: [] } });
      const app = await createDispatcher(s.handlers)('appInfo', {});
      expect(app).toMatchObject({ ok: true, value: { environment: 'sandbox', progress: { request: { status: 'failed' }, trust: { status: 'done' } } } });
    } finally {
      await s.dispose();
    }
    // Nothing of the user's folder was touched.
    expect(existsSync(path.join(userData, 'replay.json'))).toBe(false);
  });

  it('refuses a malformed bundle naming what is wrong', async () => {
    const good = JSON.parse(readFileSync(bundleFile, 'utf8'));
    const cases: [string, unknown, RegExp][] = [
      ['not-json.json', '{ nope', /SUPPORT_BUNDLE_INVALID[\s\S]*not JSON/],
      ['wrong-format.json', { ...good, format: 'tarball' }, /SUPPORT_BUNDLE_INVALID[\s\S]*format/],
      ['wrong-version.json', { ...good, version: 7 }, /SUPPORT_BUNDLE_VERSION[\s\S]*version 7/],
      ['no-journey.json', { ...good, journey: undefined }, /SUPPORT_BUNDLE_INVALID[\s\S]*journey/],
      ['bad-env.json', { ...good, app: { ...good.app, environment: 'staging' } }, /SUPPORT_BUNDLE_INVALID[\s\S]*app\.environment/],
    ];
    for (const [i, [name, content, want]] of cases.entries()) {
      const f = path.join(root, name);
      writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content));
      const dir = path.join(root, `refused-${name}`);
      // Two through the CLI (exit code, JSON error); the others straight to the reader (quicker).
      if (i < 2) {
        const r = await cli(['support', 'replay', f, '--data', dir, '--no-serve', '--json']);
        expect(r.code, name).toBe(1);
        const err = JSON.parse(r.stdout).error;
        expect(`${err.code} ${err.message}`, name).toMatch(want);
        expect(existsSync(path.join(dir, 'journal.json')), name).toBe(false);
      } else {
        const err = await readBundle(f).then(() => null, (e: OnboardError) => e);
        expect(err, name).toBeInstanceOf(OnboardError);
        expect(`${err!.code} ${err!.message}`, name).toMatch(want);
      }
    }
    const missing = await cli(['support', 'replay', path.join(root, 'nope.json'), '--no-serve']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/could not be read: there is no such file/);
  });

  it('never replays into a used folder or the help-desk person’s own data folder', async () => {
    const used = path.join(root, 'used');
    mkdirSync(used);
    writeFileSync(path.join(used, 'journal.json'), '{}');
    const r = await cli(['support', 'replay', bundleFile, '--data', used, '--no-serve', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'SUPPORT_REPLAY_FOLDER_NOT_FRESH', message: expect.stringContaining('not empty') });
    const file = path.join(root, 'a-file');
    writeFileSync(file, 'x');
    const r1 = await readBundle(bundleFile).then((parsed) => freshReplayDir(file, path.join(root, 'elsewhere')).then(() => parsed, (e: OnboardError) => e));
    expect(r1).toMatchObject({ code: 'SUPPORT_REPLAY_FOLDER_NOT_FRESH', message: expect.stringContaining('a file, not a folder') });
    const own = path.join(root, 'own-data');
    const r2 = await cli(['support', 'replay', bundleFile, '--data', own, '--no-serve', '--json'], { OSG_ONBOARD_DATA: own });
    expect(r2.code).toBe(1);
    expect(JSON.parse(r2.stdout).error.message).toContain('your own OSG Onboard data folder');
    // Without --data: a new temporary folder each time.
    const t = await cli(['support', 'replay', bundleFile, '--no-serve', '--json']);
    expect(t.code, t.stderr).toBe(0);
    const tmp = JSON.parse(t.stdout).dataDir as string;
    expect(tmp.startsWith(os.tmpdir())).toBe(true);
    expect(existsSync(path.join(tmp, 'replay.json'))).toBe(true);
    rmSync(tmp, { recursive: true, force: true });
  });
});
