/**
 * The sandbox submit host's lasting state, in its folder of the app's data folder:
 * `ssh_host_ed25519_key` (made once, so the fingerprint the user accepted stays valid),
 * `account.json` (the sandbox account and its generated password, 0600), `authorized_keys`
 * (optional OpenSSH public keys), and `home/` — the account's home on the “host”.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import ssh2 from 'ssh2';
import { OnboardError } from '../../../shared/errors';
import { ensureDir, writeFileAtomic } from '../../services/fs/atomic';
import { sha256Fingerprint, keyBlobType } from '../../services/transfer/host-key';

const { utils } = ssh2;

export const SANDBOX_SUBMIT_USER = 'sandbox';

export function sandboxSubmitHostDir(dataDir: string): string {
  return path.join(dataDir, 'sandbox', 'submit-host');
}

export interface SandboxHostKey {
  /** OpenSSH private key text. */
  readonly privateKey: string;
  /** `ssh-ed25519 AAAA…` */
  readonly publicLine: string;
  readonly keyType: string;
  /** `SHA256:…` as `ssh-keygen -lf` prints it. */
  readonly fingerprint: string;
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function describe(privateKey: string, file: string): SandboxHostKey {
  const parsed = utils.parseKey(privateKey);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key instanceof Error || !key) throw new OnboardError('SANDBOX_SUBMIT_HOST_FAILED', { detail: `the host key ${file} is not readable (${key instanceof Error ? key.message : 'empty'}); reset the sandbox` });
  const blob = key.getPublicSSH();
  return { privateKey, publicLine: `${key.type} ${blob.toString('base64')}`, keyType: keyBlobType(blob), fingerprint: sha256Fingerprint(blob) };
}

type KeyPairText = { readonly private: string; readonly public: string };

const generateEd25519 = (): KeyPairText => utils.generateKeyPairSync('ed25519', { comment: 'osg-onboard-sandbox' });

/**
 * A fresh Ed25519 host key that ssh2 itself can read back. ssh2 1.x drops a leading zero byte
 * of the 32-byte public key when it writes the OpenSSH form (about 1 key in 256), and then
 * refuses its own output as “Malformed OpenSSH private key”; such a key is thrown away and
 * another made (bounded: 16 tries, i.e. a chance of 256^-16 of running out).
 */
export function generateHostKey(generate: () => KeyPairText = generateEd25519): KeyPairText {
  for (let attempt = 0; attempt < 16; attempt++) {
    const pair = generate();
    const parsed = utils.parseKey(pair.private);
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (key && !(key instanceof Error) && key.getPublicSSH().length === 51) return pair; // 4+11 type, 4+32 key
  }
  throw new OnboardError('SANDBOX_SUBMIT_HOST_FAILED', { detail: 'no readable Ed25519 host key could be made (ssh2 key writer)' });
}

/** The host key, made on first start and kept. */
export async function loadOrCreateHostKey(dir: string): Promise<SandboxHostKey> {
  const file = path.join(dir, 'ssh_host_ed25519_key');
  const existing = await readIfExists(file);
  if (existing) return describe(existing, file);
  const pair = generateHostKey();
  try {
    await writeFileAtomic(file, pair.private, { mode: 0o600, existing: 'fail' });
  } catch (e) {
    // Another start made it at the same moment: use theirs.
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return describe((await readIfExists(file))!, file);
  }
  await writeFileAtomic(file + '.pub', pair.public + '\n', { mode: 0o644, existing: 'replace' });
  return describe(pair.private, file);
}

export interface SandboxAccount {
  readonly username: string;
  readonly password: string;
}

/** The sandbox account; its password is generated once (shown by the app in sandbox mode). */
export async function loadOrCreateAccount(dir: string, wanted: { username?: string; password?: string }): Promise<SandboxAccount> {
  const file = path.join(dir, 'account.json');
  const text = await readIfExists(file);
  let saved: Partial<SandboxAccount> = {};
  if (text) {
    try {
      saved = JSON.parse(text) as Partial<SandboxAccount>;
    } catch {
      saved = {};
    }
  }
  const account: SandboxAccount = {
    username: wanted.username ?? (typeof saved.username === 'string' ? saved.username : SANDBOX_SUBMIT_USER),
    password: wanted.password ?? (typeof saved.password === 'string' && saved.password ? saved.password : randomBytes(12).toString('base64url')),
  };
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(account.username)) {
    throw new OnboardError('INVALID_INPUT', { field: 'sandbox user', detail: 'lower-case letters, digits, “_” or “-”' });
  }
  if (account.username !== saved.username || account.password !== saved.password) {
    await writeFileAtomic(file, JSON.stringify(account, null, 2) + '\n', { mode: 0o600, existing: 'replace' });
  }
  return account;
}

/** OpenSSH public key lines from `authorized_keys` in the state folder plus those given. */
export async function loadAuthorizedKeys(dir: string, extra: readonly string[] = []): Promise<Buffer[]> {
  const text = (await readIfExists(path.join(dir, 'authorized_keys'))) ?? '';
  const lines = [...text.split('\n'), ...extra].map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const blobs: Buffer[] = [];
  for (const line of lines) {
    const parsed = utils.parseKey(line);
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (key && !(key instanceof Error)) blobs.push(key.getPublicSSH());
  }
  return blobs;
}

export async function prepareHome(dir: string): Promise<string> {
  await ensureDir(dir, 0o700);
  const home = path.join(dir, 'home');
  await fsp.mkdir(home, { recursive: true, mode: 0o700 });
  return home;
}
