import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../../electron/cli/index';
import { APP_VERSION } from '../../../electron/services/version';

async function run(argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const env = { ...process.env, OSG_ONBOARD_DATA: mkdtempSync(path.join(os.tmpdir(), 'osg-cli-')) };
  const code = await main(argv, { stdin: new PassThrough(), stdout, stderr, env });
  return { code, out, err };
}

describe('osg-onboard CLI', () => {
  it('--version matches package.json', async () => {
    const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));
    expect(APP_VERSION).toBe(pkg.version);
    expect((await run(['--version'])).out.trim()).toBe(`osg-onboard ${pkg.version}`);
  });

  it('--help lists vo list', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('osg-onboard vo list');
  });

  it('vo list --json gives the directory, sandbox first', async () => {
    const r = await run(['vo', 'list', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)[0].name).toBe('sandbox');
  });

  it('an unknown command exits 2 with a clear message', async () => {
    const r = await run(['vo', 'lsit']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('“vo lsit” is not an osg-onboard command');
    expect(r.err).toContain('osg-onboard --help');
  });

  it('an unknown option exits 2 and shows the usage', async () => {
    const r = await run(['vo', 'list', '--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('Usage: osg-onboard vo list');
  });
});
