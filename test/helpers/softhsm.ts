// A SoftHSM2 token made by the test: its own softhsm2.conf and token folder under a temp dir
// (SOFTHSM2_CONF), initialised with softhsm2-util, a robot key pair generated ON the token
// (CKA_EXTRACTABLE=false, CKA_SENSITIVE=true) through pkcs11js, and a robot certificate for
// that public key issued by the test grid CA with the real openssl CLI.
import { execFileSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { GridCa } from './grid-ca';

const require = createRequire(import.meta.url);

export const SOFTHSM_MODULE = ['/usr/lib/softhsm/libsofthsm2.so', '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so'].find((p) => existsSync(p)) ?? '/usr/lib/softhsm/libsofthsm2.so';

export interface TokenKey {
  readonly label: string;
  /** CKA_ID, hex. */
  readonly id: string;
  readonly publicKeyPem: string;
  /** What the token reports for the private key. */
  readonly extractable: boolean;
  readonly sensitive: boolean;
}

export interface SoftHsm {
  readonly dir: string;
  readonly conf: string;
  readonly module: string;
  readonly tokenLabel: string;
  readonly pin: string;
  /** File with the user PIN, mode 0600. */
  readonly pinFile: string;
  /** Sets SOFTHSM2_CONF for this process (the module reads it at C_Initialize) and for children. */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** Generates a key pair on the token (private key non-extractable and sensitive unless `exportable`). */
  generateKey(label: string, id: string, type?: 'rsa' | 'ec', exportable?: boolean): TokenKey;
  cleanup(): void;
}

type P11 = typeof import('pkcs11js');

function withSession<T>(module: string, tokenLabel: string, pin: string, fn: (p: P11, lib: InstanceType<P11['PKCS11']>, s: Buffer) => T): T {
  const p = require('pkcs11js') as P11;
  const lib = new p.PKCS11();
  lib.load(module);
  lib.C_Initialize();
  try {
    const slot = lib.C_GetSlotList(true).find((sl) => lib.C_GetTokenInfo(sl).label.trim() === tokenLabel);
    if (!slot) throw new Error(`token ${tokenLabel} not found`);
    const s = lib.C_OpenSession(slot, p.CKF_SERIAL_SESSION | p.CKF_RW_SESSION);
    lib.C_Login(s, p.CKU_USER, pin);
    try {
      return fn(p, lib, s);
    } finally {
      lib.C_Logout(s);
      lib.C_CloseSession(s);
    }
  } finally {
    lib.C_Finalize();
    lib.close();
  }
}

export function createSoftHsm(opts: { tokenLabel?: string; pin?: string } = {}): SoftHsm {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'osg-softhsm-'));
  const tokens = path.join(dir, 'tokens');
  mkdirSync(tokens, { mode: 0o700 });
  const conf = path.join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  const tokenLabel = opts.tokenLabel ?? 'osg-robot-token';
  const pin = opts.pin ?? '4711-user-pin';
  const env = (extra: NodeJS.ProcessEnv = {}) => ({ ...process.env, SOFTHSM2_CONF: conf, ...extra });
  execFileSync('softhsm2-util', ['--init-token', '--free', '--label', tokenLabel, '--so-pin', '0815-so-pin', '--pin', pin], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  const pinFile = path.join(dir, 'user.pin');
  writeFileSync(pinFile, pin + '\n', { mode: 0o600 });
  process.env.SOFTHSM2_CONF = conf;

  return {
    dir,
    conf,
    module: SOFTHSM_MODULE,
    tokenLabel,
    pin,
    pinFile,
    env,
    generateKey(label, id, type = 'rsa', exportable = false) {
      process.env.SOFTHSM2_CONF = conf;
      return withSession(SOFTHSM_MODULE, tokenLabel, pin, (p, lib, s) => {
        const idBuf = Buffer.from(id, 'hex');
        const common = [{ type: p.CKA_TOKEN, value: true }, { type: p.CKA_LABEL, value: label }, { type: p.CKA_ID, value: idBuf }];
        const priv = [...common, { type: p.CKA_PRIVATE, value: true }, { type: p.CKA_SENSITIVE, value: !exportable }, { type: p.CKA_EXTRACTABLE, value: exportable }, { type: p.CKA_SIGN, value: true }];
        let keys;
        if (type === 'rsa') {
          keys = lib.C_GenerateKeyPair(s, { mechanism: p.CKM_RSA_PKCS_KEY_PAIR_GEN },
            [...common, { type: p.CKA_VERIFY, value: true }, { type: p.CKA_MODULUS_BITS, value: 2048 }, { type: p.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) }], priv);
        } else {
          // namedCurve prime256v1, DER OID 1.2.840.10045.3.1.7
          const params = Buffer.from('06082a8648ce3d030107', 'hex');
          keys = lib.C_GenerateKeyPair(s, { mechanism: p.CKM_EC_KEY_PAIR_GEN }, [...common, { type: p.CKA_VERIFY, value: true }, { type: p.CKA_EC_PARAMS, value: params }], priv);
        }
        let publicKeyPem: string;
        if (type === 'rsa') {
          const [n, e] = lib.C_GetAttributeValue(s, keys.publicKey, [{ type: p.CKA_MODULUS }, { type: p.CKA_PUBLIC_EXPONENT }]);
          publicKeyPem = createPublicKey({ key: { kty: 'RSA', n: n.value.toString('base64url'), e: e.value.toString('base64url') }, format: 'jwk' })
            .export({ type: 'spki', format: 'pem' }).toString();
        } else {
          const [point] = lib.C_GetAttributeValue(s, keys.publicKey, [{ type: p.CKA_EC_POINT }]);
          // CKA_EC_POINT is a DER OCTET STRING holding the uncompressed point (04 || x || y).
          const raw = point.value[0] === 0x04 && point.value[1] === point.value.length - 2 ? point.value.subarray(2) : point.value;
          publicKeyPem = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33, 65).toString('base64url') }, format: 'jwk' })
            .export({ type: 'spki', format: 'pem' }).toString();
        }
        const [ex, se] = lib.C_GetAttributeValue(s, keys.privateKey, [{ type: p.CKA_EXTRACTABLE }, { type: p.CKA_SENSITIVE }]);
        return { label, id, publicKeyPem, extractable: ex.value[0] !== 0, sensitive: se.value[0] !== 0 };
      });
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * A certificate for a public key whose private key the CA never sees (it is on the token):
 * `openssl x509 -new -force_pubkey`, signed by the grid CA's root. Returns the PEM file path.
 */
export function issueForPublicKey(ca: GridCa, name: string, subject: string, publicKeyPem: string, extensions: readonly string[] = []): { certFile: string; certPem: string } {
  const pub = path.join(ca.dir, `${name}.pub.pem`);
  const ext = path.join(ca.dir, `${name}.ext`);
  const certFile = path.join(ca.dir, `${name}.pem`);
  writeFileSync(pub, publicKeyPem);
  writeFileSync(ext, ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment,dataEncipherment', 'authorityKeyIdentifier=keyid', ...extensions].join('\n') + '\n');
  const serial = String(0x5000 + Math.floor(Math.random() * 0x100000));
  execFileSync('openssl', ['x509', '-new', '-subj', subject, '-force_pubkey', pub, '-CA', ca.root.certFile, '-CAkey', ca.root.keyFile,
    '-extfile', ext, '-days', '30', '-set_serial', serial, '-sha256', '-out', certFile], { cwd: ca.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  return { certFile, certPem: readFileSync(certFile, 'utf8') };
}
