import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import { generateHostKey, loadOrCreateHostKey } from '../../../electron/sandbox/submit-host/state';

// ssh2 wrote this one (its public key starts with a zero byte, which it dropped: 31 bytes).
const SSH2_MALFORMED = `-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMgAAAAtz
c2gtZWQyNTUxOQAAAB8gE7OfePvUXW4/qGVadkLfl7RceGwJatiF4SH16by0AAAA
mCZGMcAmRjHAAAAAC3NzaC1lZDI1NTE5AAAAHyATs594+9Rdbj+oZVp2Qt+XtFx4
bAlq2IXhIfXpvLQAAAA/Y5D/rCrxHQWM8gRtGdmc2q3UqCXPWoIcC+dsUJSWTpog
E7OfePvUXW4/qGVadkLfl7RceGwJatiF4SH16by0AAAAE29zZy1vbmJvYXJkLXNh
bmRib3gBAgME
-----END OPENSSH PRIVATE KEY-----
`;

describe('sandbox submit host key', () => {
  it('throws away a key ssh2 cannot read back and makes another', () => {
    expect(ssh2.utils.parseKey(SSH2_MALFORMED)).toBeInstanceOf(Error);
    const good = ssh2.utils.generateKeyPairSync('ed25519');
    let calls = 0;
    const pair = generateHostKey(() => (calls++ === 0 ? { private: SSH2_MALFORMED, public: 'x' } : good));
    expect(calls).toBe(2);
    expect(pair).toBe(good);
  });

  it('gives up with a typed error after a bounded number of tries', () => {
    let calls = 0;
    expect(() => generateHostKey(() => (calls++, { private: SSH2_MALFORMED, public: 'x' }))).toThrow(/host key/);
    expect(calls).toBe(16);
  });

  it('every key made over 600 fresh sandboxes is readable, and a kept key is reused', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'osg-hostkey-'));
    try {
      for (let i = 0; i < 600; i++) {
        const dir = path.join(root, String(i));
        mkdirSync(dir);
        const made = await loadOrCreateHostKey(dir);
        expect(made.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
        if (i === 0) {
          const again = await loadOrCreateHostKey(dir);
          expect(again.fingerprint).toBe(made.fingerprint);
          expect(readFileSync(path.join(dir, 'ssh_host_ed25519_key'), 'utf8')).toBe(made.privateKey);
        }
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
