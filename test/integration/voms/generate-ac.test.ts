// The sandbox VOMS server's REST `/generate-ac`: answered to a member's certificate (XML + AC),
// refused to a non-member (NoSuchUser, 403), lifetime capped; our VOMS client; and the real
// voms-proxy-init -voms sandbox against it, which verifies the AC by the .lsc rule (and fails
// with a wrong .lsc).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import https from 'node:https';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fetchVomsAc, parseVomsAc, verifyVomsAc } from '../../../electron/services/voms';
import { inspectProxy, loadTrustDir } from '../../../electron/services/proxy';
import { SANDBOX_VOMS_HOST, SANDBOX_VOMS_HOST_DN } from '../../../electron/sandbox/voms-admin';
import { isOnboardError } from '../../../shared/errors';
import { opensslVerify, vomsProxyInfo } from '../proxy/tools';
import { startSandboxFixture, type SandboxFixture, type UserFiles } from './sandbox-fixture';

let f: SandboxFixture;

beforeAll(async () => {
  f = await startSandboxFixture();
}, 120_000);

afterAll(async () => {
  await f?.cleanup();
});

function get(user: UserFiles, query: string): Promise<{ status: number; type: string; body: string }> {
  const s = f.voms.vomsServer!;
  return new Promise((resolve, reject) => {
    https
      .get({ host: s.host, port: s.port, path: `/generate-ac?${query}`, cert: user.certPem, key: user.keyPem, ca: f.caPem, agent: false, checkServerIdentity: () => undefined }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
      })
      .on('error', reject);
  });
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  // Asynchronous on purpose: the sandbox server runs in this process.
  return new Promise((resolve) => {
    execFile(cmd, args, { env, encoding: 'utf8', timeout: 60_000 }, (e, stdout, stderr) => resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }));
  });
}

describe('sandbox /generate-ac', () => {
  it('the running sandbox reports its VOMS server as the VO entry would list it', () => {
    expect(f.voms.vomsServer).toEqual({ host: SANDBOX_VOMS_HOST, port: expect.any(Number), dn: SANDBOX_VOMS_HOST_DN, caDn: f.caDn });
  });

  it('answers a member with the XML VOMS answers and an AC for all the member’s groups', async () => {
    const r = await get(f.member, 'fqans=/sandbox&lifetime=3600');
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/xml/);
    const m = /^<\?xml[^>]*\?><voms><ac>([A-Za-z0-9+/=\n]+)<\/ac><version>\d+<\/version><\/voms>$/.exec(r.body);
    expect(m, r.body).not.toBeNull();
    const ac = parseVomsAc(Buffer.from(m![1].replace(/\n/g, ''), 'base64'));
    expect(ac.vo).toBe('sandbox');
    expect(ac.fqans).toEqual(['/sandbox/Role=NULL/Capability=NULL', '/sandbox/analysis/Role=NULL/Capability=NULL']);
    expect(ac.holder.dn).toBe(f.member.dn);
    expect(ac.issuer).toBe(SANDBOX_VOMS_HOST_DN);
    expect(ac.uri).toBe(`${SANDBOX_VOMS_HOST}:${f.voms.vomsServer!.port}`);
    expect(Math.abs(ac.notAfter.getTime() - Date.now() - 3600_000)).toBeLessThan(60_000);
    const s = f.voms.vomsServer!;
    expect(verifyVomsAc(ac, { lsc: [[s.dn, s.caDn]], trust: await loadTrustDir(f.trustDir) })).toMatchObject({ valid: true });
  });

  it('refuses a non-member with NoSuchUser (403), a bad request with BadRequest (400), an unheld group with NoSuchAttribute', async () => {
    const stranger = await get(f.stranger, 'fqans=/sandbox&lifetime=3600');
    expect(stranger.status).toBe(403);
    expect(stranger.body).toMatch(/<voms><error><code>NoSuchUser<\/code><message>[^<]*Eve Outsider[^<]*<\/message><\/error><\/voms>$/);
    const other = await get(f.member, 'fqans=/othervo&lifetime=3600');
    expect([other.status, /<code>BadRequest<\/code>/.test(other.body)]).toEqual([400, true]);
    const life = await get(f.member, 'fqans=/sandbox&lifetime=soon');
    expect([life.status, /<code>BadRequest<\/code>/.test(life.body)]).toEqual([400, true]);
    const group = await get(f.member, 'fqans=/sandbox/secret&lifetime=3600');
    expect([group.status, /<code>NoSuchAttribute<\/code>/.test(group.body)]).toEqual([403, true]);
  });

  it('caps the lifetime at 24 hours', async () => {
    const r = await get(f.member, 'fqans=/sandbox&lifetime=9999999');
    const ac = parseVomsAc(Buffer.from(/<ac>([^<]+)<\/ac>/.exec(r.body)![1], 'base64'));
    expect(ac.notAfter.getTime() - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
    expect(ac.notAfter.getTime() - Date.now()).toBeGreaterThan(23.9 * 3600_000);
  });

  it('our VOMS client gets and verifies an AC for a member; a non-member gets “register first”', async () => {
    const server = f.voms.vomsServer!;
    const got = await fetchVomsAc({ vo: 'sandbox', server, certPem: f.member.certPem, key: f.member.keyPem, trustedCaPems: [f.caPem], lifetimeSeconds: 7200 });
    expect(got.ac.fqans[0]).toBe('/sandbox/Role=NULL/Capability=NULL');
    const err = await fetchVomsAc({ vo: 'sandbox', server, certPem: f.stranger.certPem, key: f.stranger.keyPem, trustedCaPems: [f.caPem] }).catch((e) => e);
    expect(isOnboardError(err) && err.code).toBe('VOMS_NOT_MEMBER');
    expect(err.hint).toMatch(/Register first \(Register step\)/);
    // A server that is not the one the VO names (wrong DN) is refused before anything is sent.
    const wrong = await fetchVomsAc({ vo: 'sandbox', server: { ...server, dn: '/DC=org/CN=impostor' }, certPem: f.member.certPem, key: f.member.keyPem, trustedCaPems: [f.caPem] }).catch((e) => e);
    expect(isOnboardError(wrong) && wrong.code).toBe('VOMS_SERVER_UNREACHABLE');
    // Nothing listening.
    const down = await fetchVomsAc({ vo: 'sandbox', server: { ...server, port: 1 }, certPem: f.member.certPem, key: f.member.keyPem, trustedCaPems: [f.caPem] }).catch((e) => e);
    expect(isOnboardError(down) && down.code).toBe('VOMS_SERVER_UNREACHABLE');
  });

  it('the real voms-proxy-init -voms sandbox gets an AC from it and verifies it (.lsc + CA); a wrong .lsc makes it fail', async () => {
    const env = (home: string): NodeJS.ProcessEnv => ({
      PATH: process.env.PATH, HOME: home, X509_CERT_DIR: f.trustDir, X509_VOMS_DIR: path.join(home, '.glite', 'vomsdir'),
      X509_USER_CERT: f.member.certFile, X509_USER_KEY: f.member.keyFile, RANDFILE: path.join(home, '.rnd'),
    });
    const home = f.home('good');
    const out = path.join(f.dir, 'x509up_voms');
    const ok = await run('voms-proxy-init', ['-voms', 'sandbox', '-rfc', '-out', out, '-valid', '6:00'], env(home));
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).not.toMatch(/Cannot verify AC/);
    const info = vomsProxyInfo(out, env(home));
    expect(info.vo.map((v) => [v.VO, v.issuer, v.attributes])).toEqual([['sandbox', SANDBOX_VOMS_HOST_DN, '/sandbox/Role=NULL/Capability=NULL\n/sandbox/analysis/Role=NULL/Capability=NULL']]);
    expect(opensslVerify(f.trustDir, out, env(home)).ok).toBe(true);
    // Our inspector reads voms-proxy-init's proxy like voms-proxy-info does.
    expect(inspectProxy(readFileSync(out, 'utf8')).vo.map((v) => [v.vo, v.issuer, v.attributes.join('\n'), v.uri])).toEqual([
      ['sandbox', info.vo[0].issuer, info.vo[0].attributes, info.vo[0].uri],
    ]);

    const badHome = f.home('wrong-lsc', '/DC=org/DC=osg-onboard/DC=sandbox/OU=Services/CN=someone-else\n' + f.caDn + '\n');
    const bad = await run('voms-proxy-init', ['-voms', 'sandbox', '-rfc', '-out', path.join(f.dir, 'x509up_bad')], env(badHome));
    expect(bad.code).not.toBe(0);
    expect(bad.out).toMatch(/Cannot verify AC signature/);
  }, 120_000);
});
