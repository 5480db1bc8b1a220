import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeInteger, decodeOid, decodeTime, derTime, oid, parseDer, TAG, unsignedInteger } from '../../../electron/services/proxy/der';
import { keyUsageValue, proxyCertInfoValue, PROXY_KEY_USAGE } from '../../../electron/services/proxy/cert-builder';
import { appendCn, cnRdn, formatNameOneline, formatNameSlash, parseName, rdnEncodings } from '../../../electron/services/proxy/name';
import { OID } from '../../../electron/services/proxy/cert';
import { pemBlocks, pemEncode } from '../../../electron/services/proxy/pem';
import { C, CN, name, O, UID } from './fixtures';

describe('DER pieces of a proxy certificate', () => {
  it('writes proxyCertInfo for inheritAll, no path length, exactly as DESIGN §5 gives it', () => {
    expect(proxyCertInfoValue(OID.pplInheritAll).toString('hex')).toBe('300c300a06082b06010505071501');
  });

  it('writes a path length and the Globus limited policy', () => {
    expect(proxyCertInfoValue(OID.pplGlobusLimited, 0).toString('hex')).toBe('3012020100300d060b2b060104019b5001010109');
  });

  it('writes key usage as grid-proxy-init does (03 02 04 B0)', () => {
    expect(keyUsageValue(PROXY_KEY_USAGE).toString('hex')).toBe('030204b0');
    expect(keyUsageValue(['digitalSignature']).toString('hex')).toBe('03020780');
    expect(keyUsageValue(['decipherOnly']).toString('hex')).toBe('0303070080');
  });

  it('writes minimal positive INTEGERs', () => {
    expect(unsignedInteger(Buffer.from([0, 0, 0x12])).toString('hex')).toBe('020112');
    expect(unsignedInteger(Buffer.from([0x80])).toString('hex')).toBe('02020080');
    expect(unsignedInteger(Buffer.from([0, 0])).toString('hex')).toBe('020100');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 20 }), (bytes) => {
        const enc = unsignedInteger(bytes);
        const body = enc.subarray(2);
        expect(decodeInteger(parseDer(enc))).toBe(BigInt('0x' + (Buffer.from(bytes).toString('hex') || '0')));
        expect(body[0] & 0x80).toBe(0); // never negative
        if (body.length > 1) expect(body[0] === 0 && (body[1] & 0x80) === 0).toBe(false); // minimal
      }),
    );
  });

  it('round-trips OIDs', () => {
    for (const o of ['1.3.6.1.5.5.7.1.14', '1.2.840.113612.5.2.3.3.1', '2.5.4.3', '0.9.2342.19200300.100.1.25', '2.999.1']) {
      expect(decodeOid(parseDer(oid(o)))).toBe(o);
    }
  });

  it('uses UTCTime before 2050 and GeneralizedTime from 2050 (RFC 5280)', () => {
    const a = derTime(new Date('2026-11-24T15:40:31.900Z'));
    expect(a[0]).toBe(TAG.UTC_TIME);
    expect(a.subarray(2).toString()).toBe('261124154031Z');
    const b = derTime(new Date('2051-01-02T03:04:05Z'));
    expect(b[0]).toBe(TAG.GENERALIZED_TIME);
    expect(decodeTime(parseDer(b)).toISOString()).toBe('2051-01-02T03:04:05.000Z');
  });
});

describe('names', () => {
  const issuer = name([[[C, 'US', TAG.PRINTABLE_STRING]], [[O, 'Fête Lab']], [[CN, 'Zoë Müller'], [UID, 'zm']]]);

  it('appends one CN RDN and copies the issuer’s RDNs byte for byte (non-ASCII, multi-valued)', () => {
    const subject = appendCn(issuer, '123456');
    const before = rdnEncodings(issuer);
    const after = rdnEncodings(subject);
    expect(after).toHaveLength(before.length + 1);
    before.forEach((r, i) => expect(after[i].equals(r)).toBe(true));
    expect(after[3].equals(cnRdn('123456'))).toBe(true);
    expect(formatNameSlash(parseName(subject))).toBe('/C=US/O=Fête Lab/CN=Zoë Müller+UID=zm/CN=123456');
  });

  it('writes the CN as PrintableString when it can, else UTF8String', () => {
    expect(cnRdn('user:alice.smith')[9]).toBe(TAG.PRINTABLE_STRING);
    expect(cnRdn('user:alice@example.org')[9]).toBe(TAG.UTF8_STRING);
  });

  it('prints the OpenSSL one-line form grid tools print', () => {
    expect(formatNameOneline(parseName(appendCn(issuer, 'user:x')))).toBe('/C=US/O=F\\xC3\\xAAte Lab/CN=Zo\\xC3\\xAB M\\xC3\\xBCller+UID=zm/CN=user:x');
  });
});

describe('PEM', () => {
  it('writes LF line ends and 64 columns; reads CRLF and headers', () => {
    const pem = pemEncode('CERTIFICATE', Buffer.alloc(100, 1));
    expect(pem).not.toContain('\r');
    expect(pem.split('\n')[1]).toHaveLength(64);
    const crlf = pem.replace(/\n/g, '\r\n');
    expect(pemBlocks(crlf)[0].der.equals(Buffer.alloc(100, 1))).toBe(true);
    const legacy = '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n';
    expect(pemBlocks(legacy)[0].headers).toEqual(['Proc-Type: 4,ENCRYPTED', 'DEK-Info: AES-128-CBC,00']);
  });
});
