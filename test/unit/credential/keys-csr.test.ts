import { describe, expect, it } from 'vitest';
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { parseDn } from '../../../shared/dn';
import { OnboardError } from '../../../shared/errors';
import { parseAsn1, readOid } from '../../../electron/services/credential/asn1';
import { OID } from '../../../electron/services/credential/oids';
import { decodePem } from '../../../electron/services/credential/pem';
import {
  buildCsr,
  checkKeyConsistency,
  encryptPrivateKey,
  generateRsaKey,
  readCsr,
  readPrivateKeyPem,
  publicKeyFingerprint,
} from '../../../electron/services/credential';
import { testKey } from './fixtures';

async function codeOf(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(OnboardError);
    return (e as OnboardError).code;
  }
  return 'no error';
}

describe('key generation', () => {
  it('makes an RSA-2048 key natively and reports progress start and end', async () => {
    const events: [number | null, string][] = [];
    const key = await generateRsaKey({ onProgress: (f, l) => events.push([f, l]) });
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(key.asymmetricKeyDetails?.publicExponent).toBe(65537n);
    expect(events[0][0]).toBeNull();
    expect(events.at(-1)?.[0]).toBe(1);
  });

  it('refuses other sizes with KEY_SIZE_UNSUPPORTED', async () => {
    expect(await codeOf(() => generateRsaKey({ bits: 1024 }))).toBe('KEY_SIZE_UNSUPPORTED');
  });
});

describe('key at rest', () => {
  it('writes encrypted PKCS#8 with PBES2, PBKDF2-HMAC-SHA256 and AES-256-CBC', () => {
    const pem = encryptPrivateKey(testKey(0), 'correct horse');
    expect(pem).not.toContain('\r');
    const [block] = decodePem(pem, 'key');
    expect(block.label).toBe('ENCRYPTED PRIVATE KEY');
    const alg = parseAsn1(block.der).children[0];
    expect(readOid(alg.children[0], 'alg')).toBe(OID.pbes2);
    const [kdf, enc] = alg.children[1].children;
    expect(readOid(kdf.children[0], 'kdf')).toBe(OID.pbkdf2);
    expect(readOid(kdf.children[1].children.at(-1)!.children[0], 'prf')).toBe(OID.hmacWithSha256);
    expect(readOid(enc.children[0], 'enc')).toBe(OID.aes256Cbc);
  });

  it('opens with the right (non-ASCII) passphrase and refuses a wrong one', () => {
    const pem = encryptPrivateKey(testKey(0), 'pässwörd 😀');
    const key = readPrivateKeyPem(pem, 'pässwörd 😀');
    expect(publicKeyFingerprint(key)).toBe(publicKeyFingerprint(testKey(0)));
    return Promise.all([
      codeOf(() => readPrivateKeyPem(pem, 'passwort')).then((c) => expect(c).toBe('KEY_PASSPHRASE_WRONG')),
      codeOf(() => readPrivateKeyPem(pem, undefined)).then((c) => expect(c).toBe('KEY_PASSPHRASE_REQUIRED')),
      codeOf(() => encryptPrivateKey(testKey(0), 'abc')).then((c) => expect(c).toBe('PASSPHRASE_TOO_SHORT')),
      codeOf(() => readPrivateKeyPem(testKey(0).export({ type: 'pkcs8', format: 'pem' }) as string, 'x')).then((c) => expect(c).toBe('KEY_INVALID')),
      codeOf(() => readPrivateKeyPem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', 'x')).then((c) => expect(c).toBe('KEY_INVALID')),
    ]);
  });

  it('catches a key whose prime is corrupt even though signing still works', async () => {
    const jwk = testKey(0).export({ format: 'jwk' });
    const p = Buffer.from(jwk.p!, 'base64url');
    p[10] ^= 0x01;
    const broken = createPrivateKey({ key: { ...jwk, p: p.toString('base64url') }, format: 'jwk' });
    // OpenSSL falls back to d when the CRT result is wrong: a plain sign/verify passes.
    const msg = Buffer.from('probe');
    expect(verify('sha256', msg, createPublicKey(testKey(0)), sign('sha256', msg, broken))).toBe(true);
    expect(await codeOf(() => checkKeyConsistency(broken, 'the key'))).toBe('KEY_DAMAGED');
    expect(() => checkKeyConsistency(testKey(0), 'the key')).not.toThrow();
  });
});

describe('certificate requests', () => {
  it('signs a CSR whose subject and key read back', () => {
    const subject = parseDn('/DC=org/DC=cilogon/C=US/O=Université de Genève/CN=Jane Doe+UID=jdoe');
    const csr = buildCsr({ key: testKey(0), subject });
    expect(csr.pem.startsWith('-----BEGIN CERTIFICATE REQUEST-----\n')).toBe(true);
    const parsed = readCsr(csr.pem);
    expect(parsed.publicKeyFingerprint).toBe(publicKeyFingerprint(testKey(0)));
    expect(parsed.subject[4]).toHaveLength(2);
    expect(parsed.subject.slice(0, 4)).toEqual(subject.slice(0, 4));
  });

  it('finds a tampered CSR', async () => {
    const csr = buildCsr({ key: testKey(0), subject: parseDn('/CN=Jane Doe') });
    const der = Buffer.from(csr.der);
    const i = der.indexOf(Buffer.from('Jane'));
    der[i] ^= 0x20;
    expect(await codeOf(() => readCsr(der))).toBe('CSR_INVALID');
    expect(await codeOf(() => readCsr(Buffer.alloc(0)))).toBe('CSR_INVALID');
  });
});
