import { describe, expect, it } from 'vitest';
import { Asn1Error, TAG, contentBytes, decodeOid, der, encodeOid, parseAsn1, readString } from '../../../electron/services/credential/asn1';
import { decodeName, encodeName } from '../../../electron/services/credential/name';
import { formatSlashDn, parseDn } from '../../../shared/dn';
import { OnboardError } from '../../../shared/errors';

describe('ASN.1 reader and writer', () => {
  it('round-trips OIDs, including large arcs', () => {
    for (const oid of ['1.2.840.113549.1.12.10.1.2', '2.16.840.1.101.3.4.1.42', '0.9.2342.19200300.100.1.25', '2.999.1']) {
      expect(decodeOid(encodeOid(oid))).toBe(oid);
    }
    expect(der.oid('1.2.840.113549.1.7.1').toString('hex')).toBe('06092a864886f70d010701');
  });

  it('writes minimal positive INTEGERs', () => {
    expect(der.integer(0).toString('hex')).toBe('020100');
    expect(der.integer(128).toString('hex')).toBe('02020080');
    expect(der.integer(Buffer.from([0, 0, 0x7f])).toString('hex')).toBe('02017f');
    expect(der.integer(600000).toString('hex')).toBe('02030927c0');
  });

  it('sorts SET OF elements as DER requires', () => {
    const s = der.set(der.utf8('b'), der.printable('a'));
    expect(s.toString('hex')).toBe('3106' + '0c0162' + '130161');
  });

  it('reads BER indefinite lengths and constructed OCTET STRINGs (as NSS writes)', () => {
    // SEQUENCE(indef) { OCTET STRING(constructed, indef) { 04 02 'ab', 04 01 'c' } }
    const ber = Buffer.from('30802480040261620401630000' + '0000', 'hex');
    const root = parseAsn1(ber);
    expect(root.children).toHaveLength(1);
    expect(contentBytes(root.children[0]).toString()).toBe('abc');
  });

  it('rejects truncated, over-long, trailing and too-deep data with Asn1Error', () => {
    expect(() => parseAsn1(Buffer.from('3005020101', 'hex'))).toThrow(Asn1Error);
    expect(() => parseAsn1(Buffer.from('3003020101ff', 'hex'))).toThrow(/unexpected bytes/);
    expect(() => parseAsn1(Buffer.from('308502', 'hex'))).toThrow(Asn1Error);
    expect(() => parseAsn1(Buffer.alloc(0))).toThrow(/empty/);
    expect(() => parseAsn1(Buffer.from('3080', 'hex'))).toThrow(/end-of-contents/);
    const deep = Buffer.from('30'.repeat(1) + '80'.repeat(1) + '3080'.repeat(100) + '0000'.repeat(101), 'hex');
    expect(() => parseAsn1(deep)).toThrow(/nested too deeply/);
    expect(() => parseAsn1(Buffer.from('0480', 'hex'))).toThrow(/indefinite/); // primitive cannot be indefinite
  });

  it('decodes BMPString, UTF8String and rejects bad UTF-8', () => {
    expect(readString(parseAsn1(der.bmp('Jäne 😀')))).toBe('Jäne 😀');
    expect(readString(parseAsn1(der.utf8('Zoë')))).toBe('Zoë');
    expect(() => readString(parseAsn1(Buffer.from('0c02c328', 'hex')))).toThrow(/UTF-8/);
  });
});

describe('X.501 names for CSRs', () => {
  const tagsOf = (nameDer: Buffer) => parseAsn1(nameDer).children.map((set) => set.children.map((atv) => atv.children[1].tag));

  it('writes C as PrintableString, DC as IA5String, ASCII values printable and others UTF8String', () => {
    const dn = parseDn('/DC=org/DC=cilogon/C=US/O=Université de Genève/OU=Physics/CN=Jane Doe A12345/emailAddress=jane@example.org');
    expect(tagsOf(encodeName(dn))).toEqual([
      [TAG.IA5_STRING], [TAG.IA5_STRING], [TAG.PRINTABLE_STRING], [TAG.UTF8_STRING], [TAG.PRINTABLE_STRING], [TAG.PRINTABLE_STRING], [TAG.IA5_STRING],
    ]);
  });

  it('uses UTF8String for ASCII that PrintableString cannot hold', () => {
    expect(tagsOf(encodeName(parseDn('/CN=jane_doe@host')))).toEqual([[TAG.UTF8_STRING]]);
  });

  it('keeps multi-valued RDNs as one SET and round-trips', () => {
    const dn = parseDn('/DC=org/DC=example/O=Tëst Ünïv/CN=Jane Doe+UID=jdoe');
    const nameDer = encodeName(dn);
    const back = decodeName(parseAsn1(nameDer));
    expect(back[3]).toHaveLength(2);
    expect(new Set(back[3].map((a) => `${a.type}=${a.value}`))).toEqual(new Set(['CN=Jane Doe', 'UID=jdoe']));
    expect(formatSlashDn([back[0], back[1], back[2]])).toBe('/DC=org/DC=example/O=Tëst Ünïv');
  });

  it('refuses names CAs would refuse, with SUBJECT_INVALID', () => {
    const bad = ['/C=usa/CN=x', '/C=us/CN=x', '/DC=exämple/CN=x', `/CN=${'x'.repeat(65)}`, '/CN=a\u0001b', '/FOO=bar'];
    for (const s of bad) {
      let err: unknown;
      try {
        encodeName(parseDn(s));
      } catch (e) {
        err = e;
      }
      expect(err, s).toBeInstanceOf(OnboardError);
      expect((err as OnboardError).code, s).toBe('SUBJECT_INVALID');
    }
    expect(() => encodeName([])).toThrow(OnboardError);
  });
});
