import { describe, expect, it } from 'vitest';
import { createAllowList, normalizeAddress } from '../../../electron/translator/allow-list';
import { createRateLimiter } from '../../../electron/translator/rate-limit';
import { cacheKey, createProxyCache } from '../../../electron/translator/proxy-cache';

describe('allow-list (CIDR, IPv4 + IPv6)', () => {
  const list = createAllowList(['192.0.2.0/24', '10.1.2.3', '2001:db8:abcd::/48', '::1/128', '::ffff:198.51.100.0/120']);
  it('allows addresses inside the blocks, IPv4-mapped IPv6 as IPv4', () => {
    for (const a of ['192.0.2.1', '192.0.2.255', '::ffff:192.0.2.7', '10.1.2.3', '2001:db8:abcd:1::5', '::1', '198.51.100.9']) expect(list.allows(a), a).toBe(true);
  });
  it('refuses everything else', () => {
    for (const a of ['192.0.3.1', '10.1.2.4', '2001:db8:abce::1', '::2', '127.0.0.1', '', undefined, 'not-an-ip', '::ffff:10.1.2.4']) expect(list.allows(a), String(a)).toBe(false);
  });
  it('normalises mapped addresses and drops zone ids', () => {
    expect(normalizeAddress('::FFFF:127.0.0.1')).toBe('127.0.0.1');
    expect(normalizeAddress('fe80::1%eth0')).toBe('fe80::1');
  });
});

describe('per-client token bucket', () => {
  it('allows the burst, then refuses with Retry-After until refilled; clients are independent', () => {
    const r = createRateLimiter({ perSecond: 2, burst: 3 });
    const t0 = 1_000_000;
    expect([0, 1, 2].map(() => r.take('a', t0).allowed)).toEqual([true, true, true]);
    const refused = r.take('a', t0);
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(r.take('b', t0).allowed).toBe(true);
    expect(r.take('a', t0 + 499).allowed).toBe(false);
    expect(r.take('a', t0 + 1000).allowed).toBe(true);
    expect(r.take('a', t0 + 10_000).allowed).toBe(true); // refilled to the burst, not beyond
    expect([0, 1].map(() => r.take('a', t0 + 10_000).allowed)).toEqual([true, true]);
    expect(r.take('a', t0 + 10_000).allowed).toBe(false);
  });
  it('slow rates give long Retry-After values', () => {
    const r = createRateLimiter({ perSecond: 0.1, burst: 1 });
    r.take('a', 0);
    expect(r.take('a', 0).retryAfterSeconds).toBe(10);
  });
  it('forgets idle clients instead of growing without bound', () => {
    const r = createRateLimiter({ perSecond: 1, burst: 1, maxClients: 10 });
    for (let i = 0; i < 10; i++) r.take(`c${i}`, 0);
    r.take('new', 5_000);
    expect(r.size).toBe(1);
  });
});

describe('proxy cache', () => {
  const entry = (serial: string, notAfter: number) => ({ body: serial, serial, notAfter: new Date(notAfter) });
  it('keys per robot, cn-label, VOMS set and key type', () => {
    const base = { robotId: 'r', cnLabel: 'user:a', voms: ['a:/a', 'b:/b'], keyType: 'rsa' };
    expect(cacheKey(base)).toBe(cacheKey({ ...base, voms: ['b:/b', 'a:/a'] }));
    for (const other of [{ robotId: 's' }, { cnLabel: 'user:b' }, { voms: ['a:/a'] }, { keyType: 'ec' }]) expect(cacheKey({ ...base, ...other })).not.toBe(cacheKey(base));
  });
  it('hands an entry out only while more than the minimum remains, and stays bounded', () => {
    const c = createProxyCache({ maxEntries: 2, minRemainingMs: 20 * 3600_000 });
    const now = new Date(0);
    c.set('a', entry('1', 24 * 3600_000));
    expect(c.get('a', now)?.serial).toBe('1');
    expect(c.get('a', new Date(4 * 3600_000 - 1))?.serial).toBe('1');
    expect(c.get('a', new Date(4 * 3600_000))).toBeUndefined();
    c.set('x', entry('2', 24 * 3600_000));
    c.set('y', entry('3', 24 * 3600_000));
    c.set('z', entry('4', 24 * 3600_000));
    expect(c.size).toBe(2);
    expect(c.get('x', now)).toBeUndefined();
    const off = createProxyCache({ maxEntries: 0, minRemainingMs: 0 });
    off.set('a', entry('1', 1e12));
    expect(off.get('a', now)).toBeUndefined();
  });
});
