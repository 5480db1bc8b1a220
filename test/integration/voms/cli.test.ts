// `osg-onboard proxy init --voms sandbox` (in-process main(): the sandbox VOMS server runs in this
// process) finds the server in ~/.glite/vomses, the CA DN in the .lsc, gets the AC and puts it in
// the proxy, which voms-proxy-info reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../../electron/cli';
import { vomsProxyInfo } from '../proxy/tools';
import { startSandboxFixture, type SandboxFixture } from './sandbox-fixture';

let f: SandboxFixture;

beforeAll(async () => {
  f = await startSandboxFixture();
}, 120_000);

afterAll(async () => {
  await f?.cleanup();
});

async function cli(argv: string[], env: NodeJS.ProcessEnv) {
  let out = '';
  let err = '';
  const stdout = new PassThrough().on('data', (b) => (out += b));
  const stderr = new PassThrough().on('data', (b) => (err += b));
  const code = await main(argv, { stdin: Readable.from(['']), stdout, stderr, env });
  return { code, out, err };
}

describe('osg-onboard proxy init --voms', () => {
  it('makes a proxy with the VO attributes of a member', async () => {
    const home = f.home('cli');
    const env = { PATH: process.env.PATH, HOME: home, X509_CERT_DIR: f.trustDir, X509_VOMS_DIR: path.join(home, '.glite', 'vomsdir') };
    const out = path.join(f.dir, 'x509up_cli');
    const r = await cli(['proxy', 'init', '--voms', 'sandbox', '--cert', f.member.certFile, '--key', f.member.keyFile, '--out', out, '--hours', '3', '--json'], env);
    expect(r.code, r.err + r.out).toBe(0);
    expect(JSON.parse(r.out).vo).toMatchObject({ vo: 'sandbox', fqans: ['/sandbox/Role=NULL/Capability=NULL', '/sandbox/analysis/Role=NULL/Capability=NULL'] });
    expect(vomsProxyInfo(out, { ...process.env, ...env }).vo.map((v) => v.VO)).toEqual(['sandbox']);
  });

  it('a non-member is told to register first; an unknown VO has no server', async () => {
    const home = f.home('cli-stranger');
    const env = { PATH: process.env.PATH, HOME: home, X509_CERT_DIR: f.trustDir, X509_VOMS_DIR: path.join(home, '.glite', 'vomsdir') };
    const r = await cli(['proxy', 'init', '--voms', 'sandbox', '--cert', f.stranger.certFile, '--key', f.stranger.keyFile, '--out', path.join(f.dir, 'x'), '--json'], env);
    expect(r.code).not.toBe(0);
    expect(r.out + r.err).toMatch(/VOMS_NOT_MEMBER/);
    expect(r.out + r.err).toMatch(/Register first \(Register step\)/);
    const u = await cli(['proxy', 'init', '--voms', 'novo', '--cert', f.member.certFile, '--key', f.member.keyFile, '--out', path.join(f.dir, 'y'), '--json'], env);
    expect(u.out + u.err).toMatch(/VOMS_NO_SERVER/);
  });
});
