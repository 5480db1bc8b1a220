import { describe, expect, it } from 'vitest';
import { generateKeyPairSync, createPublicKey, X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import ssh2 from 'ssh2';
import { looksLikeDerPrivateKey, stripHeaderlessKeys } from '../../../electron/services/support/headerless-keys';
import { Redactor } from '../../../electron/services/support/redact';

function body(pem: string): string {
  return pem.split('\n').filter((l) => l && !l.startsWith('-----')).join('\n');
}

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed = generateKeyPairSync('ed25519');

const KEYS: Record<string, string> = {
  'RSA PKCS#1': rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  'RSA PKCS#8': rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  'RSA PKCS#8 encrypted': rsa.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw-123456' }).toString(),
  'EC SEC1': ec.privateKey.export({ type: 'sec1', format: 'pem' }).toString(),
  'EC PKCS#8': ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  'Ed25519 PKCS#8': ed.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  OpenSSH: ssh2.utils.generateKeyPairSync('ed25519').private,
};

describe('private keys without their PEM lines', () => {
  for (const [kind, pem] of Object.entries(KEYS)) {
    it(`${kind}: its base64 alone (wrapped, one line, or with written \\n) and its hex are removed`, () => {
      const b64 = body(pem);
      for (const text of [b64, b64.replace(/\n/g, ''), b64.replace(/\n/g, '\\n'), `key was: ${b64.replace(/\n/g, '\n    ')} end`]) {
        const r = stripHeaderlessKeys(`before ${text} after`);
        expect(r.removed, kind).toBe(1);
        expect(r.text).not.toContain(b64.split('\n')[1] ?? b64.slice(20, 60));
        expect(r.text).toMatch(/^before .*\[private key removed\]/s);
      }
      if (!pem.includes('OPENSSH')) {
        const hex = Buffer.from(b64.replace(/\n/g, ''), 'base64').toString('hex');
        expect(stripHeaderlessKeys(hex).removed, `${kind} hex`).toBe(1);
      }
    });
  }

  it('keeps certificates, public keys, fingerprints and ordinary text', () => {
    for (const pem of rootCertificates.slice(0, 20)) {
      const b64 = body(pem);
      expect(stripHeaderlessKeys(b64).removed).toBe(0);
      expect(stripHeaderlessKeys(b64.replace(/\n/g, '')).removed).toBe(0);
      expect(looksLikeDerPrivateKey(new X509Certificate(pem).raw)).toBe(false);
    }
    const spki = createPublicKey(rsa.privateKey).export({ type: 'spki', format: 'der' });
    const pkcs1pub = createPublicKey(rsa.privateKey).export({ type: 'pkcs1', format: 'der' });
    expect(looksLikeDerPrivateKey(spki)).toBe(false);
    expect(looksLikeDerPrivateKey(pkcs1pub)).toBe(false);
    const fp = new X509Certificate(rootCertificates[0]).fingerprint256;
    const text = `sha256 ${fp} ${'ab'.repeat(32)} OnboardError: x\n    at f (/a/b.ts:1:1)`;
    expect(stripHeaderlessKeys(text)).toEqual({ text, removed: 0 });
  });

  it('the redactor counts them as private keys, and its final check refuses one', () => {
    const r = new Redactor({ homeDirs: [], secrets: [] });
    expect(r.text(`x ${body(KEYS['EC PKCS#8'])} y`)).toBe('x [private key removed] y');
    expect(r.report()).toEqual([expect.objectContaining({ rule: 'private-key-block', count: 1 })]);
    expect(() => r.assertClean(JSON.stringify({ stack: body(KEYS['RSA PKCS#8']) }))).toThrow(/private key data/);
  });
});
