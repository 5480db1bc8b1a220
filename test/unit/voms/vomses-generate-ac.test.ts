import { describe, expect, it, beforeAll } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findVomsServer, parseVomsesLine, parseVomsAc } from '../../../electron/services/voms';
import { generateAc } from '../../../electron/sandbox/voms-admin/generate-ac';
import type { VomsAdminStateData } from '../../../electron/sandbox/voms-admin/state';
import { makeTrustStore } from '../../../electron/services/proxy/trust-dir';
import { createProxy } from '../../../electron/services/proxy';
import { makeTestPki } from './pki';

describe('vomses lookup (as voms-proxy-init finds a VO’s server)', () => {
  it('reads vomses lines and the .lsc CA DN from ~/.glite; an unknown VO has no server', async () => {
    expect(parseVomsesLine('"cms" "voms-cms-auth.app.cern.ch" "443" "/DC=ch/DC=cern/OU=computers/CN=cms-auth.web.cern.ch" "cms"')).toEqual({
      alias: 'cms', host: 'voms-cms-auth.app.cern.ch', port: 443, dn: '/DC=ch/DC=cern/OU=computers/CN=cms-auth.web.cern.ch', vo: 'cms',
    });
    expect(parseVomsesLine('"cms" "host" "notaport" "/CN=x" "cms"')).toBeUndefined();
    const home = mkdtempSync(path.join(os.tmpdir(), 'osg-vomses-'));
    mkdirSync(path.join(home, '.glite', 'vomses'), { recursive: true });
    mkdirSync(path.join(home, '.glite', 'vomsdir', 'testvo'), { recursive: true });
    writeFileSync(path.join(home, '.glite', 'vomses', 'testvo'), '# comment\n"testvo" "voms.example.org" "15000" "/DC=org/CN=voms.example.org" "testvo"\n');
    writeFileSync(path.join(home, '.glite', 'vomsdir', 'testvo', 'voms.example.org.lsc'), '/DC=org/CN=voms.example.org\n/DC=org/CN=Example CA\n');
    const env = { HOME: home, VOMS_USERCONF: path.join(home, 'none') };
    expect(await findVomsServer('testvo', env, home)).toMatchObject({ host: 'voms.example.org', port: 15000, dn: '/DC=org/CN=voms.example.org', caDn: '/DC=org/CN=Example CA' });
    await expect(findVomsServer('novo', env, home)).rejects.toMatchObject({ code: 'VOMS_NO_SERVER' });
  });
});

describe('generateAc (the sandbox VOMS server’s decision)', () => {
  let pki: ReturnType<typeof makeTestPki>;
  beforeAll(() => {
    pki = makeTestPki();
  });
  const state = (over: Partial<VomsAdminStateData['members'][number]> = {}): VomsAdminStateData => ({
    version: 1, vo: 'testvo', nextRequestId: 1, nextMemberId: 2, requests: [], outbox: [], mail: {},
    members: [{
      id: 1, name: 'Bob', surname: 'Unit', institution: '', address: '', phoneNumber: '', emailAddress: 'bob@example.org', creationTime: '', endTime: '', suspended: false,
      certificates: [{ subjectString: pki.user.cert.subjectDn, issuerString: pki.ca.cert.subjectDn, suspended: false }], fqans: ['/testvo', '/testvo/analysis'], ...over,
    }],
  });
  const ask = (query: string, s = state(), chain = [pki.user.cert]) =>
    generateAc({
      vo: 'testvo', peerChain: chain, trust: makeTrustStore([pki.ca.cert]), state: s, query: new URLSearchParams(query),
      host: { cert: pki.host.cert, key: pki.host.key, certPem: '', keyPem: '' }, uriHost: '127.0.0.1', port: 15000, now: new Date(),
    });

  it('grants /vo as every group of the member; a group alone; holder = the end-entity certificate, also behind a proxy', async () => {
    const all = ask('fqans=/testvo&lifetime=600');
    expect(all.status).toBe(200);
    expect(parseVomsAc(all.ac!).fqans).toEqual(['/testvo/Role=NULL/Capability=NULL', '/testvo/analysis/Role=NULL/Capability=NULL']);
    expect(parseVomsAc(ask('fqans=/testvo/analysis').ac!).fqans).toEqual(['/testvo/analysis/Role=NULL/Capability=NULL']);
    const proxy = await createProxy({ issuerCert: pki.user.cert, issuerKey: pki.user.key, hours: 1 });
    const viaProxy = ask('fqans=/testvo', state(), [proxy.certificate, pki.user.cert]);
    expect(parseVomsAc(viaProxy.ac!).holder).toMatchObject({ dn: pki.user.cert.subjectDn, serial: pki.user.cert.serial });
  });

  it('refuses non-members, suspended members, unheld groups and roles, other VOs, untrusted chains', () => {
    const other = pki.issue('/DC=org/DC=Example/CN=Not A Member');
    const code = (a: { status: number; body: string }) => [a.status, /<code>(\w+)<\/code>/.exec(a.body)?.[1]];
    expect(code(ask('fqans=/testvo', state(), [other.cert]))).toEqual([403, 'NoSuchUser']);
    expect(code(ask('fqans=/testvo', state({ suspended: true })))).toEqual([403, 'SuspendedUser']);
    expect(code(ask('fqans=/testvo/secret'))).toEqual([403, 'NoSuchAttribute']);
    expect(code(ask('fqans=/testvo/Role=admin'))).toEqual([403, 'NoSuchAttribute']);
    expect(code(ask('fqans=/othervo'))).toEqual([400, 'BadRequest']);
    expect(code(ask('fqans=/testvo&lifetime=0'))).toEqual([400, 'BadRequest']);
    const foreign = makeTestPki();
    expect(code(ask('fqans=/testvo', state(), [foreign.user.cert]))).toEqual([403, 'NoSuchUser']);
  });

  it('escapes the message (no XML injection from a DN)', () => {
    const evil = pki.issue('/DC=org/DC=Example/CN=<b>&Evil</b>');
    const a = ask('fqans=/testvo', state(), [evil.cert]);
    expect(a.body).not.toContain('<b>');
    expect(a.body).toContain('&#60;b&#62;&#38;Evil');
  });
});
