/**
 * The SFTP calls the upload needs, as promises, with every failure turned into the error a
 * user can act on (permission denied, disk full, connection dropped). OpenSSH extensions
 * (hardlink, posix-rename, fsync, statvfs) are used when offered, with plain SFTP v3 fallbacks.
 */
import type { SFTPWrapper, Stats, FileEntryWithStats } from 'ssh2';
import { OnboardError } from '../../../shared/errors';

/** SFTP status codes (draft-ietf-secsh-filexfer-02). */
export const SFTP_STATUS = { OK: 0, EOF: 1, NO_SUCH_FILE: 2, PERMISSION_DENIED: 3, FAILURE: 4, NO_CONNECTION: 6, CONNECTION_LOST: 7, OP_UNSUPPORTED: 8 } as const;

type SftpError = Error & { code?: unknown };

export interface RemoteFsContext {
  readonly host: string;
  /** True once the SSH connection is gone. */
  readonly isClosed: () => boolean;
  /** Names of files already checked, for the “connection dropped” message. */
  readonly checked: () => readonly string[];
}

const UNSUPPORTED = Symbol('unsupported');

export class RemoteFs {
  private channelGone = false;

  constructor(
    private readonly sftp: SFTPWrapper,
    private readonly ctx: RemoteFsContext,
  ) {
    const gone = () => {
      this.channelGone = true;
    };
    sftp.once('close', gone);
    sftp.once('end', gone);
    // Errors surface through the pending calls; an unhandled 'error' event would crash the app.
    sftp.on('error', () => {});
  }

  /** Requests on a closed channel would wait forever: fail them at once. */
  private gone(): boolean {
    return this.channelGone || this.ctx.isClosed();
  }

  /** Maps an SFTP failure to a typed error; `action` reads “write”, “create the folder”… */
  toError(err: unknown, action: string, path: string): OnboardError {
    if (err instanceof OnboardError) return err;
    const e = err as SftpError;
    const code = typeof e?.code === 'number' ? e.code : undefined;
    if (code === undefined || code === SFTP_STATUS.NO_CONNECTION || code === SFTP_STATUS.CONNECTION_LOST || this.gone()) {
      return new OnboardError('TRANSFER_CONNECTION_DROPPED', { host: this.ctx.host, action: `trying to ${action} ${path}`, detail: e?.message, checked: this.ctx.checked().join(',') }, { cause: err });
    }
    if (code === SFTP_STATUS.PERMISSION_DENIED) return new OnboardError('TRANSFER_PERMISSION_DENIED', { action, path }, { cause: err });
    if (/no space|quota|ENOSPC|EDQUOT/i.test(e.message)) return new OnboardError('TRANSFER_DISK_FULL', { path }, { cause: err });
    return new OnboardError('TRANSFER_REMOTE_FAILED', { action, path, detail: e.message }, { cause: err });
  }

  private call<T>(action: string, path: string, start: (cb: (err: SftpError | undefined | null, value?: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.gone()) return reject(this.toError(new Error('the connection is closed'), action, path));
      try {
        start((err, value) => (err ? reject(this.toError(err, action, path)) : resolve(value as T)));
      } catch (e) {
        reject(this.toError(e, action, path));
      }
    });
  }

  /** Calls an OpenSSH extension; resolves UNSUPPORTED when the server did not offer it. */
  private ext<T>(action: string, path: string, start: (cb: (err: SftpError | undefined | null, value?: T) => void) => void): Promise<T | typeof UNSUPPORTED> {
    return new Promise((resolve, reject) => {
      if (this.gone()) return reject(this.toError(new Error('the connection is closed'), action, path));
      try {
        start((err, value) => (err ? reject(this.toError(err, action, path)) : resolve(value as T)));
      } catch (e) {
        if (/does not support/i.test((e as Error).message)) resolve(UNSUPPORTED);
        else reject(this.toError(e, action, path));
      }
    });
  }

  realpath(p: string): Promise<string> {
    return this.call('find', p, (cb) => this.sftp.realpath(p, cb));
  }

  /** A look at `p`; undefined when the path does not exist. */
  private async lookAt(p: string, start: (cb: (err: SftpError | undefined | null, value?: Stats) => void) => void): Promise<Stats | undefined> {
    try {
      return await this.call<Stats>('look at', p, start);
    } catch (e) {
      if (isNoSuchFile(e)) return undefined;
      throw e;
    }
  }

  /** stat; undefined when the path does not exist. */
  stat(p: string): Promise<Stats | undefined> {
    return this.lookAt(p, (cb) => this.sftp.stat(p, cb));
  }

  lstat(p: string): Promise<Stats | undefined> {
    return this.lookAt(p, (cb) => this.sftp.lstat(p, cb));
  }

  mkdir(p: string, mode: number): Promise<void> {
    return this.call('create the folder', p, (cb) => this.sftp.mkdir(p, { mode }, cb));
  }

  chmod(p: string, mode: number): Promise<void> {
    return this.call('set the permissions of', p, (cb) => this.sftp.chmod(p, mode, cb));
  }

  /** Opens for writing a file that must not exist yet (O_CREAT|O_EXCL), mode 0600 until fchmod. */
  openExclusive(p: string): Promise<Buffer> {
    return this.call('create', p, (cb) => this.sftp.open(p, 'wx', { mode: 0o600 }, cb));
  }

  openRead(p: string): Promise<Buffer> {
    return this.call('read', p, (cb) => this.sftp.open(p, 'r', cb));
  }

  write(handle: Buffer, data: Buffer, position: number, p: string): Promise<void> {
    return this.call('write', p, (cb) => this.sftp.write(handle, data, 0, data.length, position, cb));
  }

  read(handle: Buffer, length: number, position: number, p: string): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.gone()) return reject(this.toError(new Error('the connection is closed'), 'read', p));
      const buf = Buffer.allocUnsafe(length);
      try {
        this.sftp.read(handle, buf, 0, length, position, (err, bytesRead) => {
          if (err) {
            // EOF is reported as a status; treat as zero bytes.
            if ((err as SftpError).code === SFTP_STATUS.EOF) return resolve(Buffer.alloc(0));
            return reject(this.toError(err, 'read', p));
          }
          resolve(buf.subarray(0, bytesRead));
        });
      } catch (e) {
        reject(this.toError(e, 'read', p));
      }
    });
  }

  fchmod(handle: Buffer, mode: number, p: string): Promise<void> {
    return this.call('set the permissions of', p, (cb) => this.sftp.fchmod(handle, mode, cb));
  }

  async fsync(handle: Buffer, p: string): Promise<boolean> {
    const r = await this.ext('save', p, (cb) => this.sftp.ext_openssh_fsync(handle, cb));
    return r !== UNSUPPORTED;
  }

  close(handle: Buffer, p: string): Promise<void> {
    return this.call('close', p, (cb) => this.sftp.close(handle, cb));
  }

  /** Plain SFTP rename: fails when `to` exists (never overwrites). */
  rename(from: string, to: string): Promise<void> {
    return this.call('rename', `${from} to ${to}`, (cb) => this.sftp.rename(from, to, cb));
  }

  /** posix-rename@openssh.com (atomic replace); false when not offered. */
  async posixRename(from: string, to: string): Promise<boolean> {
    const r = await this.ext('rename', `${from} to ${to}`, (cb) => this.sftp.ext_openssh_rename(from, to, cb));
    return r !== UNSUPPORTED;
  }

  /** hardlink@openssh.com; false when not offered. Fails when `link` exists. */
  async hardlink(target: string, link: string): Promise<boolean> {
    const r = await this.ext('link', `${target} as ${link}`, (cb) => this.sftp.ext_openssh_hardlink(target, link, cb));
    return r !== UNSUPPORTED;
  }

  unlink(p: string): Promise<void> {
    return this.call('remove', p, (cb) => this.sftp.unlink(p, cb));
  }

  readdir(p: string): Promise<FileEntryWithStats[]> {
    return this.call('list', p, (cb) => this.sftp.readdir(p, cb));
  }

  /** Free bytes for an unprivileged user, when the server offers statvfs@openssh.com. */
  async freeBytes(p: string): Promise<number | undefined> {
    try {
      const r = await this.ext<{ f_bavail: number | bigint; f_frsize: number | bigint }>('look at', p, (cb) => this.sftp.ext_openssh_statvfs(p, cb));
      if (r === UNSUPPORTED) return undefined;
      const free = Number(r.f_bavail) * Number(r.f_frsize);
      return Number.isFinite(free) ? free : undefined;
    } catch {
      return undefined;
    }
  }
}

export function isNoSuchFile(e: unknown): boolean {
  const cause = e instanceof OnboardError ? (e.cause as SftpError | undefined) : (e as SftpError);
  return cause?.code === SFTP_STATUS.NO_SUCH_FILE;
}
