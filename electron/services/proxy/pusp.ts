import { createHmac, randomBytes, type KeyObject } from 'node:crypto';
import { OnboardError } from '../../../shared/errors';
import type { SecretStore } from '../keychain/secret-store';
import type { ProxySigner } from './cert-builder';
import { toCertificate, type CertInput } from './cert-input';
import { createProxy, type ProxyCredential } from './make-proxy';
import { checkRobotCertificate, type RobotCheck } from './robot';

/** Keychain account holding the portal's pseudonym secret (base64 of 32 random bytes). */
export const PSEUDONYM_SECRET_ACCOUNT = 'pusp-pseudonym-secret';
export const PUSP_CN_PREFIX = 'user:';
/** X.520 ub-common-name is 64; `user:` takes 5. */
export const MAX_USER_ID_LENGTH = 59;
/**
 * Characters allowed in a portal user id. Excludes `/ , + = ;` and quotes, which break the
 * slash and RFC 4514 DN forms grid-mapfiles and authorization lists are written in.
 */
const USER_ID = /^[A-Za-z0-9._@:-]+$/;

/** Validates a portal user id and returns the PUSP CN value `user:<id>`. */
export function puspLabel(userId: string): string {
  const detail =
    userId.length === 0 ? 'it is empty'
    : userId.length > MAX_USER_ID_LENGTH ? `it is longer than ${MAX_USER_ID_LENGTH} characters`
    : !USER_ID.test(userId) ? 'it has characters other than letters, digits and . _ @ - :'
    : undefined;
  if (detail) throw new OnboardError('PUSP_USER_ID_INVALID', { id: userId.slice(0, 80), detail });
  return PUSP_CN_PREFIX + userId;
}

/**
 * The portal's pseudonym secret from the keychain; made (32 random bytes) and stored on
 * first use. Losing it means the portal can no longer map pseudonyms back to its users.
 */
export async function pseudonymSecret(store: SecretStore, account = PSEUDONYM_SECRET_ACCOUNT): Promise<Buffer> {
  const existing = await store.get(account);
  if (existing) {
    const b = Buffer.from(existing, 'base64');
    if (b.length >= 16) return b;
  }
  const fresh = randomBytes(32);
  await store.set(account, fresh.toString('base64'));
  return fresh;
}

/**
 * A pseudonymous user id: HMAC-SHA-256(secret, user id) written as 28 lowercase letters
 * (131 bits). The same user always gets the same pseudonym; only a holder of the secret can
 * map it back (by recomputing it for its own users). Letters only, so numeric ids and
 * e-mail addresses can never show through it.
 */
export function pseudonymFor(secret: Buffer, userId: string): string {
  if (secret.length < 16) throw new OnboardError('INVALID_INPUT', { field: 'pseudonym secret', detail: 'it must be at least 16 bytes' });
  let v = BigInt('0x' + createHmac('sha256', secret).update(userId, 'utf8').digest('hex'));
  let out = '';
  for (let i = 0; i < 28; i++) {
    out += String.fromCharCode(97 + Number(v % 26n));
    v /= 26n;
  }
  return out;
}

export interface CreatePuspOptions {
  readonly robotCert: CertInput;
  readonly robotKey: KeyObject | ProxySigner;
  /** CA certificates above the robot certificate, if the file should carry them. */
  readonly robotChain?: readonly CertInput[];
  /** The portal's id for its user. */
  readonly userId: string;
  /** Use HMAC pseudonyms: pass the secret (see `pseudonymSecret`). */
  readonly pseudonymSecret?: Buffer;
  /** Also make the per-session proxy (CN=<serial>) under the PUSP. */
  readonly session?: boolean;
  /** PUSP lifetime (default 12 h); the session proxy lives at most as long. */
  readonly hours?: number;
  readonly sessionHours?: number;
  readonly bits?: number;
  readonly limited?: boolean;
  /** Pre-generated keys (key pool). */
  readonly puspKey?: KeyObject;
  readonly sessionKey?: KeyObject;
  /** Make it even when the robot check fails (the operator knows the CA marks robots otherwise). */
  readonly force?: boolean;
  readonly now?: Date;
}

export interface PuspResult {
  /** `user:<id or pseudonym>` — the PUSP's last CN. */
  readonly userLabel: string;
  readonly pseudonymous: boolean;
  /** The PUSP's subject: the per-user identity relying services see (EGI rules). */
  readonly identity: string;
  readonly pusp: ProxyCredential;
  readonly session?: ProxyCredential;
  /** File contents for the leaf the portal hands on: session proxy (if made) or PUSP, key, chain. */
  readonly pem: string;
  readonly robot: RobotCheck;
}

/**
 * Makes a per-user sub-proxy: robot DN + `CN=user:<id>` (an RFC 3820 impersonation proxy
 * signed by the robot key), and optionally the per-session proxy under it.
 */
export async function createPusp(opts: CreatePuspOptions): Promise<PuspResult> {
  const robotCert = toCertificate(opts.robotCert, 'the robot certificate');
  const robot = checkRobotCertificate(robotCert);
  if (!robot.robot && !opts.force) {
    throw new OnboardError('PUSP_NOT_ROBOT', { subject: robotCert.subjectDn, detail: robot.problems.join('; ') });
  }
  const pseudonymous = opts.pseudonymSecret !== undefined;
  if (pseudonymous && (opts.userId.length === 0 || opts.userId.length > 1024)) {
    // Any spelling is fine behind a pseudonym (e-mails with "+", names), but not nothing.
    throw new OnboardError('PUSP_USER_ID_INVALID', { id: opts.userId.slice(0, 80), detail: 'give 1 to 1024 characters' });
  }
  const userLabel = puspLabel(pseudonymous ? pseudonymFor(opts.pseudonymSecret!, opts.userId) : opts.userId);
  const now = opts.now ?? new Date();
  const pusp = await createProxy({
    issuerCert: robotCert,
    issuerKey: opts.robotKey,
    chain: opts.robotChain,
    hours: opts.hours,
    bits: opts.bits,
    limited: opts.limited,
    proxyKey: opts.puspKey,
    cnLabel: userLabel,
    now,
  });
  let session: ProxyCredential | undefined;
  if (opts.session) {
    session = await createProxy({
      issuerCert: pusp.certificate,
      issuerKey: pusp.privateKey,
      chain: pusp.chain,
      hours: opts.sessionHours ?? opts.hours,
      bits: opts.bits,
      limited: opts.limited,
      proxyKey: opts.sessionKey,
      now,
    });
  }
  return { userLabel, pseudonymous, identity: pusp.subject, pusp, session, pem: (session ?? pusp).pem, robot };
}
