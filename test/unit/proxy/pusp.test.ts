import { beforeAll, describe, expect, it } from 'vitest';
import { createPusp, pseudonymFor, pseudonymSecret, puspLabel, PSEUDONYM_SECRET_ACCOUNT } from '../../../electron/services/proxy/pusp';
import { checkRobotCertificate } from '../../../electron/services/proxy/robot';
import { appendCn } from '../../../electron/services/proxy/name';
import type { SecretStore } from '../../../electron/services/keychain/secret-store';
import { issue, name, testKey, testPki, CN, O } from './fixtures';

let pki: Awaited<ReturnType<typeof testPki>>;
beforeAll(async () => {
  pki = await testPki();
});

function memoryStore(): SecretStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    backend: 'memory',
    data,
    get: async (a) => data.get(a) ?? null,
    set: async (a, s) => void data.set(a, s),
    delete: async (a) => data.delete(a),
  };
}

const ids = Array.from({ length: 10_000 }, (_, i) => (i % 3 === 0 ? `user${i}` : i % 3 === 1 ? `u${i}@portal.example.org` : `${i}`));

describe('PUSP names', () => {
  it('gives the same user the same DN, every time', async () => {
    const a = await createPusp({ robotCert: pki.robot.cert, robotKey: pki.robot.key, userId: 'alice', puspKey: testKey(4) });
    const b = await createPusp({ robotCert: pki.robot.cert, robotKey: pki.robot.key, userId: 'alice', puspKey: testKey(5) });
    expect(a.identity).toBe(`${pki.robot.cert.subjectDn}/CN=user:alice`);
    expect(b.pusp.certificate.subjectDer.equals(a.pusp.certificate.subjectDer)).toBe(true);
    expect(b.pusp.serial).not.toBe(a.pusp.serial);
  });

  it('gives 10,000 distinct user ids 10,000 distinct DNs (the DN createPusp writes)', async () => {
    const dns = new Set(ids.map((id) => appendCn(pki.robot.cert.subjectDer, puspLabel(id)).toString('hex')));
    expect(dns.size).toBe(ids.length);
    // createPusp writes exactly that subject (sampled; signing 10,000 is a benchmark, not a test).
    for (const id of ids.slice(0, 20)) {
      const r = await createPusp({ robotCert: pki.robot.cert, robotKey: pki.robot.key, userId: id, puspKey: testKey(4) });
      expect(r.pusp.certificate.subjectDer.equals(appendCn(pki.robot.cert.subjectDer, puspLabel(id)))).toBe(true);
    }
  });

  it('makes pseudonyms that are stable per secret, distinct per user, and do not contain the id', () => {
    const secret = Buffer.alloc(32, 9);
    const ps = ids.map((id) => pseudonymFor(secret, id));
    expect(new Set(ps).size).toBe(ids.length);
    ids.forEach((id, i) => expect(ps[i].includes(id)).toBe(false));
    expect(pseudonymFor(secret, 'alice')).toBe(pseudonymFor(Buffer.alloc(32, 9), 'alice'));
    expect(pseudonymFor(Buffer.alloc(32, 8), 'alice')).not.toBe(pseudonymFor(secret, 'alice'));
    expect(pseudonymFor(secret, 'alice')).toMatch(/^[a-z]{28}$/);
    for (const id of ['alice', 'robert', 'mallory', 'jdoe42']) expect(pseudonymFor(secret, id).includes(id)).toBe(false);
  });

  it('creates the pseudonym secret in the keychain on first use and reuses it', async () => {
    const store = memoryStore();
    const first = await pseudonymSecret(store);
    expect(first).toHaveLength(32);
    expect(store.data.get(PSEUDONYM_SECRET_ACCOUNT)).toBe(first.toString('base64'));
    expect((await pseudonymSecret(store)).equals(first)).toBe(true);
    const r = await createPusp({ robotCert: pki.robot.cert, robotKey: pki.robot.key, userId: 'alice+tag@example.org', pseudonymSecret: first, puspKey: testKey(4) });
    expect(r.pseudonymous).toBe(true);
    expect(r.identity).not.toContain('alice');
    expect(r.userLabel).toBe(`user:${pseudonymFor(first, 'alice+tag@example.org')}`);
  });

  it('makes the per-session proxy under the PUSP', async () => {
    const r = await createPusp({ robotCert: pki.robot.cert, robotKey: pki.robot.key, userId: 'bob', session: true, puspKey: testKey(4), sessionKey: testKey(5) });
    expect(r.session!.certificate.issuerDer.equals(r.pusp.certificate.subjectDer)).toBe(true);
    expect(r.session!.subject).toBe(`${r.identity}/CN=${r.session!.serial}`);
    expect(r.pem.startsWith(r.session!.certificatePem)).toBe(true);
    expect(r.session!.chain.map((c) => c.subjectDn)).toEqual([r.identity, pki.robot.cert.subjectDn]);
  });

  it('refuses ids that would break DN strings, and empty or overlong ids', () => {
    for (const bad of ['', 'a/b', 'a,b', 'a+b', 'a=b', 'x'.repeat(60), 'é']) {
      expect(() => puspLabel(bad), bad).toThrow(expect.objectContaining({ code: 'PUSP_USER_ID_INVALID' }));
    }
    expect(puspLabel('jane.doe_1@portal:x-y')).toBe('user:jane.doe_1@portal:x-y');
  });

  it('refuses a non-robot credential unless forced', async () => {
    await expect(createPusp({ robotCert: pki.user.cert, robotKey: pki.user.key, userId: 'alice', puspKey: testKey(4) })).rejects.toMatchObject({ code: 'PUSP_NOT_ROBOT' });
    const forced = await createPusp({ robotCert: pki.user.cert, robotKey: pki.user.key, userId: 'alice', puspKey: testKey(4), force: true });
    expect(forced.robot.robot).toBe(false);
  });
});

describe('robot certificate check', () => {
  const make = (cn: string, policies?: string[]) => issue({ subject: name([[[O, 'Unit Test']], [[CN, cn]]]), issuer: pki.root, key: testKey(6), policies });

  it('accepts the IGTF “Robot:” / “Robot -” CN convention or the IGTF robot policy OID', async () => {
    for (const cn of ['Robot: Science Gateway', 'Robot - Workflow', 'robot:portal', 'ROBOT : x']) {
      const r = checkRobotCertificate((await make(cn)).cert);
      expect(r.robot, cn).toBe(true);
      expect(r.evidence[0]).toContain('naming convention');
    }
    const byOid = checkRobotCertificate((await make('gateway.example.org', ['1.2.840.113612.5.2.3.3.1'])).cert);
    expect(byOid.robot).toBe(true);
    expect(byOid.evidence[0]).toContain('1.2.840.113612.5.2.3.3.1');
    expect(checkRobotCertificate((await make('gateway', ['1.2.840.113612.5.2.3.3.1.1.3'])).cert).robot).toBe(true);
  });

  it('refuses people, hosts, CAs, proxies and look-alikes, saying why', async () => {
    for (const cn of ['Jane Doe', 'Robotics Lab', 'Roboter']) expect(checkRobotCertificate((await make(cn)).cert).robot, cn).toBe(false);
    const person = checkRobotCertificate((await make('Robot: x', ['1.2.840.113612.5.2.3.3.3'])).cert);
    expect(person.robot).toBe(false);
    expect(person.problems.join()).toContain('person policy');
    expect(checkRobotCertificate((await make('Robot: h', ['1.2.840.113612.5.2.3.3.2'])).cert).robot).toBe(false);
    expect(checkRobotCertificate(pki.root.cert).problems.join()).toContain('CA certificate');
    const pusp = await createPusp({ robotCert: pki.robot.cert, robotKey: pki.robot.key, userId: 'x', puspKey: testKey(4) });
    expect(checkRobotCertificate(pusp.pusp.certificate).problems.join()).toContain('proxy');
  });
});
