import { describe, expect, it } from 'vitest';
import { etokenFlag, parseProxyQuery, parseVoms, routeOf } from '../../../electron/translator/etoken-request';

const q = (s: string) => new URLSearchParams(s);

describe('eToken flags', () => {
  it('true for true|yes|enable|on in any case; false for anything else given; fallback when absent', () => {
    for (const v of ['true', 'YES', 'Enable', 'on', ' On ']) expect(etokenFlag(v, false), v).toBe(true);
    for (const v of ['false', 'no', 'off', '1', '', 'truthy']) expect(etokenFlag(v, true), v).toBe(false);
    expect(etokenFlag(null, true)).toBe(true);
    expect(etokenFlag(null, false)).toBe(false);
  });
});

describe('voms parameter', () => {
  it('reads VO:FQAN lists separated by spaces (+ in the URL)', () => {
    expect(parseVoms(q('voms=gridit:/gridit+atlas:/atlas/usatlas/Role=pilot').get('voms'))).toEqual([
      { vo: 'gridit', fqan: '/gridit' },
      { vo: 'atlas', fqan: '/atlas/usatlas/Role=pilot' },
    ]);
    expect(parseVoms('dteam')).toEqual([{ vo: 'dteam', fqan: '/dteam' }]);
    expect(parseVoms(null)).toEqual([]);
    expect(parseVoms('  ')).toEqual([]);
  });
  it('refuses FQANs that do not start with their VO, roles before groups, odd characters', () => {
    for (const bad of ['atlas:/cms', 'atlas:atlas', 'atlas:/atlas/Role=x/group', 'at las:/at', 'atlas:/atlas//x', 'atlas:/atlas/Role=', 'x:/x/<script>', ':/x']) {
      expect(parseVoms(bad), bad).toBeUndefined();
    }
  });
});

describe('routes', () => {
  it('maps the eToken paths', () => {
    expect(routeOf('/eTokenServer/eToken/ABCdef', q(''))).toEqual({ kind: 'proxy', robotId: 'abcdef' });
    expect(routeOf('/eTokenServer/eToken', q('format=json'))).toEqual({ kind: 'list', format: 'json' });
    expect(routeOf('/eTokenServer/eToken/', q(''))).toEqual({ kind: 'list', format: 'text' });
    expect(routeOf('/health', q(''))).toEqual({ kind: 'health' });
    expect(routeOf('/eTokenServer/eToken/a/b', q(''))).toEqual({ kind: 'none' });
    expect(routeOf('/other', q(''))).toEqual({ kind: 'none' });
  });
});

describe('proxy query', () => {
  it('takes the DIRAC-style query', () => {
    expect(parseProxyQuery('id', q('proxy-renewal=false&disable-voms-proxy=true&rfc-proxy=true&cn-label=user:42'))).toEqual({
      robotId: 'id', voms: [], proxyRenewal: false, disableVoms: true, rfc: true, cnLabel: 'user:42', keyType: undefined,
    });
  });
  it('refuses legacy proxies (400), bad FQANs (406), missing / unsafe cn-labels (400), unknown key types', () => {
    expect(parseProxyQuery('id', q('rfc-proxy=false&cn-label=user:a'))).toMatchObject({ status: 400, reason: 'legacy-proxy' });
    expect(parseProxyQuery('id', q('voms=a:/b&cn-label=user:a'))).toMatchObject({ status: 406, reason: 'bad-fqan' });
    expect(parseProxyQuery('id', q(''))).toMatchObject({ status: 400, reason: 'cn-label-missing' });
    for (const label of ['alice', 'user:', 'user:a/CN=b', 'user:a,b', 'user:a+b', 'user:' + 'x'.repeat(60), 'user:é']) {
      expect(parseProxyQuery('id', new URLSearchParams({ 'cn-label': label })), label).toMatchObject({ status: 400, reason: 'cn-label-invalid' });
    }
    expect(parseProxyQuery('id', q('cn-label=user:a&key-type=dsa'))).toMatchObject({ status: 400, reason: 'key-type-invalid' });
    expect(parseProxyQuery('id', q('cn-label=user:a&key-type=ec'))).toMatchObject({ keyType: 'ec' });
  });
  it('treats an absent rfc-proxy as RFC (the only kind made) and absent disable-voms-proxy as false', () => {
    expect(parseProxyQuery('id', q('cn-label=user:' + 'x'.repeat(59)))).toMatchObject({ rfc: true, disableVoms: false, proxyRenewal: false });
  });
});
