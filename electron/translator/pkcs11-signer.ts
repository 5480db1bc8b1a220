// A robot key on a PKCS#11 token (smart card, HSM, SoftHSM) as a ProxySigner: the key never
// leaves the token; the TBSCertificate goes in and the signature comes out. With
// CKM_SHA256_RSA_PKCS / CKM_ECDSA_SHA256 the token hashes the raw TBS itself; tokens that only
// offer CKM_RSA_PKCS / CKM_ECDSA get the SHA-256 DigestInfo / digest made here.
import { createHash, createPublicKey, verify as nodeVerify, randomBytes, type KeyObject } from 'node:crypto';
import { OnboardError } from '../../shared/errors';
import type { ProxySigner } from '../services/proxy/cert-builder';
import type { ParsedCertificate } from '../services/proxy/cert';
import type { Pkcs11KeyConfig } from './config';
import { readSecretLine } from './config';

type Pkcs11Module = typeof import('pkcs11js');
type Pkcs11 = InstanceType<Pkcs11Module['PKCS11']>;
type Handle = Buffer;

/** DER DigestInfo prefix for SHA-256 (RFC 8017 §9.2 note 1). */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

interface LoadedModule {
  readonly lib: Pkcs11;
  readonly P: Pkcs11Module;
  users: number;
}
const modules = new Map<string, LoadedModule>();

async function loadPkcs11(): Promise<Pkcs11Module> {
  const mod = (await import('pkcs11js')) as unknown as { default?: Pkcs11Module } & Pkcs11Module;
  return mod.default ?? mod;
}

async function openModule(modulePath: string): Promise<LoadedModule> {
  const known = modules.get(modulePath);
  if (known) {
    known.users++;
    return known;
  }
  let P: Pkcs11Module;
  try {
    P = await loadPkcs11();
  } catch (e) {
    throw new OnboardError('TRANSLATOR_PKCS11_MODULE', { module: modulePath, detail: `the pkcs11js addon is not installed (${(e as Error).message})` });
  }
  const lib = new P.PKCS11();
  try {
    lib.load(modulePath);
    // Signing runs on libuv threads: the module must do its own locking.
    lib.C_Initialize({ flags: P.CKF_OS_LOCKING_OK });
  } catch (e) {
    throw new OnboardError('TRANSLATOR_PKCS11_MODULE', { module: modulePath, detail: (e as Error).message });
  }
  const m = { lib, P, users: 1 };
  modules.set(modulePath, m);
  return m;
}

function releaseModule(modulePath: string): void {
  const m = modules.get(modulePath);
  if (!m || --m.users > 0) return;
  modules.delete(modulePath);
  try {
    m.lib.C_Finalize();
  } catch {
    /* already gone */
  }
  try {
    m.lib.close();
  } catch {
    /* ignore */
  }
}

export interface TokenSigner extends ProxySigner {
  readonly token: string;
  readonly keyDescription: string;
  /** What the token says about the key (checked at start). */
  readonly extractable: boolean;
  readonly sensitive: boolean;
  close(): Promise<void>;
}

/** ECDSA raw `r || s` (PKCS#11) → DER `SEQUENCE { INTEGER r, INTEGER s }` (X.509). */
export function ecdsaRawToDer(raw: Buffer): Buffer {
  const half = raw.length / 2;
  const int = (b: Buffer) => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    let v = b.subarray(i);
    if (v[0] & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
    return Buffer.concat([Buffer.from([0x02, v.length]), v]);
  };
  const body = Buffer.concat([int(raw.subarray(0, half)), int(raw.subarray(half))]);
  const len = body.length < 0x80 ? Buffer.from([body.length]) : Buffer.from([0x81, body.length]);
  return Buffer.concat([Buffer.from([0x30]), len, body]);
}

const boolAttr = (v: Buffer | undefined) => v !== undefined && v.length > 0 && v[0] !== 0;

/**
 * Opens the token named in `cfg`, logs in with the PIN from `pinFile`, finds the private key,
 * checks it is not extractable (unless allowed) and that it signs for `certificate`.
 */
export async function openTokenSigner(cfg: Pkcs11KeyConfig, certificate: ParsedCertificate): Promise<TokenSigner> {
  const pin = readSecretLine(cfg.pinFile, 'token PIN');
  const m = await openModule(cfg.module);
  const { lib, P } = m;
  const sessions: { handle: Handle; busy: boolean }[] = [];
  let tokenName = cfg.tokenLabel ?? `slot index ${cfg.slot}`;
  let cleaned = false;
  const fail = (e: unknown): never => {
    if (cleaned) throw e;
    cleaned = true;
    for (const s of sessions) {
      try {
        lib.C_CloseSession(s.handle);
      } catch {
        /* ignore */
      }
    }
    releaseModule(cfg.module);
    throw e;
  };
  try {
    const slots = lib.C_GetSlotList(true);
    const labelled = slots.map((s) => ({ slot: s, label: lib.C_GetTokenInfo(s).label.trim() }));
    const found = cfg.tokenLabel !== undefined ? labelled.find((s) => s.label === cfg.tokenLabel) : labelled[cfg.slot!];
    if (!found) {
      const have = labelled.map((s, i) => `#${i} “${s.label}”`).join(', ') || 'no tokens present';
      throw new OnboardError('TRANSLATOR_TOKEN_NOT_FOUND', { detail: `${cfg.tokenLabel !== undefined ? `label “${cfg.tokenLabel}”` : `slot index ${cfg.slot}`} (found: ${have})` });
    }
    tokenName = found.label;
    for (let i = 0; i < cfg.sessions; i++) sessions.push({ handle: lib.C_OpenSession(found.slot, P.CKF_SERIAL_SESSION), busy: false });
    try {
      lib.C_Login(sessions[0].handle, P.CKU_USER, pin);
    } catch (e) {
      if ((e as { code?: number }).code !== P.CKR_USER_ALREADY_LOGGED_IN) {
        throw new OnboardError('TRANSLATOR_TOKEN_LOGIN', { token: tokenName, detail: (e as Error).message });
      }
    }
    const keyDescription = cfg.keyLabel !== undefined ? `label “${cfg.keyLabel}”` : `id ${cfg.keyId}`;
    const template: { type: number; value: number | string | Buffer }[] = [{ type: P.CKA_CLASS, value: P.CKO_PRIVATE_KEY }];
    if (cfg.keyLabel !== undefined) template.push({ type: P.CKA_LABEL, value: cfg.keyLabel });
    if (cfg.keyId !== undefined) template.push({ type: P.CKA_ID, value: Buffer.from(cfg.keyId, 'hex') });
    const s0 = sessions[0].handle;
    lib.C_FindObjectsInit(s0, template);
    const keys = lib.C_FindObjects(s0, 2);
    lib.C_FindObjectsFinal(s0);
    if (keys.length === 0) throw new OnboardError('TRANSLATOR_TOKEN_KEY_NOT_FOUND', { token: tokenName, detail: keyDescription });
    if (keys.length > 1) throw new OnboardError('TRANSLATOR_TOKEN_KEY_NOT_FOUND', { token: tokenName, detail: `${keyDescription} (more than one matches; give keyId too)` });
    const key = keys[0];
    const attrs = lib.C_GetAttributeValue(s0, key, [{ type: P.CKA_KEY_TYPE }, { type: P.CKA_EXTRACTABLE }, { type: P.CKA_SENSITIVE }]);
    const keyTypeNum = attrs[0].value.readUIntLE(0, Math.min(6, attrs[0].value.length));
    const extractable = boolAttr(attrs[1].value);
    const sensitive = boolAttr(attrs[2].value);
    if ((extractable || !sensitive) && !cfg.allowExtractable) {
      throw new OnboardError('TRANSLATOR_TOKEN_KEY_EXTRACTABLE', { token: tokenName, detail: `${keyDescription}${sensitive ? '' : ' (not marked sensitive)'}` });
    }
    const keyType: 'rsa' | 'ec' = keyTypeNum === P.CKK_RSA ? 'rsa' : keyTypeNum === P.CKK_EC ? 'ec' : fail(new OnboardError('PROXY_KEY_UNSUPPORTED', { detail: `PKCS#11 key type ${keyTypeNum}` }));
    const mechs = new Set(lib.C_GetMechanismList(found.slot));
    const hashed = keyType === 'rsa' ? P.CKM_SHA256_RSA_PKCS : P.CKM_ECDSA_SHA256;
    const plain = keyType === 'rsa' ? P.CKM_RSA_PKCS : P.CKM_ECDSA;
    const tokenHashes = mechs.has(hashed);
    if (!tokenHashes && !mechs.has(plain)) fail(new OnboardError('PROXY_KEY_UNSUPPORTED', { detail: `the token offers no ${keyType.toUpperCase()} signing mechanism` }));
    const mechanism = { mechanism: tokenHashes ? hashed : plain };
    const outSize = 1024;

    const waiting: ((s: { handle: Handle; busy: boolean }) => void)[] = [];
    const acquire = () => {
      const free = sessions.find((s) => !s.busy);
      if (free) {
        free.busy = true;
        return Promise.resolve(free);
      }
      return new Promise<{ handle: Handle; busy: boolean }>((r) => waiting.push(r));
    };
    const release = (s: { handle: Handle; busy: boolean }) => {
      const next = waiting.shift();
      if (next) next(s);
      else s.busy = false;
    };
    let closed = false;
    let inFlight = 0;

    const sign = async (tbs: Buffer): Promise<Buffer> => {
      if (closed) throw new OnboardError('TRANSLATOR_TOKEN_SIGN_FAILED', { detail: 'the token session is closed (the service is shutting down)' });
      const data = tokenHashes ? tbs
        : keyType === 'rsa' ? Buffer.concat([SHA256_DIGEST_INFO, createHash('sha256').update(tbs).digest()])
        : createHash('sha256').update(tbs).digest();
      const s = await acquire();
      inFlight++;
      try {
        lib.C_SignInit(s.handle, mechanism, key);
        const out = await lib.C_SignAsync(s.handle, data, Buffer.alloc(outSize));
        return keyType === 'ec' ? ecdsaRawToDer(Buffer.from(out)) : Buffer.from(out);
      } catch (e) {
        throw new OnboardError('TRANSLATOR_TOKEN_SIGN_FAILED', { detail: (e as Error).message }, { cause: e });
      } finally {
        inFlight--;
        release(s);
      }
    };

    // Does this key belong to the certificate? Sign a challenge and verify with its public key.
    const challenge = randomBytes(32);
    const sig = await sign(challenge);
    const pub: KeyObject = createPublicKey({ key: certificate.spki, format: 'der', type: 'spki' });
    if (!nodeVerify('sha256', challenge, pub, sig)) {
      fail(new OnboardError('TRANSLATOR_ROBOT_KEY_MISMATCH', { subject: certificate.subjectDn, detail: `token “${tokenName}”, key ${keyDescription}` }));
    }

    return {
      keyType,
      sign,
      token: tokenName,
      keyDescription,
      extractable,
      sensitive,
      async close() {
        if (closed) return;
        closed = true;
        for (let i = 0; i < 200 && inFlight > 0; i++) await new Promise((r) => setTimeout(r, 10));
        // Closing the sessions ends the login (another robot on the same token keeps its own).
        for (const s of sessions) {
          try {
            lib.C_CloseSession(s.handle);
          } catch {
            /* ignore */
          }
        }
        releaseModule(cfg.module);
      },
    };
  } catch (e) {
    return fail(e);
  }
}
