// The PKCS#11 signer against a SoftHSM2 token made here: finding the token and key, refusing
// keys the token would let out, wrong PINs and keys that do not match the certificate; an EC
// robot key on the token (CKM_ECDSA_SHA256, raw r||s turned into DER) makes valid PUSPs too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { openTokenSigner } from '../../../electron/translator';
import { parseTranslatorConfig } from '../../../electron/translator/config';
import { certificatesFromPem, createProxy, verifyChain, IGTF_ROBOT_POLICY_OID } from '../../../electron/services/proxy';
import { isOnboardError } from '../../../shared/errors';
import { issueForPublicKey } from '../../helpers/softhsm';
import { opensslVerify } from '../proxy/tools';
import { createFixture, type Fixture } from './fixture';

let fx: Fixture;
const pkcs11 = (over: Record<string, unknown>) => {
  const cfg = parseTranslatorConfig({
    tls: { cert: 'c', key: 'k' }, allowedClients: ['127.0.0.1'], audit: { file: 'a' },
    robots: [{ certFile: 'r', key: { pkcs11: { module: fx.hsm.module, tokenLabel: fx.hsm.tokenLabel, keyLabel: 'robot-key', pinFile: fx.hsm.pinFile, ...over } } }],
  }, fx.hsm.dir);
  const k = cfg.robots[0].key;
  if (!('pkcs11' in k)) throw new Error('not a token key');
  return k.pkcs11;
};
const robotCert = () => certificatesFromPem(fx.robotCertPem)[0];

async function codeOf(p: Promise<{ close(): Promise<void> }>): Promise<string> {
  try {
    await (await p).close();
    return 'opened';
  } catch (e) {
    return isOnboardError(e) ? e.code : String(e);
  }
}

beforeAll(() => {
  fx = createFixture();
}, 120_000);
afterAll(() => fx?.cleanup());

describe('PKCS#11 signer on SoftHSM2', () => {
  it('finds the token by label or slot index and the key by label or id; reports it non-extractable', async () => {
    for (const over of [{}, { tokenLabel: undefined, slot: 0 }, { keyLabel: undefined, keyId: 'a1b2' }]) {
      const s = await openTokenSigner(pkcs11(over), robotCert());
      expect(s.keyType).toBe('rsa');
      expect(s.extractable).toBe(false);
      expect(s.sensitive).toBe(true);
      await s.close();
    }
  });

  it('says which token, key or PIN is wrong', async () => {
    writeFileSync(path.join(fx.hsm.dir, 'wrong.pin'), '0000\n');
    expect(await codeOf(openTokenSigner(pkcs11({ tokenLabel: 'no-such-token' }), robotCert()))).toBe('TRANSLATOR_TOKEN_NOT_FOUND');
    expect(await codeOf(openTokenSigner(pkcs11({ keyLabel: 'no-such-key' }), robotCert()))).toBe('TRANSLATOR_TOKEN_KEY_NOT_FOUND');
    expect(await codeOf(openTokenSigner(pkcs11({ pinFile: path.join(fx.hsm.dir, 'wrong.pin') }), robotCert()))).toBe('TRANSLATOR_TOKEN_LOGIN');
    expect(await codeOf(openTokenSigner(pkcs11({ module: '/nonexistent/libpkcs11.so' }), robotCert()))).toBe('TRANSLATOR_PKCS11_MODULE');
    // The right token and PIN still work afterwards.
    expect(await codeOf(openTokenSigner(pkcs11({}), robotCert()))).toBe('opened');
  });

  it('refuses an extractable key unless allowed, and a key that does not sign for the certificate', async () => {
    fx.hsm.generateKey('exportable', 'e1', 'rsa', true);
    expect(await codeOf(openTokenSigner(pkcs11({ keyLabel: 'exportable' }), robotCert()))).toBe('TRANSLATOR_TOKEN_KEY_EXTRACTABLE');
    // Allowed, it opens, but it is not the robot certificate's key.
    expect(await codeOf(openTokenSigner(pkcs11({ keyLabel: 'exportable', allowExtractable: true }), robotCert()))).toBe('TRANSLATOR_ROBOT_KEY_MISMATCH');
  });

  it('an EC P-256 robot key on the token signs PUSPs that openssl and our verifier accept', async () => {
    const key = fx.hsm.generateKey('ec-robot', 'ec01', 'ec');
    const cert = issueForPublicKey(fx.ca, 'ec-robot', '/C=US/O=OSG Onboard Test/CN=Robot: EC Gateway', key.publicKeyPem, [`certificatePolicies=${IGTF_ROBOT_POLICY_OID}`]);
    const robot = certificatesFromPem(cert.certPem)[0];
    const s = await openTokenSigner(pkcs11({ keyLabel: 'ec-robot' }), robot);
    try {
      expect(s.keyType).toBe('ec');
      const p = await createProxy({ issuerCert: robot, issuerKey: s, cnLabel: 'user:ec', hours: 1 });
      const file = path.join(fx.hsm.dir, 'ec-robot-pusp.pem');
      writeFileSync(file, p.pem, { mode: 0o600 });
      const v = opensslVerify(fx.ca.trustDir, file, fx.ca.env());
      expect(v.ok, v.out).toBe(true);
      const ours = await verifyChain({ chain: p.pem, trust: fx.ca.trustDir });
      expect(ours.valid).toBe(true);
      expect(ours.identity).toBe('/C=US/O=OSG Onboard Test/CN=Robot: EC Gateway/CN=user:ec');
    } finally {
      await s.close();
    }
  });
});
