/**
 * The sandbox submit host's SFTP server (protocol v3, ssh2's server side), jailed in the
 * sandbox home folder. Clients see it as `/home/<account>`; any path outside, or any symlink
 * that leads outside, is refused. Renames never overwrite (SFTP v3 semantics, as OpenSSH's
 * sftp-server without posix-rename). An optional quota reproduces “disk full” for help-desk
 * replays. No OpenSSH extensions are offered, so clients exercise their plain-v3 paths.
 */
import { promises as fsp, constants as C, type Stats } from 'node:fs';
import path from 'node:path';
import ssh2, { type SFTPWrapper, type InputAttributes, type FileEntry, type Attributes } from 'ssh2';

const { STATUS_CODE, OPEN_MODE } = ssh2.utils.sftp;

class Refused extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** SFTP pflags → open(2) flags, always with O_NOFOLLOW. */
export function openFlags(pflags: number): number {
  const read = (pflags & OPEN_MODE.READ) !== 0;
  const write = (pflags & OPEN_MODE.WRITE) !== 0;
  if (!read && !write) throw new Refused(STATUS_CODE.OP_UNSUPPORTED, 'Unsupported open flags');
  let f = read && write ? C.O_RDWR : write ? C.O_WRONLY : C.O_RDONLY;
  if (pflags & OPEN_MODE.APPEND) f |= C.O_APPEND;
  if (pflags & OPEN_MODE.CREAT) f |= C.O_CREAT;
  if (pflags & OPEN_MODE.TRUNC) f |= C.O_TRUNC;
  if (pflags & OPEN_MODE.EXCL) f |= C.O_EXCL;
  return f | C.O_NOFOLLOW;
}

export interface SandboxSftpOptions {
  /** Real folder that is the account's home. */
  readonly root: string;
  /** What clients see as the home, e.g. `/home/sandbox`. */
  readonly virtualHome: string;
  /** Total bytes of regular files the home may hold; writes beyond fail like a full disk. */
  readonly quotaBytes?: number;
}

type OpenThing = { kind: 'file'; fh: fsp.FileHandle; path: string } | { kind: 'dir'; path: string; entries: FileEntry[] | undefined };


function statusFor(e: unknown): { code: number; message: string } {
  if (e instanceof Refused) return { code: e.status, message: e.message };
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return { code: STATUS_CODE.NO_SUCH_FILE, message: 'No such file' };
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return { code: STATUS_CODE.PERMISSION_DENIED, message: 'Permission denied' };
    case 'ENOSPC':
    case 'EDQUOT':
      return { code: STATUS_CODE.FAILURE, message: 'No space left on device' };
    case 'EEXIST':
      return { code: STATUS_CODE.FAILURE, message: 'File exists' };
    default:
      return { code: STATUS_CODE.FAILURE, message: err?.message ?? 'Failure' };
  }
}

export function attrsOf(st: Stats): Attributes {
  return { mode: st.mode, uid: st.uid, gid: st.gid, size: st.size, atime: Math.floor(st.atimeMs / 1000), mtime: Math.floor(st.mtimeMs / 1000) };
}

function longname(name: string, st: Stats, owner: string): string {
  const type = st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : '-';
  let perms = '';
  for (let i = 0; i < 9; i++) perms += st.mode & (1 << (8 - i)) ? 'rwxrwxrwx'[i] : '-';
  const date = st.mtime.toISOString().slice(0, 16).replace('T', ' ');
  return `${type}${perms} 1 ${owner} ${owner} ${String(st.size).padStart(8)} ${date} ${name}`;
}

export class SandboxSftpSession {
  private readonly handles = new Map<number, OpenThing>();
  private nextHandle = 1;
  private realRoot: string | undefined;
  private readonly owner: string;

  constructor(
    private readonly sftp: SFTPWrapper,
    private readonly opts: SandboxSftpOptions,
  ) {
    this.owner = path.posix.basename(opts.virtualHome);
    this.wire();
    sftp.on('close', () => void this.closeAll());
    // The client sent EOF (OpenSSH's sftp at the end of a batch): close our side too.
    sftp.on('end', () => {
      void this.closeAll();
      try {
        sftp.end();
      } catch {
        // already closed
      }
    });
    sftp.on('error', () => void this.closeAll());
  }

  private async closeAll(): Promise<void> {
    const open = [...this.handles.values()];
    this.handles.clear();
    for (const h of open) if (h.kind === 'file') await h.fh.close().catch(() => {});
  }

  /** Client path → real path inside the jail (lexically). */
  private toReal(p: string): string {
    const v = path.posix.resolve(this.opts.virtualHome, p || '.');
    const home = this.opts.virtualHome;
    if (v !== home && !v.startsWith(home + '/')) throw new Refused(STATUS_CODE.PERMISSION_DENIED, 'Outside the sandbox home');
    return path.join(this.opts.root, v.slice(home.length));
  }

  private toVirtual(real: string): string {
    const rel = path.relative(this.opts.root, real).split(path.sep).join('/');
    return rel ? `${this.opts.virtualHome}/${rel}` : this.opts.virtualHome;
  }

  /** Refuses paths whose existing part resolves (through symlinks) outside the jail. */
  private async contained(real: string): Promise<void> {
    this.realRoot ??= await fsp.realpath(this.opts.root);
    let probe = real;
    for (;;) {
      try {
        const r = await fsp.realpath(probe);
        if (r !== this.realRoot && !r.startsWith(this.realRoot + path.sep)) throw new Refused(STATUS_CODE.PERMISSION_DENIED, 'Outside the sandbox home');
        return;
      } catch (e) {
        if (e instanceof Refused) throw e;
        const parent = path.dirname(probe);
        if (parent === probe) throw e;
        probe = parent;
      }
    }
  }

  private async usedBytes(dir = this.opts.root): Promise<number> {
    let total = 0;
    for (const e of await fsp.readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) total += await this.usedBytes(p);
      else if (e.isFile()) total += (await fsp.lstat(p)).size;
    }
    return total;
  }

  private handleBuf(n: number): Buffer {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  }

  private get(h: Buffer): OpenThing {
    const t = h.length === 4 ? this.handles.get(h.readUInt32BE(0)) : undefined;
    if (!t) throw new Refused(STATUS_CODE.FAILURE, 'Invalid handle');
    return t;
  }

  private async applyAttrs(real: string, attrs: InputAttributes, fh?: fsp.FileHandle): Promise<void> {
    if (attrs.mode !== undefined) {
      const mode = Number(attrs.mode) & 0o7777;
      if (fh) await fh.chmod(mode);
      else await fsp.chmod(real, mode);
    }
    if (attrs.size !== undefined) {
      if (fh) await fh.truncate(attrs.size);
      else await fsp.truncate(real, attrs.size);
    }
    if (attrs.atime !== undefined && attrs.mtime !== undefined) {
      if (fh) await fh.utimes(attrs.atime as number, attrs.mtime as number);
      else await fsp.utimes(real, attrs.atime as number, attrs.mtime as number);
    }
  }

  /** Runs a request; any failure becomes an SFTP status. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private on(event: string, fn: (reqid: number, ...args: any[]) => Promise<void>): void {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    (this.sftp as unknown as NodeJS.EventEmitter).on(event, (reqid: number, ...args: any[]) => {
      fn(reqid, ...args).catch((e) => {
        const s = statusFor(e);
        try {
          this.sftp.status(reqid, s.code, s.message);
        } catch {
          // channel already gone
        }
      });
    });
  }

  private wire(): void {
    const sftp = this.sftp;
    this.on('OPEN', async (reqid, filename: string, flags: number, attrs: InputAttributes) => {
      const real = this.toReal(filename);
      await this.contained(real);
      const mode = attrs?.mode !== undefined ? Number(attrs.mode) & 0o7777 : 0o644;
      // O_NOFOLLOW: a symlink planted at the final name is not followed.
      const fh = await fsp.open(real, openFlags(flags), mode);
      const st = await fh.stat();
      if (!st.isFile()) {
        await fh.close();
        throw new Refused(STATUS_CODE.FAILURE, 'Not a regular file');
      }
      const n = this.nextHandle++;
      this.handles.set(n, { kind: 'file', fh, path: real });
      sftp.handle(reqid, this.handleBuf(n));
    });
    this.on('READ', async (reqid, handle: Buffer, offset: number, length: number) => {
      const t = this.get(handle);
      if (t.kind !== 'file') throw new Refused(STATUS_CODE.FAILURE, 'Not a file');
      const buf = Buffer.alloc(Math.min(length, 256 * 1024));
      const { bytesRead } = await t.fh.read(buf, 0, buf.length, offset);
      if (bytesRead === 0) sftp.status(reqid, STATUS_CODE.EOF);
      else sftp.data(reqid, buf.subarray(0, bytesRead));
    });
    this.on('WRITE', async (reqid, handle: Buffer, offset: number, data: Buffer) => {
      const t = this.get(handle);
      if (t.kind !== 'file') throw new Refused(STATUS_CODE.FAILURE, 'Not a file');
      if (this.opts.quotaBytes !== undefined) {
        const st = await t.fh.stat();
        const growth = Math.max(0, offset + data.length - st.size);
        if ((await this.usedBytes()) + growth > this.opts.quotaBytes) throw new Refused(STATUS_CODE.FAILURE, 'No space left on device (sandbox quota)');
      }
      await t.fh.write(data, 0, data.length, offset);
      sftp.status(reqid, STATUS_CODE.OK);
    });
    this.on('FSTAT', async (reqid, handle: Buffer) => {
      const t = this.get(handle);
      const st = t.kind === 'file' ? await t.fh.stat() : await fsp.stat(t.path);
      sftp.attrs(reqid, attrsOf(st));
    });
    this.on('FSETSTAT', async (reqid, handle: Buffer, attrs: InputAttributes) => {
      const t = this.get(handle);
      await this.applyAttrs(t.path, attrs, t.kind === 'file' ? t.fh : undefined);
      sftp.status(reqid, STATUS_CODE.OK);
    });
    this.on('CLOSE', async (reqid, handle: Buffer) => {
      const t = this.get(handle);
      this.handles.delete(handle.readUInt32BE(0));
      if (t.kind === 'file') await t.fh.close();
      sftp.status(reqid, STATUS_CODE.OK);
    });
    this.on('OPENDIR', async (reqid, p: string) => {
      const real = this.toReal(p);
      await this.contained(real);
      const st = await fsp.stat(real);
      if (!st.isDirectory()) throw new Refused(STATUS_CODE.FAILURE, 'Not a directory');
      await fsp.access(real, C.R_OK | C.X_OK);
      const n = this.nextHandle++;
      this.handles.set(n, { kind: 'dir', path: real, entries: undefined });
      sftp.handle(reqid, this.handleBuf(n));
    });
    this.on('READDIR', async (reqid, handle: Buffer) => {
      const t = this.get(handle);
      if (t.kind !== 'dir') throw new Refused(STATUS_CODE.FAILURE, 'Not a directory');
      if (t.entries) return void sftp.status(reqid, STATUS_CODE.EOF);
      const names = ['.', '..', ...(await fsp.readdir(t.path))];
      const entries: FileEntry[] = [];
      for (const name of names) {
        try {
          const st = await fsp.lstat(path.join(t.path, name));
          entries.push({ filename: name, longname: longname(name, st, this.owner), attrs: attrsOf(st) });
        } catch {
          // vanished meanwhile
        }
      }
      t.entries = entries;
      sftp.name(reqid, entries);
    });
    const statLike = (follow: boolean) => async (reqid: number, p: string) => {
      const real = this.toReal(p);
      await this.contained(follow ? real : path.dirname(real));
      sftp.attrs(reqid, attrsOf(follow ? await fsp.stat(real) : await fsp.lstat(real)));
    };
    this.on('STAT', statLike(true));
    this.on('LSTAT', statLike(false));
    this.on('SETSTAT', async (reqid, p: string, attrs: InputAttributes) => {
      const real = this.toReal(p);
      await this.contained(real);
      await this.applyAttrs(real, attrs);
      sftp.status(reqid, STATUS_CODE.OK);
    });
    this.on('REMOVE', async (reqid, p: string) => {
      const real = this.toReal(p);
      await this.contained(path.dirname(real));
      if ((await fsp.lstat(real)).isDirectory()) throw new Refused(STATUS_CODE.FAILURE, 'Is a directory');
      await fsp.unlink(real);
      sftp.status(reqid, STATUS_CODE.OK);
    });
    this.on('RMDIR', async (reqid, p: string) => {
      const real = this.toReal(p);
      if (real === this.opts.root) throw new Refused(STATUS_CODE.PERMISSION_DENIED, 'Permission denied');
      await this.contained(real);
      await fsp.rmdir(real);
      sftp.status(reqid, STATUS_CODE.OK);
    });
    this.on('MKDIR', async (reqid, p: string, attrs: InputAttributes) => {
      const real = this.toReal(p);
      await this.contained(path.dirname(real));
      await fsp.mkdir(real, { mode: attrs?.mode !== undefined ? Number(attrs.mode) & 0o7777 : 0o755 });
      sftp.status(reqid, STATUS_CODE.OK);
    });
    this.on('RENAME', async (reqid, from: string, to: string) => {
      const a = this.toReal(from);
      const b = this.toReal(to);
      await this.contained(path.dirname(a));
      await this.contained(path.dirname(b));
      const st = await fsp.lstat(a);
      if (st.isDirectory()) {
        if (await fsp.lstat(b).then(() => true, () => false)) throw new Refused(STATUS_CODE.FAILURE, 'File exists');
        await fsp.rename(a, b);
      } else {
        // link + unlink: fails when `to` exists, so nothing is ever overwritten.
        await fsp.link(a, b);
        await fsp.unlink(a);
      }
      sftp.status(reqid, STATUS_CODE.OK);
    });
    this.on('REALPATH', async (reqid, p: string) => {
      const real = this.toReal(p);
      const v = this.toVirtual(real);
      sftp.name(reqid, [{ filename: v, longname: v, attrs: {} as Attributes }]);
    });
    for (const unsupported of ['READLINK', 'SYMLINK', 'EXTENDED']) {
      this.on(unsupported, async () => {
        throw new Refused(STATUS_CODE.OP_UNSUPPORTED, 'Not supported by the sandbox submit host');
      });
    }
  }
}
