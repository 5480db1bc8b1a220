import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Redactor, REDACTED } from '../../../electron/services/support/redact';
import { OnboardError } from '../../../shared/errors';

const HOME = '/home/alice';
const KEY = ['-----BEGIN ENCRYPTED PRIVATE KEY-----', 'MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI', '-----END ENCRYPTED PRIVATE KEY-----'].join('\n');

function redactor(secrets: string[] = []) {
  return new Redactor({ homeDirs: [HOME], secrets });
}

describe('support bundle redaction rules', () => {
  it('removes every kind of private key block, with or without its END line, and counts them', () => {
    const r = redactor();
    const rsa = KEY.replace(/ENCRYPTED /g, 'RSA ');
    const ssh = KEY.replace(/ENCRYPTED /g, 'OPENSSH ');
    const cut = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIIr';
    const out = r.text(`before\n${KEY}\n${rsa}\n${ssh}\n${cut}`);
    expect(out).not.toMatch(/PRIVATE KEY|MIIFHDBO|MHcCAQEEIIr/);
    expect(out).toContain('before');
    expect(r.report()).toContainEqual(expect.objectContaining({ rule: 'private-key-block', count: 4 }));
  });

  it('rewrites the home folder as ~ only where it is a whole path component', () => {
    const r = redactor();
    expect(r.text(`open ${HOME}/.globus/userkey.pem: EACCES`)).toBe('open ~/.globus/userkey.pem: EACCES');
    expect(r.text(HOME)).toBe('~');
    expect(r.text(`"${HOME}"`)).toBe('"~"');
    // Another user's home (the second net) is rewritten too; a longer name is not the user's home.
    expect(r.text('/home/alice2/x')).toBe('~/x');
    expect(r.text('C:\\Users\\bob\\Downloads')).toBe('~\\Downloads');
  });

  it('masks e-mail addresses keeping the first letter and the domain (also inside DNs)', () => {
    const r = redactor();
    expect(r.text('mail to alice.smith+grid@physics.example.edu now')).toBe('mail to a***@physics.example.edu now');
    expect(r.text('/DC=org/CN=Alice/emailAddress=alice@example.org')).toBe('/DC=org/CN=Alice/emailAddress=a***@example.org');
    expect(r.text('ssh sandbox@127.0.0.1')).toBe('ssh sandbox@127.0.0.1');
  });

  it('replaces tokens, codes and passwords written in URLs and text', () => {
    const r = redactor();
    const cases: [string, RegExp][] = [
      ['http://127.0.0.1:4000/#token=0123456789abcdef0123', /#token=\[redacted\]$/],
      ['https://voms.example/sandbox-admin/login?token=abcdef123456&x=1', /\?token=\[redacted\]&x=1/],
      ['https://ca/est?code=ZX9P-4K2M', /\?code=\[redacted\]/],
      ['the password: hunter2hunter2 was refused', /password: \[redacted\] was/],
      ['passphrase="correct horse battery"', /passphrase=\[redacted\]/],
      ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig', /Bearer \[redacted\]/],
      ['https://user:s3cretpw@host.example/x', /user:\[redacted\]@host/],
      ['https://voms.example/confirm/0123456789abcdef0123456789abcdef', /\/confirm\/\[redacted\]/],
      ['enrolment code: ZX9P-4K2M', /enrolment code: \[redacted\]/],
      ['IAM said {"access_token":"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXBhcnQ"}', /"access_token":"\[redacted\]"/],
    ];
    for (const [text, want] of cases) expect(r.text(text), text).toMatch(want);
    expect(r.text('code=1 exit')).toBe('code=1 exit'); // a plain word `code=` outside a URL stays
    expect(r.report().find((e) => e.rule === 'secret-in-text')?.count).toBeGreaterThanOrEqual(cases.length);
  });

  it('replaces every copy of a secret kept on this computer, and ignores short ones', () => {
    const r = redactor(['Xy7-sandbox-PASS', 'abc']);
    expect(r.text('login failed for sandbox (Xy7-sandbox-PASS) and Xy7-sandbox-PASS')).toBe(`login failed for sandbox (${REDACTED}) and ${REDACTED}`);
    expect(r.text('abc stays')).toBe('abc stays');
  });

  it('empties secret-named fields deep in objects, keeps booleans and other fields', () => {
    const r = redactor();
    const out = r.value({
      code: 'REQUEST_CA_NOT_TRUSTED',
      details: { password: 'pw-123456', nssPassword: 'pw-654321', keyPassphrase: 'x1234567', passwordNeeded: true, field: 'password' },
      list: [{ adminToken: 'tok-123456', confirmationId: '0123456789abcdef', host: 'submit.example.org' }],
    });
    expect(out).toEqual({
      code: 'REQUEST_CA_NOT_TRUSTED',
      details: { password: REDACTED, nssPassword: REDACTED, keyPassphrase: REDACTED, passwordNeeded: true, field: 'password' },
      list: [{ adminToken: REDACTED, confirmationId: REDACTED, host: 'submit.example.org' }],
    });
  });

  it('keeps what help-desk needs: fingerprints, error codes, DNs, host names', () => {
    const r = redactor();
    const fp = 'AB:CD:'.repeat(15) + 'EF:01';
    const text = `REQUEST_CA_NOT_TRUSTED /DC=org/DC=opensciencegrid/O=Open Science Grid/OU=People/CN=Alice Smith ${fp} submit.example.org:22`;
    expect(r.text(text)).toBe(text);
    expect(r.report()).toEqual([]);
  });

  it('assertClean refuses a text that still holds a key, a known secret or the home path', () => {
    const r = redactor(['Xy7-sandbox-PASS']);
    expect(() => r.assertClean('{"a": "fine ~/.globus"}')).not.toThrow();
    for (const bad of [KEY, 'x Xy7-sandbox-PASS', `"${HOME}/.globus"`, `"${HOME}"`]) {
      expect(() => r.assertClean(bad)).toThrow(OnboardError);
    }
  });

  it('assertClean also finds a Windows home or a secret as JSON escapes them', () => {
    const r = new Redactor({ homeDirs: ['C:\\Users\\alice'], secrets: ['pw"with\\quote'] });
    expect(r.text('C:\\Users\\alice\\.globus')).toBe('~\\.globus');
    expect(() => r.assertClean(JSON.stringify({ f: 'C:\\Users\\alice\\x' }))).toThrow(/home folder/);
    expect(() => r.assertClean(JSON.stringify({ f: 'a pw"with\\quote b' }))).toThrow(/secret/);
  });

  it('redacts secrets and paths in object keys too', () => {
    const r = redactor(['Xy7-sandbox-PASS']);
    expect(r.value({ [`${HOME}/.globus`]: 1, 'Xy7-sandbox-PASS': 2 })).toEqual({ '~/.globus': 1, [REDACTED]: 2 });
  });

  it('no planted secret survives in any text around it (property)', () => {
    const secret = 'PLANTED-Secret-9f8e7d';
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), fc.constantFrom('', '\n', ' ', '"', '/'), (a, b, sep) => {
        const r = redactor([secret]);
        const out = r.text(`${a}${sep}${secret}${sep}${b}\n${KEY}\n${HOME}/.globus`);
        expect(out).not.toContain(secret);
        expect(out).not.toMatch(/PRIVATE KEY/);
        expect(out).not.toContain(`${HOME}/`);
      }),
      { numRuns: 200 },
    );
  });
});
