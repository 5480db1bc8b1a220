// In-memory CA, user and robot certificates for unit tests, built with Node keys and our DER
// builder (the integration tests use openssl-made ones and the real grid tools).
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { buildCertificate, keySigner, keyUsageValue, type ExtensionSpec } from '../../../electron/services/proxy/cert-builder';
import { parseCertificate, OID, type ParsedCertificate } from '../../../electron/services/proxy/cert';
import { spkiOf } from '../../../electron/services/proxy/cert-input';
import { derBoolean, oid, seq, set, smallInteger, tlv, TAG } from '../../../electron/services/proxy/der';

export interface Cred {
  readonly cert: ParsedCertificate;
  readonly key: KeyObject;
}

/** A Name from [type OID, value, tag?][] RDNs (multi-valued when an RDN has several). */
export function name(rdns: [string, string, number?][][]): Buffer {
  return seq(...rdns.map((rdn) => set(...rdn.map(([o, v, tag]) => seq(oid(o), tlv(tag ?? TAG.UTF8_STRING, Buffer.from(v, tag === TAG.PRINTABLE_STRING ? 'latin1' : 'utf8')))))));
}

export const CN = '2.5.4.3';
export const O = '2.5.4.10';
export const C = '2.5.4.6';
export const UID = '0.9.2342.19200300.100.1.1';

const keys: KeyObject[] = [];
/** A few RSA-2048 keys made once per test file and reused (key generation is the slow part). */
export function testKey(i: number): KeyObject {
  while (keys.length <= i) keys.push(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
  return keys[i];
}

let serial = 1;
export async function issue(opts: {
  subject: Buffer; issuer?: Cred; key: KeyObject; ca?: boolean; notBefore?: Date; notAfter?: Date; policies?: string[]; keyUsage?: ExtensionSpec;
}): Promise<Cred> {
  const exts: ExtensionSpec[] = [
    { oid: OID.basicConstraints, critical: true, value: opts.ca ? seq(derBoolean(true)) : seq() },
    opts.keyUsage ?? { oid: OID.keyUsage, critical: true, value: keyUsageValue(opts.ca ? ['keyCertSign', 'cRLSign'] : ['digitalSignature', 'keyEncipherment']) },
  ];
  if (opts.policies) exts.push({ oid: OID.certificatePolicies, critical: false, value: seq(...opts.policies.map((p) => seq(oid(p)))) });
  const der = await buildCertificate(
    {
      serial: smallInteger(serial++).subarray(2),
      issuerDer: opts.issuer?.cert.subjectDer ?? opts.subject,
      subjectDer: opts.subject,
      notBefore: opts.notBefore ?? new Date(Date.now() - 86400_000),
      notAfter: opts.notAfter ?? new Date(Date.now() + 30 * 86400_000),
      spki: spkiOf(opts.key),
      extensions: exts,
    },
    keySigner(opts.issuer?.key ?? opts.key),
  );
  return { cert: parseCertificate(der), key: opts.key };
}

export async function testPki(): Promise<{ root: Cred; user: Cred; robot: Cred; other: Cred }> {
  const root = await issue({ subject: name([[[C, 'US', TAG.PRINTABLE_STRING]], [[O, 'Unit Test']], [[CN, 'Unit Root CA']]]), key: testKey(0), ca: true });
  const user = await issue({ subject: name([[[C, 'US', TAG.PRINTABLE_STRING]], [[O, 'Unit Test']], [[CN, 'Zoë Müller'], [UID, 'zm']]]), issuer: root, key: testKey(1) });
  const robot = await issue({ subject: name([[[C, 'US', TAG.PRINTABLE_STRING]], [[O, 'Unit Test']], [[CN, 'Robot: Portal']]]), issuer: root, key: testKey(2), policies: ['1.2.840.113612.5.2.3.3.1'] });
  const other = await issue({ subject: name([[[C, 'US', TAG.PRINTABLE_STRING]], [[O, 'Unit Test']], [[CN, 'Other Person']]]), issuer: root, key: testKey(3) });
  return { root, user, robot, other };
}
