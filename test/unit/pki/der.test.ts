import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import {
  DerError, TAG, children, compareDer, content, decodeBitString, decodeInteger, decodeOidBytes, explicit, lengthOctets,
  oid, readOne, readTlv, seq, smallInteger, time, tlv, unsignedInteger, whole,
} from '../../../electron/services/pki/der';

describe('shared DER module (pki/der.ts)', () => {
  it('writes minimal lengths and reads them back, from a Buffer or a plain Uint8Array', () => {
    expect([...lengthOctets(0x7f)]).toEqual([0x7f]);
    expect([...lengthOctets(0x80)]).toEqual([0x81, 0x80]);
    expect([...lengthOctets(300)]).toEqual([0x82, 0x01, 0x2c]);
    const der = seq(tlv(TAG.OCTET_STRING, new Uint8Array(300)), smallInteger(5));
    for (const input of [der, new Uint8Array(der)]) {
      const [octets, five] = children(readOne(input, TAG.SEQUENCE));
      expect(content(octets).length).toBe(300);
      expect(decodeInteger(five)).toBe(5n);
      expect(Buffer.compare(whole(five), smallInteger(5))).toBe(0);
    }
  });

  it('refuses what is not DER: indefinite length, truncation, trailing bytes, a wrong tag', () => {
    expect(() => readOne(Buffer.from([0x30, 0x80, 0, 0]))).toThrow(/indefinite/);
    expect(() => readOne(Buffer.from([0x04, 0x05, 1, 2]))).toThrow(DerError);
    expect(() => readOne(Buffer.from([0x05, 0x00, 0x00]))).toThrow(/trailing/);
    expect(() => readOne(Buffer.from([0x05, 0x00]), TAG.SEQUENCE)).toThrow(/expected tag 0x30/);
    expect(() => readTlv(Buffer.from([0x1f, 0x81, 0x00]))).toThrow(/multi-byte/);
  });

  it('OIDs round-trip, arcs beyond 2^53 included', () => {
    for (const dotted of ['2.5.4.3', '1.2.840.113549.1.9.1', '2.999.3', '1.3.6.1.4.1.18446744073709551617']) {
      expect(decodeOidBytes(content(readOne(oid(dotted))))).toBe(dotted);
    }
    expect(() => oid('1')).toThrow(DerError);
    expect(() => oid('1.x.3')).toThrow(DerError);
  });

  it('INTEGERs are minimal and positive; times switch to GeneralizedTime in 2050', () => {
    expect([...unsignedInteger(Buffer.from([0, 0, 0x80]))]).toEqual([0x02, 0x02, 0x00, 0x80]);
    expect([...unsignedInteger(Buffer.alloc(0))]).toEqual([0x02, 0x01, 0x00]);
    expect(() => smallInteger(-1)).toThrow(DerError);
    expect(content(readOne(time(new Date('2049-12-31T23:59:59.900Z')))).toString()).toBe('491231235959Z');
    expect(readOne(time(new Date('2050-01-01T00:00:00Z'))).tag).toBe(TAG.GENERALIZED_TIME);
    expect(content(readOne(time(new Date('1949-06-01T12:00:00Z')))).toString()).toBe('19490601120000Z');
  });

  it('sorts SET OF elements as OpenSSL does and reads a public key Node wrote', () => {
    expect([Buffer.from([2, 1]), Buffer.from([1, 2, 3]), Buffer.from([1, 2])].sort(compareDer).map((b) => [...b])).toEqual([[1, 2], [1, 2, 3], [2, 1]]);
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    const [alg, bits] = children(readOne(spki, TAG.SEQUENCE));
    expect(decodeOidBytes(content(children(alg)[0]))).toBe('1.2.840.10045.2.1');
    expect(decodeBitString(bits).unused).toBe(0);
    expect(decodeBitString(bits).bytes[0]).toBe(0x04);
    expect(explicit(0, smallInteger(2))[0]).toBe(0xa0);
  });
});
