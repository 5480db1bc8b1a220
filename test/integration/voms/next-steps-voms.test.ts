// Next steps "Make proxy" with VO attributes, end to end in services: the sandbox VO's running
// VOMS server, the member's ~/.globus credential, the Register step's journal saying "member";
// the proxy carries the sandbox AC (voms-proxy-info reads it) and the overview offers it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Journal } from '../../../electron/services/journal/journal';
import { KeyProtection } from '../../../electron/services/request/key-protection';
import { NextStepsService, directoryVomsTarget, sandboxAwareVomsTarget } from '../../../electron/services/next-steps/next-steps-handlers';
import { voEntrySchema, type VoEntry } from '../../../shared/vo';
import { vomsProxyInfo } from '../proxy/tools';
import { startSandboxFixture, type SandboxFixture } from './sandbox-fixture';

let f: SandboxFixture;
const sandboxVo: VoEntry = voEntrySchema.parse({
  name: 'sandbox', displayName: 'Sandbox', description: 'practice', sponsor: 'sandbox sponsor', contact: 'help desk',
  registration: { kind: 'voms-admin', url: 'https://127.0.0.1/voms/sandbox' }, caBundle: 'sandbox', sandbox: true,
});

function service(name: string, member: boolean) {
  const home = path.join(f.dir, `ns-${name}`);
  mkdirSync(path.join(home, '.globus'), { recursive: true });
  copyFileSync(f.member.certFile, path.join(home, '.globus', 'usercert.pem'));
  copyFileSync(f.member.keyFile, path.join(home, '.globus', 'userkey.pem'));
  const dataDir = path.join(home, 'data');
  mkdirSync(dataDir);
  const journal = new Journal(dataDir);
  const secrets = new Map<string, string>();
  const keys = new KeyProtection({ dataDir, journal, keychain: () => ({ backend: 'Test Keychain', get: async (a: string) => secrets.get(a) ?? null, set: async (a: string, v: string) => void secrets.set(a, v), delete: async (a: string) => secrets.delete(a) }) });
  const env = { X509_USER_PROXY: path.join(home, 'x509up'), X509_CERT_DIR: f.trustDir };
  const svc = new NextStepsService({
    homeDir: home, env, journal, keys, now: () => new Date(), currentVo: async () => sandboxVo,
    vomsTarget: sandboxAwareVomsTarget(f.sandbox, directoryVomsTarget(async () => f.trustDir)),
  });
  const ready = member
    ? journal.update((j) => {
        (j as Record<string, unknown>).register = { sandbox: { vo: 'sandbox', kind: 'voms-admin', stage: 'member', dn: f.member.dn, caDn: f.caDn, requestedGroups: [] } };
      })
    : Promise.resolve();
  return { svc, env, home, ready };
}

beforeAll(async () => {
  f = await startSandboxFixture();
}, 120_000);

afterAll(async () => {
  await f?.cleanup();
});

describe('Next steps: Make proxy with VO attributes', () => {
  it('a member: offered and on by default; the proxy carries the sandbox AC that voms-proxy-info shows', async () => {
    const { svc, env, ready } = service('member', true);
    await ready;
    const overview = await svc.overview();
    expect(overview.voms).toEqual({ vo: 'sandbox', server: `127.0.0.1:${f.voms.vomsServer!.port}`, available: true });
    const report = await svc.make({ source: 'globus', hours: 2, bits: 2048, limited: false });
    expect(report.verification.valid).toBe(true);
    expect(report.info.vo.map((v) => [v.vo, v.attributes])).toEqual([['sandbox', ['/sandbox/Role=NULL/Capability=NULL', '/sandbox/analysis/Role=NULL/Capability=NULL']]]);
    expect(report.info.text).toMatch(/=== VO sandbox extension information ===/);
    const info = vomsProxyInfo(report.file, { ...process.env, ...env });
    expect(info.vo.map((v) => v.VO)).toEqual(['sandbox']);
    // Unticked: a plain proxy.
    const plain = await svc.make({ source: 'globus', hours: 2, bits: 2048, limited: false, voms: false });
    expect(plain.info.vo).toEqual([]);
  }, 60_000);

  it('not yet a member: not offered (register first), and asking anyway says so', async () => {
    const { svc } = service('stranger', false);
    const overview = await svc.overview();
    expect(overview.voms).toMatchObject({ vo: 'sandbox', available: false, reason: expect.stringMatching(/Register first \(Register step\)/) });
    await expect(svc.make({ source: 'globus', hours: 2, bits: 2048, limited: false, voms: true })).rejects.toMatchObject({ code: 'VOMS_NOT_MEMBER' });
    const plain = await svc.make({ source: 'globus', hours: 2, bits: 2048, limited: false });
    expect(plain.info.vo).toEqual([]);
  }, 60_000);
});
