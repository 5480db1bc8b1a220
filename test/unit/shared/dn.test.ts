import { describe, expect, it } from 'vitest';
import { formatRfc4514Dn, formatSlashDn, parseDn, parseRfc4514Dn, parseSlashDn, DnSyntaxError } from '../../../shared/dn';

describe('DN parsing', () => {
  it('reads the slash form in X.500 order', () => {
    const dn = parseSlashDn('/DC=org/DC=cilogon/C=US/O=University of Wisconsin-Madison/CN=Jane Doe A12345');
    expect(dn.map((r) => r[0].type)).toEqual(['DC', 'DC', 'C', 'O', 'CN']);
    expect(dn[4][0].value).toBe('Jane Doe A12345');
  });

  it('round-trips slash form and RFC 4514', () => {
    const slash = '/DC=org/DC=cilogon/C=US/O=Univ, Inc./CN=Jane+UID=jdoe';
    const dn = parseSlashDn(slash);
    expect(dn[4]).toHaveLength(2);
    const rfc = formatRfc4514Dn(dn);
    expect(rfc).toBe('CN=Jane+UID=jdoe,O=Univ\\, Inc.,C=US,DC=cilogon,DC=org');
    expect(formatSlashDn(parseRfc4514Dn(rfc))).toBe(slash);
  });

  it('keeps slashes inside values that are not followed by TYPE=', () => {
    const dn = parseSlashDn('/DC=ch/DC=cern/OU=computers/CN=host/voms2.cern.ch');
    expect(dn[3][0].value).toBe('host/voms2.cern.ch');
  });

  it('accepts hex escapes and non-ASCII values', () => {
    expect(parseRfc4514Dn('CN=J\\C3\\BCrgen,C=DE')[1][0].value).toBe('Jürgen');
    expect(formatSlashDn(parseDn('CN=Zoë Müller,O=Ünï,C=FR'))).toBe('/C=FR/O=Ünï/CN=Zoë Müller');
  });

  it('normalises type aliases', () => {
    expect(parseSlashDn('/E=a@b.org/userid=x')[0][0].type).toBe('emailAddress');
    expect(parseSlashDn('/E=a@b.org/userid=x')[1][0].type).toBe('UID');
  });

  it.each(['', 'CN', 'DC=org,', '/CN=', 'nonsense', '/=x', 'CN=a,=b'])('refuses %j with a DnSyntaxError', (bad) => {
    expect(() => parseDn(bad)).toThrow(DnSyntaxError);
  });
});
