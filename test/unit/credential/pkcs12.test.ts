import { describe, expect, it } from 'vitest';
import forge from 'node-forge';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { sha1Iterate, sha256Iterate } from '../../../electron/services/credential/hash-iterate';
import { OnboardError } from '../../../shared/errors';
import { der, parseAsn1, rawBytes } from '../../../electron/services/credential/asn1';
import { bmpPassword, pkcs12Kdf } from '../../../electron/services/credential/pkcs12-pbe';
import { publicKeyFingerprint, readPkcs12, writePkcs12 } from '../../../electron/services/credential';
import { makeCert, makeChain, testKey } from './fixtures';

async function codeOf(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(OnboardError);
    return (e as OnboardError).code;
  }
  return 'no error';
}

const { root, intermediate, user } = makeChain();

/** A p12 made by node-forge (an independent implementation), for cases our writer refuses to make. */
function forgeP12(key: ReturnType<typeof testKey> | null, certPems: string[], password: string): Buffer {
  const fkey = key ? forge.pki.privateKeyFromPem(key.export({ type: 'pkcs8', format: 'pem' }) as string) : null;
  const certs = certPems.map((p) => forge.pki.certificateFromPem(p));
  const asn1 = forge.pkcs12.toPkcs12Asn1(fkey, certs.length ? certs : null as never, password, { algorithm: '3des', count: 3, saltSize: 8, generateLocalKeyId: certs.length > 0 });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

describe('PKCS#12 key derivation (RFC 7292 appendix B)', () => {
  it('matches the published test vectors', async () => {
    const kdf = async (pw: string, salt: string, id: 1 | 2 | 3, it: number, n: number) =>
      (await pkcs12Kdf('sha1', bmpPassword(pw), Buffer.from(salt, 'hex'), id, it, n)).toString('hex').toUpperCase();
    expect(await kdf('smeg', '0A58CF64530D823F', 1, 1, 24)).toBe('8AAAE6297B6CB04642AB5B077851284EB7128F1A2A7FBCA3');
    expect(await kdf('smeg', '0A58CF64530D823F', 2, 1, 8)).toBe('79993DFE048D3B76');
    expect(await kdf('queeg', '1682C0FC5B3F7EC5', 1, 1000, 24)).toBe('483DD6E919D7DE2E8E648BA8F862F3FBFBDC2BCB2C02957F');
    expect(await kdf('queeg', '1682C0FC5B3F7EC5', 2, 1000, 8)).toBe('9D461D1B00355C50');
    expect(await kdf('smeg', '3D83C0E4546AC140', 3, 1, 20)).toBe('8D967D88F6CAA9D714800AB3D48051D63F73A312');
  });

  it('encodes passwords as BMPString with a terminator; null is empty', () => {
    expect(bmpPassword('aé').toString('hex')).toBe('006100e90000');
    expect(bmpPassword('').toString('hex')).toBe('0000');
    expect(bmpPassword(null).length).toBe(0);
  });
});

describe('PKCS#12 write and read', () => {
  for (const profile of ['modern', 'legacy'] as const) {
    it(`round-trips a ${profile} file with a non-ASCII password, friendly name and chain`, async () => {
      const p12 = await writePkcs12({
        key: user.key, certificate: user.cert, chain: [root.cert, intermediate.cert], // any order in
        password: 'pässwörd 😀', friendlyName: 'Jäne’s grid cert', profile, iterations: 16,
      });
      const progress: number[] = [];
      const r = await readPkcs12(p12, 'pässwörd 😀', { onProgress: (f) => progress.push(f ?? -1) });
      expect(r.certificate.raw.equals(user.cert.raw)).toBe(true);
      expect(r.chain.map((c) => c.subject)).toEqual([intermediate.cert.subject, root.cert.subject]); // ordered out
      expect(publicKeyFingerprint(r.key)).toBe(publicKeyFingerprint(user.key));
      expect(r.friendlyName).toBe('Jäne’s grid cert');
      expect(r.integrity).toBe('mac-verified');
      expect(r.mac).toEqual({ hash: profile === 'modern' ? 'sha256' : 'sha1', iterations: 16 });
      expect(r.keyProtection).toMatch(profile === 'modern' ? /PBES2, PBKDF2-SHA256, AES-256-CBC/ : /PBE-SHA1-3DES/);
      expect(progress.at(-1)).toBe(1);
      expect(await codeOf(() => readPkcs12(p12, 'passwörd'))).toBe('P12_WRONG_PASSWORD');
    });
  }

  it('refuses to write a key that is not the certificate’s, a broken chain, or a short password', async () => {
    const other = makeCert({ subject: '/CN=Other', key: testKey(3) });
    expect(await codeOf(() => writePkcs12({ key: testKey(3), certificate: user.cert, password: 'secret' }))).toBe('KEY_CERT_MISMATCH');
    expect(await codeOf(() => writePkcs12({ key: user.key, certificate: user.cert, chain: [other.cert], password: 'secret' }))).toBe('CHAIN_ORDER_INVALID');
    expect(await codeOf(() => writePkcs12({ key: user.key, certificate: user.cert, password: '' }))).toBe('PASSPHRASE_TOO_SHORT');
    expect(await codeOf(() => writePkcs12({ key: user.key, certificate: user.cert, password: 'secret', iterations: 0 }))).toBe('INVALID_INPUT');
  });

  it('picks the user’s certificate by public key, not by position', async () => {
    const p12 = forgeP12(user.key, [root.pem, intermediate.pem, user.pem], 'secret');
    const r = await readPkcs12(p12, 'secret');
    expect(r.certificate.raw.equals(user.cert.raw)).toBe(true);
    expect(r.chain).toHaveLength(2);
  });

  it('says which problem a file has: no key, no certificate, key of another certificate', async () => {
    const other = makeCert({ subject: '/CN=Other', key: testKey(3) });
    expect(await codeOf(() => readPkcs12(forgeP12(null, [user.pem], 'secret'), 'secret'))).toBe('P12_NO_KEY');
    expect(await codeOf(() => readPkcs12(forgeP12(user.key, [], 'secret'), 'secret'))).toBe('P12_NO_CERT');
    expect(await codeOf(() => readPkcs12(forgeP12(user.key, [other.pem], 'secret'), 'secret'))).toBe('KEY_CERT_MISMATCH');
  });

  it('reads node-forge’s AES files with a non-ASCII password (forge derives PBES2 keys from Latin-1)', async () => {
    const fkey = forge.pki.privateKeyFromPem(user.key.export({ type: 'pkcs8', format: 'pem' }) as string);
    const asn1 = forge.pkcs12.toPkcs12Asn1(fkey, [forge.pki.certificateFromPem(user.pem)], 'pässwörd', { algorithm: 'aes256', count: 5 });
    const p12 = Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
    const r = await readPkcs12(p12, 'pässwörd');
    expect(publicKeyFingerprint(r.key)).toBe(publicKeyFingerprint(user.key));
    expect(r.keyProtection).toMatch(/AES-256-CBC/);
  });

  it('accepts a file without a MAC, with a warning, and still checks the key', async () => {
    const p12 = await writePkcs12({ key: user.key, certificate: user.cert, password: 'secret', iterations: 4 });
    const pfx = parseAsn1(p12);
    const noMac = der.sequence(rawBytes(pfx.children[0]), rawBytes(pfx.children[1]));
    const r = await readPkcs12(noMac, 'secret');
    expect(r.integrity).toBe('no-mac');
    expect(r.warnings.join(' ')).toMatch(/no integrity check/);
    expect(await codeOf(() => readPkcs12(noMac, 'wrong'))).toBe('P12_WRONG_PASSWORD');
  });

  it('catches any flipped byte: MAC first, then the key check', async () => {
    const p12 = await writePkcs12({ key: user.key, certificate: user.cert, password: 'secret', iterations: 2 });
    const codes = new Set<string>();
    for (let i = 0; i < p12.length; i += 37) {
      const bad = Buffer.from(p12);
      bad[i] ^= 0x04;
      codes.add(await codeOf(() => readPkcs12(bad, 'secret')));
    }
    expect(codes.has('no error')).toBe(false);
    expect(codes.has('P12_WRONG_PASSWORD')).toBe(true); // a flip in the contents fails the MAC
  });

  it('refuses a file asking for more rounds than allowed, before doing them', async () => {
    const p12 = await writePkcs12({ key: user.key, certificate: user.cert, password: 'secret', iterations: 50 });
    expect(await codeOf(() => readPkcs12(p12, 'secret', { maxIterations: 10 }))).toBe('P12_UNSUPPORTED');
  });

  it('tells a PEM file or an empty file from a .p12', async () => {
    expect(await codeOf(() => readPkcs12(Buffer.from(user.pem), 'x'))).toBe('P12_INVALID');
    expect(await codeOf(() => readPkcs12(Buffer.alloc(0), 'x'))).toBe('P12_INVALID');
    expect(await codeOf(() => readPkcs12(Buffer.alloc(2 * 1024 * 1024, 0x30), 'x'))).toBe('INPUT_TOO_LARGE');
  });
});

describe('iterated hash kernels', () => {
  it('give the same bytes as node:crypto for random digests and round counts', () => {
    for (const [name, size, kernel] of [['sha256', 32, sha256Iterate], ['sha1', 20, sha1Iterate]] as const) {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: size, maxLength: size }), fc.integer({ min: 0, max: 300 }), (bytes, rounds) => {
          let want = Buffer.from(bytes);
          for (let i = 0; i < rounds; i++) want = createHash(name).update(want).digest();
          expect(kernel(Buffer.from(bytes), rounds).equals(want)).toBe(true);
        }),
        { numRuns: 200 },
      );
    }
  });
});
