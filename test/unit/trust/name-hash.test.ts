import { describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { DerError, TAG, encodeTlv, parseDer, readTlv } from '../../../electron/services/trust/der';
import { canonicalizeUtf8, certificateNames, decodeName, decodeStringValue, x509NameHash } from '../../../electron/services/trust/name-hash';
import { parseCa } from '../../../electron/services/trust/certificate';
import { formatSlashDn } from '../../../shared/dn';
import { BUILTIN_BUNDLES } from '../../../electron/services/trust/bundles';

const enc = new TextEncoder();
const dec = new TextDecoder();
const canon = (s: string) => dec.decode(canonicalizeUtf8(enc.encode(s)));

describe('canonical string form (OpenSSL asn1_string_canon)', () => {
  it('trims, collapses whitespace runs to one space and lower-cases ASCII only', () => {
    expect(canon('  Jane   DOE ')).toBe('jane doe');
    expect(canon('\tA\t\tB\nC\u000b\u000cD\r')).toBe('a b c d');
    expect(canon('ÜBER Straße')).toBe('Über straße');
    expect(canon('   ')).toBe('');
    expect(canon('')).toBe('');
  });
});

describe('string values', () => {
  it('decodes BMP, Universal and 1-byte (Latin-1) types as OpenSSL does', () => {
    expect(decodeStringValue(TAG.BMP_STRING, Uint8Array.of(0, 0x5a, 0x01, 0x41))).toBe('ZŁ');
    expect(decodeStringValue(TAG.UNIVERSAL_STRING, Uint8Array.of(0, 1, 0xf6, 0x00))).toBe('😀');
    expect(decodeStringValue(TAG.T61_STRING, Uint8Array.of(0x43, 0xe9))).toBe('Cé');
  });

  it('refuses invalid encodings', () => {
    expect(() => decodeStringValue(TAG.UTF8_STRING, Uint8Array.of(0xc3))).toThrow(DerError);
    expect(() => decodeStringValue(TAG.BMP_STRING, Uint8Array.of(0))).toThrow(DerError);
    expect(() => decodeStringValue(TAG.BMP_STRING, Uint8Array.of(0xd8, 0x00))).toThrow(DerError);
  });
});

describe('DER reading', () => {
  it('reads long-form lengths and refuses truncation, indefinite length and trailing bytes', () => {
    const long = encodeTlv(TAG.OCTET_STRING, new Uint8Array(300));
    expect(Array.from(long.subarray(0, 4))).toEqual([0x04, 0x82, 0x01, 0x2c]);
    expect(readTlv(long).tlv.content.length).toBe(300);
    expect(() => parseDer(long.subarray(0, 100))).toThrow(/past the end/);
    expect(() => parseDer(Uint8Array.of(0x30, 0x80, 0, 0))).toThrow(/indefinite/);
    expect(() => parseDer(Uint8Array.of(0x05, 0x00, 0x00))).toThrow(/trailing/);
  });

  it('an empty Name hashes as OpenSSL’s empty canonical encoding (SHA-1 of nothing)', () => {
    // SHA-1("") = da39a3ee…; first four bytes little-endian.
    expect(x509NameHash(Uint8Array.of(0x30, 0x00))).toBe('eea339da');
  });
});

describe('certificate names', () => {
  const usertrust = BUILTIN_BUNDLES[0].certificates[0].pem;

  it('finds issuer and subject without re-encoding and prints them in slash form', () => {
    const der = new Uint8Array(new X509Certificate(usertrust).raw);
    const { subject, issuer } = certificateNames(der);
    expect(Buffer.from(subject).equals(Buffer.from(issuer))).toBe(true);
    expect(formatSlashDn(decodeName(subject))).toBe('/C=US/ST=New Jersey/L=Jersey City/O=The USERTRUST Network/CN=USERTrust RSA Certification Authority');
  });

  it('parseCa gives the public facts the UI shows', () => {
    const ca = parseCa(usertrust.replace(/\n/g, '\r\n'));
    expect(ca).toMatchObject({
      name: 'USERTrust RSA Certification Authority',
      subjectHash: 'fc5a8f99',
      selfSigned: true,
      isCa: true,
      sha256: 'E7:93:C9:B0:2F:D8:AA:13:E2:1C:31:22:8A:CC:B0:81:19:64:3B:74:9C:89:89:64:B1:74:6D:46:C3:D4:CB:D2',
      notAfter: '2038-01-18T23:59:59.000Z',
    });
    expect(ca.pem).not.toContain('\r');
    expect(() => parseCa('no pem here')).toThrow(/no PEM certificate/);
    expect(() => parseCa(usertrust + usertrust)).toThrow(/more than one/);
  });
});
