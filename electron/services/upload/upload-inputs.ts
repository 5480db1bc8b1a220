/**
 * What the Upload step reads on this computer: the usercred.p12 (the Back up step's, or a path
 * the user types), the SSH private key file, the SSH keys and agent on offer, and the three
 * `~/.globus` files made from the p12 by the credential core.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { OnboardError, isOnboardError } from '../../../shared/errors';
import type { UploadP12View, UploadSshKeyView } from '../../../shared/contract/upload';
import { buildGlobusFiles, GLOBUS_FILE_MODES, GLOBUS_FILE_ORDER, MAX_CREDENTIAL_FILE_BYTES, type GlobusFiles } from '../credential';
import { parsePrivateKey, type RemoteFileSpec } from '../transfer';
import type { JournalData } from '../journal/journal';

/** `~/x`, `x` (relative to the home folder) or an absolute path. */
export function resolveUserPath(raw: string, homeDir: string): string {
  let p = raw.trim();
  if (p.includes('\0')) throw new OnboardError('INVALID_INPUT', { field: 'path', detail: 'it contains a NUL character' });
  if (p === '~' || p.startsWith('~/')) p = path.join(homeDir, p.slice(1));
  if (!path.isAbsolute(p)) p = path.join(homeDir, p);
  return path.normalize(p);
}

async function readSmallFile(file: string, missing: () => OnboardError, unreadable: (detail: string) => OnboardError): Promise<Buffer> {
  let st;
  try {
    st = await fsp.stat(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') throw missing();
    throw unreadable((e as Error).message);
  }
  if (!st.isFile()) throw unreadable('it is not a file');
  if (st.size > MAX_CREDENTIAL_FILE_BYTES) throw unreadable(`it is ${st.size} bytes, too large for a credential file`);
  try {
    return await fsp.readFile(file);
  } catch (e) {
    throw unreadable((e as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : (e as Error).message);
  }
}

export function readP12(file: string): Promise<Buffer> {
  return readSmallFile(
    file,
    () => new OnboardError('UPLOAD_P12_MISSING', { path: file }),
    (detail) => new OnboardError('IO_ERROR', { action: 'read', path: file, detail }),
  );
}

export function readSshKeyFile(file: string): Promise<Buffer> {
  return readSmallFile(
    file,
    () => new OnboardError('UPLOAD_SSH_KEY_UNREADABLE', { path: file, detail: 'there is no such file' }),
    (detail) => new OnboardError('UPLOAD_SSH_KEY_UNREADABLE', { path: file, detail }),
  );
}

/** The userkey.pem passphrase: the .p12 password unless another one was typed (twice). */
export function keyPassphraseFor(c: { password: string; keyPassphrase?: string; keyPassphraseConfirm?: string }): { passphrase: string; own: boolean } {
  if (c.keyPassphrase !== undefined && c.keyPassphrase !== '') {
    if (c.keyPassphrase !== c.keyPassphraseConfirm) throw new OnboardError('UPLOAD_KEY_PASSPHRASE_MISMATCH');
    if (c.keyPassphrase.length < 8) throw new OnboardError('INVALID_INPUT', { field: 'userkey.pem passphrase', detail: 'use at least 8 characters' });
    return { passphrase: c.keyPassphrase, own: true };
  }
  if (c.password === '') throw new OnboardError('UPLOAD_KEY_PASSPHRASE_EMPTY');
  return { passphrase: c.password, own: false };
}

/** The three files, in write order (key first, p12 last), with their final modes. */
export async function globusFilesFromP12(p12: Buffer, password: string, keyPassphrase: string, what: string, now: () => Date): Promise<{ files: RemoteFileSpec[]; built: GlobusFiles }> {
  const built = await buildGlobusFiles({ p12, password, keyPassphrase, what, now });
  return { built, files: GLOBUS_FILE_ORDER.map((name) => ({ name, data: built.files[name], mode: GLOBUS_FILE_MODES[name] })) };
}

interface BackupLast {
  readonly path?: unknown;
  readonly savedAt?: unknown;
  readonly subject?: unknown;
  readonly notAfter?: unknown;
}

async function isFile(p: string): Promise<boolean> {
  return fsp.stat(p).then((s) => s.isFile(), () => false);
}

/** The Back up step's usercred.p12 (journal `backup.last`), else `~/usercred.p12` when there. */
export async function p12Default(journal: JournalData, homeDir: string): Promise<UploadP12View | null> {
  const last = ((journal as Record<string, unknown>).backup as { last?: BackupLast } | undefined)?.last;
  if (last && typeof last.path === 'string' && last.path) {
    return {
      path: last.path,
      exists: await isFile(last.path),
      source: 'backup',
      savedAt: typeof last.savedAt === 'string' ? last.savedAt : undefined,
      subject: typeof last.subject === 'string' ? last.subject : undefined,
      notAfter: typeof last.notAfter === 'string' ? last.notAfter : undefined,
    };
  }
  const home = path.join(homeDir, 'usercred.p12');
  return (await isFile(home)) ? { path: home, exists: true, source: 'home' } : null;
}

const KEY_NAMES = ['id_ed25519', 'id_ecdsa', 'id_rsa', 'id_ed25519_sk', 'id_ecdsa_sk'];

/** The usual private keys in `~/.ssh`, and whether each needs its passphrase. */
export async function findSshKeys(homeDir: string): Promise<UploadSshKeyView[]> {
  const out: UploadSshKeyView[] = [];
  for (const name of KEY_NAMES) {
    const file = path.join(homeDir, '.ssh', name);
    if (!(await isFile(file))) continue;
    let data: Buffer;
    try {
      data = await readSshKeyFile(file);
    } catch {
      continue;
    }
    try {
      const key = parsePrivateKey(data, undefined, file);
      out.push({ path: file, keyType: key.type, encrypted: false });
    } catch (e) {
      if (isOnboardError(e) && e.code === 'TRANSFER_KEY_PASSPHRASE_NEEDED') out.push({ path: file, encrypted: true });
    }
  }
  return out;
}

/** The SSH agent's socket, when `SSH_AUTH_SOCK` names one that exists. */
export async function agentSocket(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const sock = env.SSH_AUTH_SOCK;
  if (!sock) return undefined;
  return fsp.stat(sock).then((s) => (s.isSocket() ? sock : undefined), () => undefined);
}
