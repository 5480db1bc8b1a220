/**
 * The Upload step, done the way the seed's scp + openssl + chmod + mkdir + mv recipe meant:
 *  1. `~/.globus` made 0700 (or tightened when group/other could read it);
 *  2. each file sent to a hidden temp name (`.<name>.osg-upload-<sha256 prefix>`), made its
 *     final mode, and checked by size and SHA-256 — all files before any is installed, so a
 *     dropped connection never leaves a new certificate beside an old key;
 *  3. each installed: an existing file is kept as `<name>.bak-<UTC stamp>` (hard link, then an
 *     atomic rename over it, when the server offers the OpenSSH extensions), never overwritten;
 *  4. the folder listed, and `openssl x509 -noout -subject -enddate` run when the host has it.
 * A retry after a drop finds the temp files by their content hash: files already checked are
 * not sent again; files already in place unchanged are left alone.
 */
import path from 'node:path';
import { createHash, X509Certificate } from 'node:crypto';
import type { SFTPWrapper } from 'ssh2';
import { OnboardError } from '../../../shared/errors';
import { backupStamp } from '../fs/atomic';
import { connectSubmitHost, type ConnectOptions, type SshSession } from './connect';
import { DEFAULT_PIPE, remoteDigest, writeAll, type PipeOptions, type VerifyMode } from './file-transfer';
import { RemoteFs } from './remote-fs';
import { runRemote } from './remote-exec';
import type { RemoteFileSpec, RemoteListingEntry, RemoteOpensslCheck, UploadedFile, UploadProgress, UploadResult } from './types';

const posix = path.posix;

export interface UploadOptions extends ConnectOptions {
  readonly files: readonly RemoteFileSpec[];
  readonly onProgress?: (p: UploadProgress) => void;
  /** Clock for the backup stamp. */
  readonly now?: () => Date;
  /** Folder under the remote home; `.globus` unless a test says otherwise. */
  readonly remoteDir?: string;
  /** Run the remote openssl check (default true). */
  readonly checkOpenssl?: boolean;
  /** How the remote copy is checked; `auto`: read back small files, `sha256sum` for big ones when allowed. */
  readonly verify?: VerifyMode;
  readonly pipe?: Partial<PipeOptions>;
}

const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const TEMP_NAME = /^\.(.+)\.osg-upload-([0-9a-f]{16})$/;
export const OPENSSL_CHECK = 'openssl x509 -noout -subject -enddate -in ~/.globus/usercert.pem';

function tempName(name: string, sha256: string): string {
  return `.${name}.osg-upload-${sha256.slice(0, 16)}`;
}

function checkFiles(files: readonly RemoteFileSpec[]): void {
  if (!Array.isArray(files) || files.length === 0) throw new OnboardError('TRANSFER_NOTHING_TO_UPLOAD', { detail: 'no files were given' });
  const seen = new Set<string>();
  for (const f of files) {
    if (!FILE_NAME.test(f.name) || f.name.includes('.bak-') || TEMP_NAME.test(f.name)) {
      throw new OnboardError('INVALID_INPUT', { field: 'file name', detail: `“${f.name}” must be a plain file name such as usercert.pem` });
    }
    if (seen.has(f.name)) throw new OnboardError('INVALID_INPUT', { field: 'file name', detail: `“${f.name}” is listed twice` });
    seen.add(f.name);
    if (!Buffer.isBuffer(f.data)) throw new OnboardError('INVALID_INPUT', { field: f.name, detail: 'no data' });
    if (!Number.isInteger(f.mode) || f.mode < 0 || f.mode > 0o777) throw new OnboardError('INVALID_INPUT', { field: `${f.name} mode`, detail: 'a permission mode such as 0400' });
  }
}

function checkRemoteDir(dir: string): string {
  const norm = posix.normalize(dir);
  if (!dir || posix.isAbsolute(norm) || norm.startsWith('..') || norm === '.') {
    throw new OnboardError('INVALID_INPUT', { field: 'remote folder', detail: 'a folder inside the home folder, such as .globus' });
  }
  return norm;
}

/** `drwx------`, `-r--------`, as `ls -l` prints modes. */
export function modeText(mode: number): string {
  const type = (mode & 0o170000) === 0o040000 ? 'd' : (mode & 0o170000) === 0o120000 ? 'l' : '-';
  const bits = 'rwxrwxrwx';
  let s = type;
  for (let i = 0; i < 9; i++) s += mode & (1 << (8 - i)) ? bits[i] : '-';
  return s;
}

function slashSubject(pem: Buffer): { subject: string; notAfter: string } | undefined {
  try {
    const cert = new X509Certificate(pem);
    return { subject: '/' + cert.subject.split('\n').join('/'), notAfter: new Date(cert.validTo).toISOString() };
  } catch {
    return undefined;
  }
}

function openSftp(session: SshSession): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => {
    session.client.sftp((err, sftp) => {
      if (err) reject(new OnboardError('TRANSFER_SFTP_UNAVAILABLE', { host: session.host, detail: err.message }, { cause: err }));
      else resolve(sftp);
    });
  });
}

/** Makes `dir` a folder only its owner can enter; returns its final mode. */
async function ensureGlobusDir(fs: RemoteFs, dir: string): Promise<number> {
  const st = await fs.stat(dir);
  if (!st) {
    await fs.mkdir(dir, 0o700);
    await fs.chmod(dir, 0o700); // the server's umask applied to mkdir
    return 0o700;
  }
  if (!st.isDirectory()) throw new OnboardError('TRANSFER_REMOTE_NOT_DIRECTORY', { path: dir });
  const mode = st.mode & 0o777;
  if (mode & 0o077) {
    await fs.chmod(dir, mode & 0o700);
    return mode & 0o700;
  }
  return mode;
}

async function uniqueBackupPath(fs: RemoteFs, finalPath: string, now: Date): Promise<string> {
  const base = `${finalPath}.bak-${backupStamp(now)}`;
  let candidate = base;
  for (let n = 1; await fs.lstat(candidate); n++) {
    if (n > 1000) throw new OnboardError('TRANSFER_REMOTE_FAILED', { action: 'find a backup name for', path: finalPath, detail: 'too many backups with the same time stamp' });
    candidate = `${base}-${n}`;
  }
  return candidate;
}

/** Puts a checked temp file in place; an existing file is kept as a backup. */
async function install(fs: RemoteFs, tmp: string, finalPath: string, now: Date): Promise<string | undefined> {
  const existing = await fs.lstat(finalPath);
  if (!existing) {
    await fs.rename(tmp, finalPath);
    return undefined;
  }
  const backup = await uniqueBackupPath(fs, finalPath, now);
  if (await fs.hardlink(finalPath, backup)) {
    // The old bytes have two names; swap the new file in atomically.
    if (await fs.posixRename(tmp, finalPath)) return backup;
    await fs.unlink(finalPath);
    await fs.rename(tmp, finalPath);
    return backup;
  }
  await fs.rename(finalPath, backup);
  await fs.rename(tmp, finalPath);
  return backup;
}

async function listDir(fs: RemoteFs, dir: string): Promise<RemoteListingEntry[]> {
  const entries = await fs.readdir(dir);
  return entries
    .filter((e) => e.filename !== '.' && e.filename !== '..')
    .map((e) => ({
      name: e.filename,
      mode: e.attrs.mode & 0o7777,
      modeText: modeText(e.attrs.mode),
      size: e.attrs.size,
      isDirectory: (e.attrs.mode & 0o170000) === 0o040000,
      mtime: new Date(e.attrs.mtime * 1000).toISOString(),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

async function opensslCheck(session: SshSession, remoteDir: string): Promise<RemoteOpensslCheck> {
  const command = remoteDir === '.globus' ? OPENSSL_CHECK : `openssl x509 -noout -subject -enddate -in ~/${remoteDir}/usercert.pem`;
  const r = await runRemote(session.client, command);
  if (!r.ran) return { available: false, command, reason: r.reason };
  if (r.code === 127 || /command not found|not found/i.test(r.stderr) && r.code !== 0 && !r.stdout) {
    return { available: false, command, exitCode: r.code ?? undefined, reason: 'openssl is not installed on the host' };
  }
  const output = (r.stdout + r.stderr).trim();
  return { available: true, command, exitCode: r.code ?? undefined, output };
}

/** Uploads the credential files into `~/.globus` on the submit host. See the file comment. */
export async function uploadToSubmitHost(opts: UploadOptions): Promise<UploadResult> {
  checkFiles(opts.files);
  const remoteDir = checkRemoteDir(opts.remoteDir ?? '.globus');
  const now = opts.now ?? (() => new Date());
  const pipe: PipeOptions = { ...DEFAULT_PIPE, ...opts.pipe, signal: opts.signal };
  const progress = (p: UploadProgress) => {
    try {
      opts.onProgress?.(p);
    } catch {
      // A failing progress listener must not break the upload.
    }
  };
  const files = opts.files.map((f) => ({ ...f, sha256: createHash('sha256').update(f.data).digest('hex') }));

  progress({ phase: 'connecting' });
  const session = await connectSubmitHost(opts);
  const checked: string[] = [];
  const onAbort = () => session.end();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const sftp = await openSftp(session);
    const fs = new RemoteFs(sftp, { host: session.host, isClosed: session.isClosed, checked: () => checked });
    const execOk = { value: undefined as boolean | undefined };
    const verifyMode = opts.verify ?? 'auto';

    progress({ phase: 'preparing' });
    const home = await fs.realpath('.');
    const dir = posix.join(home, remoteDir);
    const directoryMode = await ensureGlobusDir(fs, dir);

    // Temp files from an earlier attempt: keep those whose content is still wanted (checked
    // below), remove the rest.
    const wanted = new Set(files.map((f) => tempName(f.name, f.sha256)));
    for (const e of await fs.readdir(dir)) {
      if (TEMP_NAME.test(e.filename) && !wanted.has(e.filename)) await fs.unlink(posix.join(dir, e.filename));
    }

    const plan: { name: string; finalPath: string; tmp: string; mode: number; size: number; sha256: string; status: UploadedFile['status'] }[] = [];
    for (const f of files) {
      if (opts.signal?.aborted) throw new OnboardError('CANCELLED');
      const finalPath = posix.join(dir, f.name);
      const tmp = posix.join(dir, tempName(f.name, f.sha256));
      const size = f.data.length;
      const entry = { name: f.name, finalPath, tmp, mode: f.mode, size, sha256: f.sha256 };

      // Already in place, byte for byte: leave it (fix its mode if needed).
      const fin = await fs.lstat(finalPath);
      if (fin && fin.isFile() && fin.size === size) {
        const d = await remoteDigest(fs, session.client, finalPath, size, verifyMode, pipe, execOk);
        if (d.sha256 === f.sha256) {
          if ((fin.mode & 0o7777) !== f.mode) await fs.chmod(finalPath, f.mode);
          if (await fs.lstat(tmp)) await fs.unlink(tmp);
          plan.push({ ...entry, status: 'unchanged' });
          checked.push(f.name);
          progress({ phase: 'checking', file: f.name, bytesDone: size, bytesTotal: size, note: 'unchanged' });
          continue;
        }
      }

      // Sent and checked by an earlier attempt that was cut off.
      const old = await fs.lstat(tmp);
      if (old) {
        let reusable = false;
        if (old.isFile() && old.size === size) {
          const d = await remoteDigest(fs, session.client, tmp, size, verifyMode, pipe, execOk);
          reusable = d.sha256 === f.sha256 && d.size === size;
        }
        if (reusable) {
          if ((old.mode & 0o7777) !== f.mode) await fs.chmod(tmp, f.mode);
          plan.push({ ...entry, status: 'resumed' });
          checked.push(f.name);
          progress({ phase: 'checking', file: f.name, bytesDone: size, bytesTotal: size, note: 'resumed' });
          continue;
        }
        await fs.unlink(tmp);
      }

      progress({ phase: 'sending', file: f.name, bytesDone: 0, bytesTotal: size });
      const handle = await fs.openExclusive(tmp);
      try {
        try {
          await writeAll(fs, handle, f.data, tmp, pipe, (done) => progress({ phase: 'sending', file: f.name, bytesDone: done, bytesTotal: size }));
        } catch (e) {
          // SFTP v3 says only “Failure” for ENOSPC; statvfs tells whether the disk is full.
          if (e instanceof OnboardError && e.code === 'TRANSFER_DISK_FULL') throw new OnboardError('TRANSFER_DISK_FULL', { path: finalPath }, { cause: e });
          if (e instanceof OnboardError && e.code === 'TRANSFER_REMOTE_FAILED') {
            const free = await fs.freeBytes(dir);
            if (free === undefined || free < size) throw new OnboardError('TRANSFER_DISK_FULL', { path: finalPath, available: free }, { cause: e });
          }
          throw e;
        }
        await fs.fsync(handle, tmp);
        await fs.fchmod(handle, f.mode, tmp);
      } catch (e) {
        await fs.close(handle, tmp).catch(() => {});
        // A half-written temp file helps nobody (and holds space on a full disk).
        if (!session.isClosed()) await fs.unlink(tmp).catch(() => {});
        throw e;
      }
      await fs.close(handle, tmp);

      progress({ phase: 'checking', file: f.name, bytesDone: 0, bytesTotal: size });
      const d = await remoteDigest(fs, session.client, tmp, size, verifyMode, pipe, execOk, (done) =>
        progress({ phase: 'checking', file: f.name, bytesDone: done, bytesTotal: size }),
      );
      if (d.size !== size || d.sha256 !== f.sha256) {
        await fs.unlink(tmp).catch(() => {});
        throw new OnboardError('TRANSFER_VERIFY_FAILED', {
          path: finalPath,
          detail: d.size !== size ? `${d.size} bytes arrived, ${size} were sent` : 'the SHA-256 checksums differ',
        });
      }
      plan.push({ ...entry, status: 'installed' });
      checked.push(f.name);
    }

    // Every file is on the host and checked: now put them in place, one quick rename each.
    const uploaded: UploadedFile[] = [];
    for (const p of plan) {
      if (opts.signal?.aborted) throw new OnboardError('CANCELLED');
      let backupPath: string | undefined;
      if (p.status !== 'unchanged') {
        progress({ phase: 'installing', file: p.name });
        backupPath = await install(fs, p.tmp, p.finalPath, now());
      }
      const st = await fs.lstat(p.finalPath);
      uploaded.push({
        name: p.name,
        path: p.finalPath,
        mode: st ? st.mode & 0o7777 : p.mode,
        size: st?.size ?? p.size,
        sha256: p.sha256,
        status: p.status,
        backupPath,
      });
    }

    progress({ phase: 'listing' });
    const listing = await listDir(fs, dir);
    const hasCert = listing.some((e) => e.name === 'usercert.pem');
    const openssl: RemoteOpensslCheck =
      opts.checkOpenssl === false
        ? { available: false, command: OPENSSL_CHECK, reason: 'not asked for' }
        : hasCert
          ? await opensslCheck(session, remoteDir)
          : { available: false, command: OPENSSL_CHECK, reason: 'there is no usercert.pem on the host' };
    const certFile = files.find((f) => f.name === 'usercert.pem');
    progress({ phase: 'done' });
    return {
      host: session.host,
      port: session.port,
      username: session.username,
      hostKey: { keyType: session.hostKey.keyType, fingerprint: session.hostKey.fingerprint, trust: session.hostKey.trust },
      directory: dir,
      directoryMode,
      files: uploaded,
      listing,
      certificate: certFile ? slashSubject(certFile.data) : undefined,
      openssl,
    };
  } catch (e) {
    if (opts.signal?.aborted) throw new OnboardError('CANCELLED', undefined, { cause: e });
    if (e instanceof OnboardError && e.code === 'TRANSFER_CONNECTION_DROPPED') {
      throw new OnboardError('TRANSFER_CONNECTION_DROPPED', { ...e.details, checked: checked.join(',') }, { cause: e.cause });
    }
    throw e;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    session.end();
  }
}
