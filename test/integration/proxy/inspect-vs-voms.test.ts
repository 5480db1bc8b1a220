// Our inspector's fields equal voms-proxy-info --all's for the same files: ours, grid-proxy-init's
// and voms-proxy-fake's (VOMS attribute certificates), ASCII and non-ASCII.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createGridCa, type GridCa, type IssuedCert } from '../../helpers/grid-ca';
import { createProxy, createPusp, inspectProxy, readPrivateKey, IGTF_ROBOT_POLICY_OID } from '../../../electron/services/proxy';
import { hmsSeconds, vomsProxyInfo } from './tools';

let ca: GridCa;
const files: { name: string; file: string; hasVo: boolean }[] = [];

function tool(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { env: ca.env(), encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stdout}${r.stderr}`);
}

beforeAll(async () => {
  ca = createGridCa();
  const jane = ca.issue('jane', { subject: '/C=US/O=OSG Onboard Test/CN=Jane Doe' });
  const zoe = ca.issue('zoe', { subject: '/C=US/O=OSG Onboard Test/OU=Fête/CN=Zoë Müller+UID=zm' });
  const voms = ca.issue('voms', { subject: '/C=US/O=OSG Onboard Test/CN=voms.example.org' });
  mkdirSync(path.join(ca.dir, 'vomsdir', 'testvo'), { recursive: true });
  writeFileSync(path.join(ca.dir, 'vomsdir', 'testvo', 'voms.example.org.lsc'), '/C=US/O=OSG Onboard Test/CN=voms.example.org\n/C=US/O=OSG Onboard Test/CN=OSG Onboard Test Root CA\n');
  const out = (n: string) => path.join(ca.dir, `proxy-${n}.pem`);

  const ours = async (name: string, cert: IssuedCert, opts: { limited?: boolean; levels?: number } = {}) => {
    let p = await createProxy({ issuerCert: cert.certPem, issuerKey: readPrivateKey(cert.keyPem, undefined), hours: 3, limited: opts.limited });
    for (let i = 1; i < (opts.levels ?? 1); i++) p = await createProxy({ issuerCert: p.certificate, issuerKey: p.privateKey, chain: p.chain, hours: 2 });
    writeFileSync(out(name), p.pem, { mode: 0o600 });
    files.push({ name: `ours: ${name}`, file: out(name), hasVo: false });
  };
  await ours('jane', jane);
  await ours('jane-limited', jane, { limited: true });
  await ours('zoe-3-level', zoe, { levels: 2 });
  const robot = ca.issue('robot', { subject: '/C=US/O=OSG Onboard Test/CN=Robot: Portal', extraExtensions: [`certificatePolicies=${IGTF_ROBOT_POLICY_OID}`] });
  const pusp = await createPusp({ robotCert: robot.certPem, robotKey: readPrivateKey(robot.keyPem, undefined), userId: 'test1', session: true, hours: 3 });
  writeFileSync(out('pusp-session'), pusp.pem, { mode: 0o600 });
  files.push({ name: 'ours: PUSP + session', file: out('pusp-session'), hasVo: false });

  for (const [name, cert, extra] of [['gpi-jane', jane, []], ['gpi-zoe-limited', zoe, ['-limited']]] as const) {
    tool('grid-proxy-init', ['-cert', cert.certFile, '-key', cert.keyFile, '-out', out(name), '-hours', '5', '-q', ...extra]);
    files.push({ name: `grid-proxy-init: ${name}`, file: out(name), hasVo: false });
  }
  for (const [name, cert, fqans] of [['fake-jane', jane, ['/testvo/Role=NULL/Capability=NULL', '/testvo/analysis']], ['fake-zoe', zoe, ['/testvo']]] as const) {
    tool('voms-proxy-fake', [
      '-cert', cert.certFile, '-key', cert.keyFile, '-hostcert', voms.certFile, '-hostkey', voms.keyFile, '-voms', 'testvo',
      ...fqans.flatMap((f) => ['-fqan', f]), '-uri', 'voms.example.org:15000', '-rfc', '-hours', '6', '-vomslife', '4', '-out', out(name), '-q',
    ]);
    files.push({ name: `voms-proxy-fake: ${name}`, file: out(name), hasVo: true });
  }
}, 120_000);

afterAll(() => ca?.cleanup());

describe('inspector vs voms-proxy-info --all', () => {
  it('covers ours, grid-proxy-init and voms-proxy-fake proxies', () => {
    expect(files.length).toBe(8);
    expect(files.filter((f) => f.hasVo)).toHaveLength(2);
  });

  it('gives the same subject, issuer, identity, type, strength, key usage and timeleft (±1 s)', () => {
    for (const f of files) {
      const text = readFileSync(f.file, 'utf8');
      const t0 = new Date();
      const v = vomsProxyInfo(f.file, ca.env());
      const t1 = new Date();
      expect(v.ok, v.out).toBe(true);
      const before = inspectProxy(text, { path: f.file, now: t0 });
      const after = inspectProxy(text, { path: f.file, now: t1 });
      expect(v.proxy.subject, f.name).toBe(before.oneline.subject);
      expect(v.proxy.issuer, f.name).toBe(before.oneline.issuer);
      expect(v.proxy.identity, f.name).toBe(before.oneline.vomsIdentity);
      expect(v.proxy.type, f.name).toBe(before.type);
      expect(v.proxy.strength, f.name).toBe(`${before.strength} bits`);
      expect(v.proxy['key usage'], f.name).toBe(before.keyUsage.join(', '));
      const theirs = hmsSeconds(v.proxy.timeleft);
      expect(theirs, f.name).toBeGreaterThanOrEqual(after.timeleftSeconds - 1);
      expect(theirs, f.name).toBeLessThanOrEqual(before.timeleftSeconds + 1);
    }
  });

  it('reads the VOMS attribute certificate block the same way (VO, subject, issuer, attributes, timeleft, uri)', () => {
    for (const f of files.filter((x) => x.hasVo)) {
      const text = readFileSync(f.file, 'utf8');
      const t0 = new Date();
      const v = vomsProxyInfo(f.file, ca.env());
      const t1 = new Date();
      const before = inspectProxy(text, { now: t0 });
      const after = inspectProxy(text, { now: t1 });
      expect(before.vo).toHaveLength(1);
      expect(v.vo).toHaveLength(1);
      const [ours] = before.vo;
      const [theirs] = v.vo;
      expect(theirs.VO).toBe(ours.vo);
      expect(theirs.subject).toBe(ours.subjectOneline);
      expect(theirs.issuer).toBe(ours.issuerOneline);
      expect(theirs.attributes).toBe(ours.attributes.join('\n'));
      expect(theirs.uri).toBe(ours.uri);
      expect(hmsSeconds(theirs.timeleft)).toBeGreaterThanOrEqual(after.vo[0].timeleftSeconds - 1);
      expect(hmsSeconds(theirs.timeleft)).toBeLessThanOrEqual(ours.timeleftSeconds + 1);
      // The AC was asked for 4 h inside a 6 h proxy: the two clocks are read separately.
      expect(ours.timeleftSeconds).toBeLessThan(before.timeleftSeconds);
    }
  });
});
