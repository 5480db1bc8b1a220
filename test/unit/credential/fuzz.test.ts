// Property/fuzz test: malformed PEM, DER and .p12 inputs (truncated, bit-flipped, bytes set or
// inserted, random, empty, huge, deeply nested, wrong passwords, another certificate's key) fed to
// every parser. Each must return or throw an OnboardError with user text — never anything else.
// Hangs are excluded by construction (size caps, depth cap, round caps) and caught by the timeout.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import forge from 'node-forge';
import { OnboardError } from '../../../shared/errors';
import { errorTable } from '../../../shared/errors';
import {
  buildCsr,
  buildGlobusFiles,
  decodePem,
  encryptPrivateKey,
  readCertificates,
  readCsr,
  readPkcs12,
  readPrivateKeyPem,
  writePkcs12,
} from '../../../electron/services/credential';
import { parseDn } from '../../../shared/dn';
import { der, parseAsn1, rawBytes, type Asn1Node } from '../../../electron/services/credential/asn1';
import { makeCert, makeChain, testKey } from './fixtures';

const { root, intermediate, user } = makeChain('/DC=org/DC=example/C=US/O=Tëst Ünïv/CN=Jane Doe+UID=jdoe');
const PW = 'pässwörd';
let total = 0;
const seen = new Map<string, number>();

/** Runs one parser call; anything thrown must be a typed error with user text. */
async function expectTyped(fn: () => unknown): Promise<void> {
  total++;
  try {
    await fn();
    seen.set('ok', (seen.get('ok') ?? 0) + 1);
  } catch (e) {
    if (!(e instanceof OnboardError)) throw new Error(`untyped error: ${(e as Error)?.stack ?? e}`);
    expect(e.code in errorTable).toBe(true);
    expect(e.message.length).toBeGreaterThan(10);
    expect(e.hint.length).toBeGreaterThan(10);
    expect(e.message).not.toMatch(/\{\w+\}|undefined|\[object/);
    seen.set(e.code, (seen.get(e.code) ?? 0) + 1);
  }
}

function flipBits(seed: Buffer, bits: number[]): Buffer {
  const b = Buffer.from(seed);
  for (const bit of bits) b[bit >> 3] ^= 1 << (bit & 7);
  return b;
}

/** Malformed variants of `seed`. */
function mutations(seed: Buffer): fc.Arbitrary<Buffer> {
  const n = seed.length;
  return fc.oneof(
    { weight: 3, arbitrary: fc.nat(n - 1).map((i) => seed.subarray(0, i)) },
    { weight: 4, arbitrary: fc.nat(n * 8 - 1).map((bit) => flipBits(seed, [bit])) },
    { weight: 2, arbitrary: fc.array(fc.nat(n * 8 - 1), { minLength: 2, maxLength: 12 }).map((bits) => flipBits(seed, bits)) },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.nat(n - 1), fc.constantFrom(0x00, 0x80, 0x81, 0x84, 0xff, 0x30, 0x24, 0x04)).map(([i, v]) => {
        const b = Buffer.from(seed);
        b[i] = v;
        return b;
      }),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.nat(n), fc.uint8Array({ minLength: 1, maxLength: 24 })).map(([i, ins]) => Buffer.concat([seed.subarray(0, i), Buffer.from(ins), seed.subarray(i)])),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a)) },
    { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
    { weight: 1, arbitrary: fc.constant(seed) }, // intact, with random passwords
  );
}

/** Malformed variants of a PEM text (as text: characters flipped, lines dropped, cut short). */
function pemMutations(pem: string): fc.Arbitrary<string> {
  const lines = pem.split('\n');
  return fc.oneof(
    fc.nat(pem.length - 1).map((i) => pem.slice(0, i)),
    fc.tuple(fc.nat(pem.length - 1), fc.constantFrom('A', '-', '=', '\n', ' ', '*', 'é', '\r')).map(([i, c]) => pem.slice(0, i) + c + pem.slice(i + 1)),
    fc.nat(lines.length - 1).map((i) => lines.filter((_, j) => j !== i).join('\n')),
    fc.nat(pem.length - 1).map((i) => pem.slice(0, i) + pem.slice(i).replace(/[A-Za-z0-9+/]/, (c) => (c === 'A' ? 'B' : 'A'))),
  );
}

/** Re-encodes DER as BER the way NSS writes: indefinite lengths, OCTET STRINGs in segments. */
function toBer(node: Asn1Node): Buffer {
  const id = Buffer.from([node.buf[node.start]]);
  if (node.constructed) return Buffer.concat([id, Buffer.from([0x80]), ...node.children.map(toBer), Buffer.alloc(2)]);
  const content = node.buf.subarray(node.contentStart, node.contentEnd);
  if (node.cls === 0 && node.tag === 4 && content.length > 64) {
    const segments: Buffer[] = [];
    for (let i = 0; i < content.length; i += 500) segments.push(der.octetString(content.subarray(i, i + 500)));
    return Buffer.concat([Buffer.from([0x24, 0x80]), ...segments, Buffer.alloc(2)]);
  }
  return rawBytes(node);
}

const password = fc.oneof(fc.constant(PW), fc.constant(''), fc.constant('wrong'), fc.string({ maxLength: 12 }));
const LIMITS = { maxIterations: 10_000 }; // fuzz p12s use 3 rounds; a flipped round count stays cheap

describe('fuzz: every credential parser ends in a typed error', () => {
  it('PKCS#12 (modern, legacy, BER as NSS writes, another certificate’s key) — 6,000 inputs', async () => {
    const modern = await writePkcs12({ key: user.key, certificate: user.cert, chain: [intermediate.cert, root.cert], password: PW, iterations: 3, friendlyName: 'Jäne' });
    const legacy = await writePkcs12({ key: user.key, certificate: user.cert, password: PW, iterations: 3, profile: 'legacy' });
    // Another implementation's shapes: node-forge output with a key that matches no certificate.
    const other = makeCert({ subject: '/CN=Other', key: testKey(3) });
    const fkey = forge.pki.privateKeyFromPem(user.key.export({ type: 'pkcs8', format: 'pem' }) as string);
    const mismatch = Buffer.from(forge.asn1.toDer(forge.pkcs12.toPkcs12Asn1(fkey, [forge.pki.certificateFromPem(other.pem)], PW, { algorithm: '3des', count: 3 })).getBytes(), 'binary');
    const ber = toBer(parseAsn1(modern));
    expect(ber.length).toBeGreaterThan(modern.length);
    expect((await readPkcs12(ber, PW)).integrity).toBe('mac-verified');
    for (const seed of [modern, legacy, ber, mismatch]) {
      await fc.assert(
        fc.asyncProperty(mutations(seed), password, async (input, pw) => expectTyped(() => readPkcs12(input, pw, LIMITS))),
        { numRuns: 1400 },
      );
    }
    await fc.assert(
      fc.asyncProperty(mutations(modern), async (input) => expectTyped(() => buildGlobusFiles({ p12: input, password: PW, maxIterations: 10_000 }))),
      { numRuns: 400 },
    );
  });

  it('encrypted keys, certificates and requests, as PEM text and DER — 5,600 inputs', async () => {
    const keyPem = encryptPrivateKey(user.key, PW);
    const csr = buildCsr({ key: user.key, subject: parseDn('/DC=org/DC=example/O=Tëst/CN=Jane+UID=jdoe') });
    await fc.assert(fc.asyncProperty(pemMutations(keyPem), password, async (t, pw) => expectTyped(() => readPrivateKeyPem(t, pw))), { numRuns: 1200 });
    await fc.assert(fc.asyncProperty(mutations(Buffer.from(keyPem)), async (b) => expectTyped(() => readPrivateKeyPem(b, PW))), { numRuns: 600 });
    await fc.assert(fc.asyncProperty(pemMutations(user.pem + intermediate.pem), async (t) => expectTyped(() => readCertificates(t))), { numRuns: 1000 });
    await fc.assert(fc.asyncProperty(mutations(user.cert.raw), async (b) => expectTyped(() => readCertificates(b))), { numRuns: 1000 });
    await fc.assert(fc.asyncProperty(pemMutations(csr.pem), async (t) => expectTyped(() => readCsr(t))), { numRuns: 600 });
    await fc.assert(fc.asyncProperty(mutations(csr.der), async (b) => expectTyped(() => readCsr(b))), { numRuns: 900 });
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 300 }), async (t) => expectTyped(() => decodePem(t, 'text'))), { numRuns: 300 });
  });

  it('empty, huge, deeply nested and repetitive inputs', async () => {
    const huge = Buffer.alloc(1024 * 1024 + 1, 0x41);
    const big = Buffer.alloc(900 * 1024, 0x30); // under the cap: must still end quickly
    const deep = Buffer.concat([Buffer.from('3080'.repeat(50_000), 'hex'), Buffer.alloc(100_000)]);
    const manyBegins = '-----BEGIN CERTIFICATE-----\n'.repeat(30_000);
    const parsers: ((b: Buffer) => unknown)[] = [
      (b) => readPkcs12(b, PW, LIMITS),
      (b) => readPrivateKeyPem(b, PW),
      (b) => readCertificates(b),
      (b) => readCsr(b),
      (b) => decodePem(b, 'file'),
    ];
    const codes = new Set<string>();
    for (const parse of parsers) {
      for (const input of [Buffer.alloc(0), huge, big, deep, Buffer.from(manyBegins)]) {
        await expectTyped(async () => {
          try {
            await parse(input);
          } catch (e) {
            if (e instanceof OnboardError && input === huge) codes.add(e.code);
            throw e;
          }
        });
      }
    }
    expect(codes).toEqual(new Set(['INPUT_TOO_LARGE']));
  });

  it('ran at least 10,000 malformed inputs, and they reached many different errors', () => {
    expect(total).toBeGreaterThanOrEqual(10_000);
    const codes = [...seen.keys()];
    for (const c of ['P12_WRONG_PASSWORD', 'P12_INVALID', 'KEY_PASSPHRASE_WRONG', 'PEM_INVALID', 'CERT_INVALID', 'CSR_INVALID', 'INPUT_TOO_LARGE', 'KEY_CERT_MISMATCH']) {
      expect(codes).toContain(c);
    }
  });
});
