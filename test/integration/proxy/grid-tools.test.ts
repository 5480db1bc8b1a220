// Our proxies and PUSPs against the real grid tools: openssl verify and grid-proxy-init -verify
// accept them; grid-proxy-info and voms-proxy-info read them and print the identity we compute.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createGridCa, type GridCa, type IssuedCert } from '../../helpers/grid-ca';
import { createProxy, createPusp, inspectProxy, readPrivateKey, verifyChain, IGTF_ROBOT_POLICY_OID, type ProxyCredential } from '../../../electron/services/proxy';
import { gridProxyInfo, gridProxyInitVerify, opensslVerify, vomsProxyInfo } from './tools';

let ca: GridCa;
const files: { name: string; file: string; identity: string; levels: number }[] = [];

async function proxyFrom(cert: IssuedCert, levels: number, limited = false): Promise<ProxyCredential> {
  let p = await createProxy({ issuerCert: cert.certPem, issuerKey: readPrivateKey(cert.keyPem, undefined), chain: cert.chain.map((c) => c.certPem), hours: 2, limited });
  for (let i = 1; i < levels; i++) p = await createProxy({ issuerCert: p.certificate, issuerKey: p.privateKey, chain: p.chain, hours: 1, limited });
  return p;
}

beforeAll(async () => {
  ca = createGridCa();
  const sub = ca.issue('subca', { subject: '/C=US/O=OSG Onboard Test/CN=OSG Onboard Test Sub CA', ca: true });
  // IGTF distributions carry intermediate CAs with their own signing policy; Globus needs it.
  ca.trust(sub, ['/C=US/O=OSG Onboard Test/OU=Sub/*']);
  const users: [string, IssuedCert][] = [
    ['ascii', ca.issue('ascii', { subject: '/C=US/O=OSG Onboard Test/OU=People/CN=Jane Doe' })],
    ['non-ascii', ca.issue('nonascii', { subject: '/C=US/O=OSG Onboard Test/OU=Fête/CN=Zoë Müller' })],
    ['multi-valued', ca.issue('multi', { subject: '/C=US/O=OSG Onboard Test/OU=People/CN=Ana Lima+UID=alima' })],
    ['under a sub-CA', ca.issue('subuser', { subject: '/C=US/O=OSG Onboard Test/OU=Sub/CN=Sam Sub', issuer: sub })],
  ];
  for (const [name, cert] of users) {
    for (const levels of [1, 2]) {
      const p = await proxyFrom(cert, levels);
      const file = path.join(ca.dir, `${name.replace(/\W/g, '_')}-${levels}.pem`);
      writeFileSync(file, p.pem, { mode: 0o600 });
      files.push({ name: `${name}, ${levels} proxy level(s)`, file, identity: p.chain[p.chain.length - 1 - cert.chain.length].subjectDn, levels });
    }
  }
  const limited = await proxyFrom(users[0][1], 2, true);
  writeFileSync(path.join(ca.dir, 'limited.pem'), limited.pem, { mode: 0o600 });
  files.push({ name: 'limited, 2 levels', file: path.join(ca.dir, 'limited.pem'), identity: users[0][1].subject, levels: 2 });

  const robot = ca.issue('robot', {
    subject: '/C=US/O=OSG Onboard Test/OU=Portal/CN=Robot: Science Gateway',
    extraExtensions: [`certificatePolicies=${IGTF_ROBOT_POLICY_OID}`],
  });
  const robotKey = readPrivateKey(robot.keyPem, undefined);
  for (const [name, opts] of [
    ['PUSP', {}],
    ['PUSP + session proxy', { session: true }],
    ['pseudonymous PUSP + session', { session: true, pseudonymSecret: Buffer.alloc(32, 7) }],
  ] as const) {
    const r = await createPusp({ robotCert: robot.certPem, robotKey, userId: 'alice@example.org', hours: 2, ...opts });
    const file = path.join(ca.dir, `${name.replace(/\W/g, '_')}.pem`);
    writeFileSync(file, r.pem, { mode: 0o600 });
    files.push({ name, file, identity: r.identity, levels: r.session ? 2 : 1 });
  }
}, 120_000);

afterAll(() => ca?.cleanup());

describe('our proxies and PUSPs with the real grid tools', () => {
  it('made the planned corpus (ASCII, non-ASCII, multi-valued, sub-CA, limited, PUSPs; 2- and 3-level chains)', () => {
    expect(files.length).toBe(12);
  });

  it('pass openssl verify -allow_proxy_certs', () => {
    for (const f of files) expect(opensslVerify(ca.trustDir, f.file, ca.env()), f.name).toMatchObject({ ok: true });
  });

  it('pass grid-proxy-init -verify (Globus path validation with signing policies)', () => {
    for (const f of files) {
      const r = gridProxyInitVerify(f.file, ca.env(), path.join(ca.dir, 'scratch.pem'));
      expect(r.ok, `${f.name}: ${r.out}`).toBe(true);
    }
  });

  it('grid-proxy-info -all prints the subject, identity and type our inspector gives', () => {
    for (const f of files) {
      const g = gridProxyInfo(f.file, ca.env());
      const ours = inspectProxy(readFileSync(f.file, 'utf8'), { path: f.file });
      expect(g.ok, g.out).toBe(true);
      expect(g.info.subject, f.name).toBe(ours.oneline.subject);
      expect(g.info.issuer, f.name).toBe(ours.oneline.issuer);
      // grid-proxy-info strips every proxy CN: the end-entity (robot, for PUSPs) DN.
      expect(g.info.identity, f.name).toBe(ours.oneline.identity);
      expect(g.info.type, f.name).toBe(ours.proxyType);
      expect(g.info.strength).toBe(`${ours.strength} bits`);
    }
  });

  it('voms-proxy-info --all prints the subject and identity our inspector gives', () => {
    for (const f of files) {
      const v = vomsProxyInfo(f.file, ca.env());
      const ours = inspectProxy(readFileSync(f.file, 'utf8'), { path: f.file });
      expect(v.ok, v.out).toBe(true);
      expect(v.proxy.subject, f.name).toBe(ours.oneline.subject);
      // voms-proxy-info's identity is the leaf's issuer (…/CN=user:<id> for a session under a PUSP).
      expect(v.proxy.identity, f.name).toBe(ours.oneline.vomsIdentity);
      expect(v.proxy.type).toBe(ours.type);
    }
  });

  it('our verifier accepts them and gives the identity the EGI rules give', async () => {
    for (const f of files) {
      const v = await verifyChain({ chain: readFileSync(f.file, 'utf8'), trust: ca.trustDir });
      expect(v.errors, f.name).toEqual([]);
      expect(v.valid).toBe(true);
      expect(v.identity, f.name).toBe(f.identity);
      expect(v.proxyCount).toBe(f.levels);
      if (f.name.includes('PUSP')) {
        expect(v.identity).toMatch(/\/CN=Robot: Science Gateway\/CN=user:/);
        expect(v.identityReasons[0].code).toBe('PUSP');
      }
    }
    expect(files.find((f) => f.name === 'pseudonymous PUSP + session')!.identity).not.toContain('alice');
  });
});
