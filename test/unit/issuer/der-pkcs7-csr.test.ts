import { beforeAll, describe, expect, it } from 'vitest';
import { X509Certificate, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import forge from 'node-forge';
import { csrToDer, parseCsr, spkiFingerprint } from '../../../electron/services/issuer/csr-info';
import { DerError, TAG, content, readOne, smallInteger, time, unsignedInteger, derToPem, pemToDer, decodeTime } from '../../../electron/services/issuer/der';
import { decodeCertsOnly, encodeCertsOnly, estBodyToDer } from '../../../electron/services/issuer/pkcs7';
import { decodeName, encodeName } from '../../../electron/services/issuer/x509-name';
import { describeCertificate } from '../../../electron/services/issuer/certificate-info';
import { parseSlashDn, formatSlashDn } from '../../../shared/dn';
import { basicConstraints, buildCertificate, keyUsage, randomSerial, subjectKeyId } from '../../../electron/sandbox/ca/x509-build';

let key: KeyObject;
let csrDer: Buffer;
let certDer: Buffer;

/** A CSR made by node-forge (the way another library would), signed by a Node-made RSA key. */
function forgeCsr(privatePem: string, cn: string, email?: string): Buffer {
  const priv = forge.pki.privateKeyFromPem(privatePem) as forge.pki.rsa.PrivateKey;
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.setRsaPublicKey(priv.n, priv.e);
  csr.setSubject([{ shortName: 'CN', value: cn }]);
  if (email) csr.setAttributes([{ name: 'extensionRequest', extensions: [{ name: 'subjectAltName', altNames: [{ type: 1, value: email }] }] }]);
  csr.sign(priv, forge.md.sha256.create());
  return Buffer.from(forge.asn1.toDer(forge.pki.certificationRequestToAsn1(csr)).getBytes(), 'binary');
}

beforeAll(() => {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  key = pair.privateKey;
  csrDer = forgeCsr(key.export({ type: 'pkcs8', format: 'pem' }) as string, 'Ada Lovelace', 'ada@example.org');
  const spki = pair.publicKey.export({ type: 'spki', format: 'der' });
  const name = encodeName(parseSlashDn('/DC=org/DC=test/CN=Unit CA'));
  certDer = buildCertificate(
    { serial: randomSerial(), issuerDer: name, subjectDer: name, spkiDer: spki, notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2051-01-01T00:00:00Z'), extensions: [basicConstraints(true), keyUsage(['keyCertSign', 'cRLSign']), subjectKeyId(spki)] },
    key,
  );
});

describe('PKCS#10 reading', () => {
  it('reads subject, e-mail from the requested subjectAltName, key and proof of possession', () => {
    const info = parseCsr(csrDer);
    expect(formatSlashDn(info.subject)).toBe('/CN=Ada Lovelace');
    expect(info.emails).toEqual(['ada@example.org']);
    expect(info.keyType).toBe('rsa');
    expect(info.keyBits).toBe(2048);
    expect(info.signatureValid).toBe(true);
    expect(info.keyFingerprint).toBe(spkiFingerprint(createPublicKey(key).export({ type: 'spki', format: 'der' })));
  });
  it('finds a forged signature', () => {
    const forged = Buffer.from(csrDer);
    forged[forged.length - 1] ^= 1;
    expect(parseCsr(forged).signatureValid).toBe(false);
  });
  it('takes DER, EST base64 (with line breaks) and PEM alike', () => {
    const b64 = csrDer.toString('base64').replace(/.{64}/g, '$&\r\n');
    expect(csrToDer(b64).equals(csrDer)).toBe(true);
    expect(csrToDer(Buffer.from(b64)).equals(csrDer)).toBe(true);
    expect(csrToDer(derToPem(csrDer, 'CERTIFICATE REQUEST')).equals(csrDer)).toBe(true);
    expect(() => csrToDer('not a request!')).toThrow(DerError);
    expect(() => parseCsr(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00]))).toThrow(DerError);
  });
  it('never crashes on random bytes: a DerError or a parse', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          parseCsr(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(DerError);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('PKCS#7 certs-only', () => {
  it('round-trips certificates byte for byte and reads forge’s own output', () => {
    const p7 = encodeCertsOnly([certDer, certDer]);
    expect(decodeCertsOnly(p7).map((c) => c.equals(certDer))).toEqual([true, true]);
    const forgeP7 = forge.pkcs7.messageFromAsn1(forge.asn1.fromDer(p7.toString('binary'))) as forge.pkcs7.PkcsSignedData;
    expect(forgeP7.certificates).toHaveLength(2);
  });
  it('reads BER with indefinite lengths (as some servers send)', () => {
    const der = encodeCertsOnly([certDer]);
    // ContentInfo and [0] re-written with indefinite lengths, certificate untouched.
    const top = readOne(der);
    const inner = content(top);
    const oidLen = inner[1] + 2;
    const wrapped = readOne(inner.subarray(oidLen));
    const ber = Buffer.concat([Buffer.from([0x30, 0x80]), inner.subarray(0, oidLen), Buffer.from([0xa0, 0x80]), content(wrapped), Buffer.from([0, 0, 0, 0])]);
    expect(decodeCertsOnly(ber)[0].equals(certDer)).toBe(true);
  });
  it('takes the EST body as base64 (CRLF or LF), PEM or raw DER', () => {
    const der = encodeCertsOnly([certDer]);
    expect(estBodyToDer(Buffer.from(der.toString('base64').replace(/.{64}/g, '$&\r\n'))).equals(der)).toBe(true);
    expect(estBodyToDer(Buffer.from(derToPem(der, 'PKCS7'))).equals(der)).toBe(true);
    expect(estBodyToDer(der).equals(der)).toBe(true);
    expect(() => estBodyToDer(Buffer.from('<html>oops</html>'))).toThrow(DerError);
  });
});

describe('DER writing', () => {
  it('writes positive minimal INTEGERs (DESIGN §5) — property', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 20 }), (bytes) => {
        const t = readOne(unsignedInteger(bytes), TAG.INTEGER);
        const c = content(t);
        expect(c[0] & 0x80).toBe(0);
        if (c.length > 1) expect(c[0] === 0 && (c[1] & 0x80) === 0).toBe(false);
        expect(BigInt('0x' + c.toString('hex'))).toBe(BigInt('0x' + (Buffer.from(bytes).toString('hex') || '0')));
      }),
    );
    expect(smallInteger(0).toString('hex')).toBe('020100');
    expect(smallInteger(128).toString('hex')).toBe('02020080');
  });
  it('random serials are 16 bytes, positive, minimal', () => {
    for (let i = 0; i < 200; i++) {
      const s = randomSerial();
      expect(s).toHaveLength(16);
      expect(s[0]).toBeGreaterThanOrEqual(0x40);
      expect(s[0]).toBeLessThan(0x80);
    }
  });
  it('uses UTCTime before 2050 and GeneralizedTime from 2050, and reads both back', () => {
    const a = time(new Date('2049-12-31T23:59:59Z'));
    const b = time(new Date('2050-01-01T00:00:00Z'));
    expect(a[0]).toBe(TAG.UTC_TIME);
    expect(a.subarray(2).toString()).toBe('491231235959Z');
    expect(b[0]).toBe(TAG.GENERALIZED_TIME);
    expect(b.subarray(2).toString()).toBe('20500101000000Z');
    expect(decodeTime(readOne(b)).toISOString()).toBe('2050-01-01T00:00:00.000Z');
  });
  it('encodes DC as IA5String, ASCII as PrintableString, the rest as UTF-8, and reads them back', () => {
    const dn = parseSlashDn('/DC=org/DC=test/O=Université/CN=Zoë O\'Neil');
    const der = encodeName(dn);
    expect(formatSlashDn(decodeName(readOne(der)))).toBe('/DC=org/DC=test/O=Université/CN=Zoë O\'Neil');
    const x = new X509Certificate(certDer);
    expect(x.subject).toBe('DC=org\nDC=test\nCN=Unit CA');
  });
  it('builds a certificate Node verifies, with the key usage bits as OpenSSL names them', () => {
    const x = new X509Certificate(certDer);
    expect(x.verify(createPublicKey(key))).toBe(true);
    expect(x.ca).toBe(true);
    expect(x.validTo).toBe('Jan  1 00:00:00 2051 GMT');
    expect(keyUsage(['digitalSignature', 'keyEncipherment']).subarray(-4).toString('hex')).toBe('030205a0');
    expect(keyUsage(['keyCertSign', 'cRLSign']).subarray(-4).toString('hex')).toBe('03020106');
    const info = describeCertificate(certDer);
    expect(info.subject).toBe('/DC=org/DC=test/CN=Unit CA');
    expect(info.notAfter).toBe('2051-01-01T00:00:00.000Z');
    expect(pemToDer(info.pem).equals(certDer)).toBe(true);
  });
});
