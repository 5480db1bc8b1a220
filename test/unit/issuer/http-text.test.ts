import { describe, expect, it } from 'vitest';
import { briefBody, formatElapsed, parseRetryAfter } from '../../../electron/services/issuer/http-text';
import { waitingText } from '../../../electron/services/issuer/est-client';
import { estBaseUrl, mapTransportError } from '../../../electron/services/issuer/est-transport';

describe('briefBody', () => {
  it('drops tags, scripts, ANSI escapes, bidi overrides and control characters', () => {
    const html = '<html><script>steal()</script><h1>Bad\u202e gateway</h1>\u001b[1m<p>try&nbsp;later &amp; again</p></html>';
    expect(briefBody(html, 'text/html')).toBe('Bad gateway try&nbsp;later & again');
    expect(briefBody('line1\r\nline2\u0000\u0007end')).toBe('line1 line2 end');
  });
  it('truncates with an ellipsis at the limit', () => {
    const out = briefBody('x'.repeat(500), 'text/plain', 50);
    expect(out).toHaveLength(50);
    expect(out.endsWith('…')).toBe(true);
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2026-11-24T12:00:00Z');
  it('reads delta-seconds and HTTP-dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Tue, 24 Nov 2026 12:01:30 GMT', now)).toBe(90);
    expect(parseRetryAfter('Tue, 24 Nov 2026 11:00:00 GMT', now)).toBe(0);
  });
  it('gives undefined for absent or unreadable values', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('1.5', now)).toBeUndefined();
  });
});

describe('progress words', () => {
  it('formats elapsed time the way a progress line reads', () => {
    expect(formatElapsed(0)).toBe('0 s');
    expect(formatElapsed(59_999)).toBe('59 s');
    expect(formatElapsed(120_000)).toBe('2 min');
    expect(formatElapsed(3_900_000)).toBe('1 h 5 min');
    expect(formatElapsed(7_200_000)).toBe('2 h');
    expect(formatElapsed(3 * 86_400_000 + 3_600_000)).toBe('3 d 1 h');
  });
  it('names the request when the CA gave an id', () => {
    expect(waitingText('7F3A', 125_000)).toBe('Waiting for your sponsor… (request 7F3A, 2 min)');
    expect(waitingText(undefined, 5_000)).toBe('Waiting for your sponsor… (5 s)');
  });
});

describe('estBaseUrl', () => {
  it('adds /.well-known/est to a bare server and keeps a given base or label', () => {
    expect(estBaseUrl('https://ca.example.org').href).toBe('https://ca.example.org/.well-known/est');
    expect(estBaseUrl('https://ca.example.org:8443/').href).toBe('https://ca.example.org:8443/.well-known/est');
    expect(estBaseUrl('https://ca.example.org/.well-known/est/osg/').href).toBe('https://ca.example.org/.well-known/est/osg');
    expect(estBaseUrl('https://ca.example.org/prefix?x=1#y').href).toBe('https://ca.example.org/prefix/.well-known/est');
  });
  it('refuses http, non-URLs and credentials in the address', () => {
    for (const bad of ['http://ca.example.org', 'ca.example.org', 'https://user:code@ca.example.org']) {
      expect(() => estBaseUrl(bad)).toThrow(expect.objectContaining({ code: 'ISSUER_INVALID_URL' }));
    }
  });
});

describe('mapTransportError', () => {
  const err = (code: string, message = code) => Object.assign(new Error(message), { code });
  it.each([
    ['ECONNREFUSED', 'ISSUER_UNREACHABLE'],
    ['ENOTFOUND', 'ISSUER_UNREACHABLE'],
    ['ETIMEDOUT', 'ISSUER_UNREACHABLE'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'ISSUER_CA_NOT_TRUSTED'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'ISSUER_CA_NOT_TRUSTED'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'ISSUER_CA_NOT_TRUSTED'],
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'ISSUER_CA_NOT_TRUSTED'],
    ['CERT_HAS_EXPIRED', 'ISSUER_TLS_FAILED'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'ISSUER_TLS_FAILED'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'ISSUER_TLS_FAILED'],
    ['ABORT_ERR', 'CANCELLED'],
  ])('%s → %s', (code, expected) => {
    expect(mapTransportError(err(code), 'https://ca.example.org/.well-known/est/simpleenroll').code).toBe(expected);
  });
  it('says what the user sees, with the address', () => {
    expect(mapTransportError(err('ECONNREFUSED'), 'https://127.0.0.1:9/x').message).toBe('The certificate authority at https://127.0.0.1:9/x cannot be reached (nothing answers on that port).');
  });
});
