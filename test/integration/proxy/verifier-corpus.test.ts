// The verifier against `openssl verify -allow_proxy_certs` on a corpus of valid and invalid chains
// made here (openssl CA + our low-level certificate builder for the deliberately broken ones).
// Where we are stricter than OpenSSL (RFC 3820 MUSTs, Globus signing policies), the case says
// so and grid-proxy-init -verify (Globus) is asked too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import path from 'node:path';
import { createGridCa, type GridCa, type IssuedCert } from '../../helpers/grid-ca';
import {
  buildCertificate, createProxy, generateProxyKey, keySigner, keyUsageValue, parseCertificate, pemBlocks, pemEncode,
  proxyCertInfoValue, readPrivateKey, spkiOf, verifyChain, IGTF_ROBOT_POLICY_OID, OID, PROXY_KEY_USAGE, type ExtensionSpec, type ParsedCertificate,
} from '../../../electron/services/proxy';
import { appendCn } from '../../../electron/services/proxy/name';
import { seq, oid, set, tlv, TAG } from '../../../electron/services/proxy/der';
import { gridProxyInfo, gridProxyInitVerify, opensslVerify, vomsProxyInfo } from './tools';

interface Case {
  readonly name: string;
  readonly file: string;
  /** What openssl verify says (asserted: the corpus is what we think it is). */
  readonly openssl: boolean;
  /** Our verdict; differs from openssl only for `stricter` cases. */
  readonly ours: boolean;
  /** Expected error code (invalid) — one of ours. */
  readonly code?: string;
  readonly identity?: string;
  readonly identityCode?: string;
  /** Why we refuse what OpenSSL accepts. */
  readonly stricter?: string;
  /** Expected grid-proxy-init -verify verdict, checked when given. */
  readonly globus?: boolean;
}

interface Cred {
  readonly cert: ParsedCertificate;
  readonly key: KeyObject;
  /** PEM of the certificates above (file order). */
  readonly chainPem: string;
}

let ca: GridCa;
const cases: Case[] = [];
let keys: KeyObject[] = [];
let n = 0;
const HOUR = 3600_000;

const fromIssued = (c: IssuedCert): Cred => ({
  cert: parseCertificate(pemBlocks(c.certPem)[0].der),
  key: readPrivateKey(c.keyPem, undefined),
  chainPem: c.chain.map((x) => x.certPem).join(''),
});

/** A proxy built field by field, so each rule can be broken on purpose. */
async function rawProxy(issuer: Cred, o: {
  subjectDer?: Buffer; cn?: string; notBefore?: Date; notAfter?: Date; pciCritical?: boolean; policy?: string; pathLength?: number;
  extra?: ExtensionSpec[]; noPci?: boolean; signWith?: KeyObject; keyUsage?: boolean;
} = {}): Promise<Cred> {
  const key = keys[n++ % keys.length];
  const now = Date.now();
  const exts: ExtensionSpec[] = [];
  if (o.keyUsage !== false) exts.push({ oid: OID.keyUsage, critical: true, value: keyUsageValue(PROXY_KEY_USAGE) });
  if (!o.noPci) exts.push({ oid: OID.proxyCertInfo, critical: o.pciCritical ?? true, value: proxyCertInfoValue(o.policy ?? OID.pplInheritAll, o.pathLength) });
  exts.push(...(o.extra ?? []));
  const der = await buildCertificate({
    serial: Buffer.from([0x10 + (n % 100), n & 0xff, 7]),
    issuerDer: issuer.cert.subjectDer,
    subjectDer: o.subjectDer ?? appendCn(issuer.cert.subjectDer, o.cn ?? String(100000 + n)),
    notBefore: o.notBefore ?? new Date(now - HOUR),
    notAfter: o.notAfter ?? new Date(Math.min(now + 2 * HOUR, issuer.cert.notAfter.getTime())),
    spki: spkiOf(key),
    extensions: exts,
  }, keySigner(o.signWith ?? issuer.key));
  return { cert: parseCertificate(der), key, chainPem: pemEncode('CERTIFICATE', issuer.cert.der) + issuer.chainPem };
}

async function ourProxy(issuer: Cred, opts: { limited?: boolean; cnLabel?: string; pathLength?: number } = {}): Promise<Cred> {
  const p = await createProxy({ issuerCert: issuer.cert, issuerKey: issuer.key, hours: 2, proxyKey: keys[n++ % keys.length], ...opts });
  return { cert: p.certificate, key: p.privateKey, chainPem: pemEncode('CERTIFICATE', issuer.cert.der) + issuer.chainPem };
}

function save(name: string, c: Cred, mutate?: (der: Buffer) => Buffer): string {
  const file = path.join(ca.dir, `case-${cases.length + 1}.pem`);
  const der = mutate ? mutate(Buffer.from(c.cert.der)) : c.cert.der;
  writeFileSync(file, pemEncode('CERTIFICATE', der) + c.key.export({ type: 'pkcs1', format: 'pem' }).toString() + c.chainPem, { mode: 0o600 });
  return file;
}

function add(c: Omit<Case, 'file'>, cred: Cred, mutate?: (der: Buffer) => Buffer): void {
  cases.push({ ...c, file: save(c.name, cred, mutate) });
}

beforeAll(async () => {
  ca = createGridCa();
  keys = await Promise.all([generateProxyKey(2048), generateProxyKey(2048), generateProxyKey(2048)]);
  const O = '/C=US/O=OSG Onboard Test';
  const jane = fromIssued(ca.issue('jane', { subject: `${O}/OU=People/CN=Jane Doe` }));
  const zoe = fromIssued(ca.issue('zoe', { subject: `${O}/OU=Fête/CN=Zoë Müller` }));
  const ana = fromIssued(ca.issue('ana', { subject: `${O}/OU=People/CN=Ana Lima+UID=alima` }));
  const subCaIssued = ca.issue('subca', { subject: `${O}/CN=Test Sub CA`, ca: true });
  ca.trust(subCaIssued, [`${O}/OU=Sub/*`]);
  const sam = fromIssued(ca.issue('sam', { subject: `${O}/OU=Sub/CN=Sam Sub`, issuer: subCaIssued }));
  const robotPolicy = [`certificatePolicies=${IGTF_ROBOT_POLICY_OID}`];
  const robot = fromIssued(ca.issue('robot', { subject: `${O}/OU=Portal/CN=Robot: Science Gateway`, extraExtensions: robotPolicy }));
  const robotOidOnly = fromIssued(ca.issue('robot-oid', { subject: `${O}/OU=Portal/CN=gateway.example.org`, extraExtensions: robotPolicy }));
  const robotCnOnly = fromIssued(ca.issue('robot-cn', { subject: `${O}/OU=Portal/CN=Robot - Workflow Engine` }));
  const personWithRobotCn = fromIssued(ca.issue('robot-person', { subject: `${O}/OU=Portal/CN=Robot: Not Really`, extraExtensions: ['certificatePolicies=1.2.840.113612.5.2.3.3.3'] }));
  const expired = fromIssued(ca.issue('expired', { subject: `${O}/OU=People/CN=Old Timer`, notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') }));
  const noDigSig = fromIssued(ca.issue('nodigsig', { subject: `${O}/OU=People/CN=Key Encipherment Only`, keyUsage: 'keyUsage=critical,keyEncipherment' }));
  const outside = fromIssued(ca.issue('outside', { subject: '/C=US/O=Elsewhere/CN=Out Side' }));
  const strangerRoot = ca.makeRoot('stranger', '/C=US/O=Stranger/CN=Stranger Root CA');
  const stranger = ca.issue('stranger-user', { subject: '/C=US/O=Stranger/CN=Stranger User', issuer: strangerRoot });
  const root0 = ca.makeRoot('root0', `${O}/CN=Pathlen Zero Root`, { pathlen: 0 });
  ca.trust(root0, [`${O}/*`]);
  const sub0 = ca.issue('sub0', { subject: `${O}/CN=Under Pathlen Zero`, ca: true, issuer: root0 });
  ca.trust(sub0, [`${O}/*`]);
  const deep = fromIssued(ca.issue('deep', { subject: `${O}/OU=Deep/CN=Too Deep`, issuer: sub0 }));
  const unpoliced = ca.makeRoot('unpoliced', '/C=US/O=Unpoliced/CN=Unpoliced Sub Root');
  const unpolicedSub = ca.issue('unpoliced-sub', { subject: '/C=US/O=Unpoliced/CN=Unpoliced Sub CA', ca: true, issuer: unpoliced });
  ca.trust(unpoliced, ['/C=US/O=Unpoliced/*']); // the sub-CA gets no .signing_policy
  const orphan = fromIssued(ca.issue('orphan', { subject: '/C=US/O=Unpoliced/CN=Orphan User', issuer: unpolicedSub }));
  const rootCred = fromIssued(ca.root);
  const revokedIssued = ca.issue('revoked', { subject: `${O}/OU=People/CN=Revoked Person` });
  ca.revoke(revokedIssued);
  ca.publishCrl();
  const revoked = fromIssued(revokedIssued);

  const eec = (c: Cred): Cred => ({ ...c });
  const valid = (name: string, identity: string, identityCode = 'NO_PUSP') => ({ name, openssl: true, ours: true, identity, identityCode });
  const invalid = (name: string, code: string) => ({ name, openssl: false, ours: false, code });

  // ---- valid chains ----
  const j1 = await ourProxy(jane);
  add(valid('ASCII, 1 proxy', jane.cert.subjectDn), j1);
  const j2 = await ourProxy(j1);
  add(valid('ASCII, 2 proxies', jane.cert.subjectDn), j2);
  add(valid('ASCII, 3 proxies', jane.cert.subjectDn), await ourProxy(j2));
  const z1 = await ourProxy(zoe);
  add(valid('non-ASCII, 1 proxy', zoe.cert.subjectDn), z1);
  add(valid('non-ASCII, 2 proxies', zoe.cert.subjectDn), await ourProxy(z1));
  add(valid('multi-valued RDN, 2 proxies', ana.cert.subjectDn), await ourProxy(await ourProxy(ana)));
  const l1 = await ourProxy(jane, { limited: true });
  add(valid('limited proxy', jane.cert.subjectDn), l1);
  add(valid('limited under limited', jane.cert.subjectDn), await ourProxy(l1, { limited: true }));
  add(valid('limited under full', jane.cert.subjectDn), await ourProxy(j1, { limited: true }));
  add(valid('user under a sub-CA, sub-CA in the file', sam.cert.subjectDn), await ourProxy(sam));
  add(valid('end-entity certificate alone', jane.cert.subjectDn), eec(jane));
  add(valid('path length 1 with one proxy below', jane.cert.subjectDn), await ourProxy(await ourProxy(jane, { pathLength: 1 })));
  const p1 = await ourProxy(robot, { cnLabel: 'user:alice' });
  add(valid('PUSP', `${robot.cert.subjectDn}/CN=user:alice`, 'PUSP'), p1);
  add(valid('PUSP + session proxy', `${robot.cert.subjectDn}/CN=user:alice`, 'PUSP'), await ourProxy(p1));
  add(valid('PUSP from a robot with the IGTF policy OID only', `${robotOidOnly.cert.subjectDn}/CN=user:bob`, 'PUSP'), await ourProxy(robotOidOnly, { cnLabel: 'user:bob' }));
  add(valid('PUSP from a robot with the “Robot -” CN only', `${robotCnOnly.cert.subjectDn}/CN=user:carol`, 'PUSP'), await ourProxy(robotCnOnly, { cnLabel: 'user:carol' }));
  // EGI rules: these are valid chains whose identity falls back to the EEC.
  add(valid('CN=user: under a non-robot EEC', jane.cert.subjectDn, 'PUSP_EEC_NOT_ROBOT'), await ourProxy(jane, { cnLabel: 'user:mallory' }));
  add(valid('CN=user: under a “Robot:” CN with the IGTF person policy', personWithRobotCn.cert.subjectDn, 'PUSP_EEC_NOT_ROBOT'), await ourProxy(personWithRobotCn, { cnLabel: 'user:eve' }));
  add(valid('two PUSPs', robot.cert.subjectDn, 'PUSP_MORE_THAN_ONE'), await ourProxy(p1, { cnLabel: 'user:bob' }));
  add(valid('PUSP not the first proxy', robot.cert.subjectDn, 'PUSP_NOT_FIRST'), await ourProxy(await ourProxy(robot), { cnLabel: 'user:alice' }));

  // ---- invalid chains (openssl and we refuse) ----
  add(invalid('expired end-entity certificate', 'EXPIRED'), await rawProxy(expired, { notBefore: new Date('2020-06-01T00:00:00Z'), notAfter: new Date('2020-06-02T00:00:00Z') }));
  add(invalid('expired proxy', 'EXPIRED'), await rawProxy(jane, { notBefore: new Date(Date.now() - 3 * HOUR), notAfter: new Date(Date.now() - HOUR) }));
  add(invalid('proxy not yet valid', 'NOT_YET_VALID'), await rawProxy(jane, { notBefore: new Date(Date.now() + HOUR), notAfter: new Date(Date.now() + 3 * HOUR) }));
  const expiredLink = await rawProxy(jane, { notBefore: new Date(Date.now() - 3 * HOUR), notAfter: new Date(Date.now() - HOUR) });
  add(invalid('expired link in the middle', 'EXPIRED'), await rawProxy(expiredLink, { notBefore: new Date(Date.now() - 2 * HOUR), notAfter: new Date(Date.now() + HOUR) }));
  add(invalid('wrong signer (another key)', 'BAD_SIGNATURE'), await rawProxy(jane, { signWith: zoe.key }));
  add(invalid('tampered signature', 'BAD_SIGNATURE'), j1, (der) => {
    der[der.length - 9] ^= 0x40;
    return der;
  });
  add(invalid('tampered public key after signing', 'BAD_SIGNATURE'), j1, (der) => {
    const at = der.indexOf(j1.cert.spki) + 40;
    der[at] ^= 0x01;
    return der;
  });
  add(invalid('subject does not extend the issuer', 'PROXY_SUBJECT'), await rawProxy(jane, { subjectDer: appendCn(zoe.cert.subjectDer, '12345') }));
  add(invalid('subject adds two CNs', 'PROXY_SUBJECT'), await rawProxy(jane, { subjectDer: appendCn(appendCn(jane.cert.subjectDer, '1'), '2') }));
  add(invalid('subject adds an OU, not a CN', 'PROXY_SUBJECT'), await rawProxy(jane, {
    subjectDer: seq(jane.cert.subjectDer.subarray(2 + (jane.cert.subjectDer[1] & 0x80 ? jane.cert.subjectDer[1] & 0x7f : 0)), set(seq(oid('2.5.4.11'), tlv(TAG.UTF8_STRING, Buffer.from('x'))))),
  }));
  add(invalid('unknown CA', 'UNKNOWN_ISSUER'), await ourProxy(fromIssued(stranger)));
  add(invalid('untrusted self-signed root in the file', 'UNTRUSTED_ROOT'), { ...(await ourProxy(fromIssued(stranger))), chainPem: stranger.certPem + strangerRoot.certPem });
  add(invalid('proxy path length exceeded', 'PROXY_PATH_LENGTH'), await rawProxy(await ourProxy(jane, { pathLength: 0 })));
  add(invalid('end-entity certificate signing a non-proxy', 'ISSUER_NOT_CA'), await rawProxy(jane, { noPci: true }));
  add(invalid('proxy with basicConstraints CA:TRUE', 'PROXY_IS_CA'), await rawProxy(jane, { extra: [{ oid: OID.basicConstraints, critical: true, value: seq(tlv(TAG.BOOLEAN, Buffer.from([0xff]))) }] }));
  add(invalid('proxy with a subjectAltName', 'PROXY_ALT_NAME'), await rawProxy(jane, { extra: [{ oid: OID.subjectAltName, critical: false, value: seq(tlv(0x82, Buffer.from('host.example.org'))) }] }));
  add(invalid('issuer key usage without digitalSignature', 'ISSUER_KEY_USAGE'), await rawProxy(noDigSig));
  add(invalid('unknown critical extension', 'UNHANDLED_CRITICAL_EXTENSION'), await rawProxy(jane, { extra: [{ oid: '1.3.6.1.4.1.99999.1', critical: true, value: Buffer.from([5, 0]) }] }));
  const loneSub = ca.issue('subca2', { subject: `${O}/CN=Test Sub CA Two`, ca: true });
  const sam2 = fromIssued(ca.issue('sam2', { subject: `${O}/OU=Sub/CN=Sam Two`, issuer: loneSub }));
  add(invalid('missing intermediate CA', 'UNKNOWN_ISSUER'), { ...(await ourProxy(sam2)), chainPem: pemEncode('CERTIFICATE', sam2.cert.der) });
  add(invalid('CA path length exceeded', 'CA_PATH_LENGTH'), await ourProxy(deep));
  add(invalid('proxy signed by a CA certificate', 'PROXY_ISSUER_IS_CA'), await rawProxy(rootCred));

  // ---- stricter than OpenSSL ----
  const strict = (name: string, code: string, why: string, globus?: boolean) => ({ name, openssl: true, ours: false, code, stricter: why, globus });
  add(strict('non-critical proxyCertInfo', 'PCI_NOT_CRITICAL', 'RFC 3820 §3.8 makes it critical; Globus treats such a certificate as an end entity', false), await rawProxy(jane, { pciCritical: false }));
  add(strict('EEC outside its CA’s signing-policy namespace', 'SIGNING_POLICY', 'Globus applies <hash>.signing_policy; OpenSSL ignores it', false), await ourProxy(outside));
  add(strict('sub-CA without a signing policy', 'SIGNING_POLICY_MISSING', 'Globus needs a .signing_policy for every CA', false), await ourProxy(orphan));
  add(strict('proxy outliving its issuer', 'PROXY_OUTLIVES_ISSUER', 'a proxy must not claim a life its issuer does not have (Globus accepts it)', true), await rawProxy(j1, { notAfter: new Date(j1.cert.notAfter.getTime() + HOUR) }));
  add(strict('full proxy under a limited proxy', 'LIMITED_SIGNS_FULL', 'Globus: a limited proxy only delegates limited rights', false), await rawProxy(l1));
  add(strict('unknown proxy policy language', 'UNKNOWN_PROXY_POLICY', 'RFC 3820 §3.8: a policy language the verifier does not understand means reject (Globus leaves it to the application)', true), await rawProxy(jane, { policy: '1.3.6.1.4.1.99999.7' }));
  add(strict('revoked end-entity certificate (CRL in the trust folder)', 'REVOKED', 'Globus reads <hash>.r0 CRLs; openssl verify only with -crl_check', false), await ourProxy(revoked));
  const wrongOrder = await ourProxy(j1);
  add(strict('chain out of order in the file', 'CHAIN_ORDER', 'a proxy file lists each certificate’s issuer right after it (Globus and OpenSSL re-sort)', true), { ...wrongOrder, chainPem: pemEncode('CERTIFICATE', jane.cert.der) + pemEncode('CERTIFICATE', j1.cert.der) });
}, 180_000);

afterAll(() => ca?.cleanup());

describe('verifier vs openssl verify on a corpus of chains', () => {
  it('has at least 30 cases where we must agree with openssl, valid and invalid', () => {
    const agree = cases.filter((c) => !c.stricter);
    expect(agree.length).toBeGreaterThanOrEqual(30);
    expect(agree.filter((c) => c.openssl).length).toBeGreaterThanOrEqual(10);
    expect(agree.filter((c) => !c.openssl).length).toBeGreaterThanOrEqual(15);
  });

  it('openssl gives the verdict each case was built for (the corpus is what it claims)', () => {
    for (const c of cases) {
      const r = opensslVerify(ca.trustDir, c.file, ca.env());
      expect(r.ok, `${c.name}: ${r.out}`).toBe(c.openssl);
    }
  });

  it('our verifier agrees with openssl, naming the reason', async () => {
    for (const c of cases.filter((x) => !x.stricter)) {
      const v = await verifyChain({ chain: readFileSync(c.file, 'utf8'), trust: ca.trustDir });
      expect(v.valid, `${c.name}: ${JSON.stringify(v.errors)}`).toBe(c.openssl);
      if (c.code) expect(v.errors.map((e) => e.code), c.name).toContain(c.code);
    }
  });

  it('gives the EGI identity, with the reason, for every valid case (PUSP rules included)', async () => {
    for (const c of cases.filter((x) => x.ours)) {
      const v = await verifyChain({ chain: readFileSync(c.file, 'utf8'), trust: ca.trustDir });
      expect(v.identity, c.name).toBe(c.identity);
      expect(v.identityReasons.map((r) => r.code), c.name).toEqual([c.identityCode]);
    }
  });

  it('is stricter than openssl where RFC 3820 or Globus are, and Globus agrees where asked', async () => {
    for (const c of cases.filter((x) => x.stricter)) {
      const v = await verifyChain({ chain: readFileSync(c.file, 'utf8'), trust: ca.trustDir });
      expect(v.valid, c.name).toBe(false);
      expect(v.errors.map((e) => e.code), c.name).toContain(c.code);
      if (c.globus !== undefined || process.env.OSG_PROXY_CORPUS_GLOBUS) {
        const g = gridProxyInitVerify(c.file, ca.env(), path.join(ca.dir, 'scratch.pem'));
        if (c.globus === undefined) console.log(`Globus on “${c.name}”: ${g.ok ? 'accepts' : 'refuses'}`);
        else expect(g.ok, `${c.name}: ${g.out}`).toBe(c.globus);
      }
    }
  });

  it('refuses the revoked certificate as openssl verify -crl_check_all does', async () => {
    const c = cases.find((x) => x.code === 'REVOKED')!;
    const r = opensslVerify(ca.trustDir, c.file, ca.env(), ['-crl_check_all']);
    expect(r.ok).toBe(false);
    expect(r.out).toContain('certificate revoked');
    const fine = cases.find((x) => x.name === 'ASCII, 1 proxy')!;
    expect(opensslVerify(ca.trustDir, fine.file, ca.env(), ['-crl_check_all']).out).not.toContain('revoked');
  });

  it('catches a tampered signature, a wrong order and a proxy outliving its issuer that the info tools print happily', async () => {
    for (const name of ['tampered signature', 'chain out of order in the file', 'proxy outliving its issuer']) {
      const c = cases.find((x) => x.name === name)!;
      expect((await verifyChain({ chain: readFileSync(c.file, 'utf8'), trust: ca.trustDir })).valid, name).toBe(false);
      expect(gridProxyInfo(c.file, ca.env()).info.subject, name).toBeDefined();
      expect(vomsProxyInfo(c.file, ca.env()).proxy.subject, name).toBeDefined();
    }
  });
});
