import { promises as fsp, constants as C } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export interface AtomicWriteOptions {
  /** File mode of the final file (set with fchmod before the rename, whatever the umask). */
  readonly mode?: number;
  /**
   * `replace`: swap the old file for the new one atomically (app-owned state files).
   * `backup`: an existing file is first renamed `<name>.bak-<UTC timestamp>` and kept — for
   * credentials, which are never overwritten. `fail`: refuse when the file exists.
   */
  readonly existing?: 'replace' | 'backup' | 'fail';
  /** Clock for the backup timestamp (tests). */
  readonly now?: () => Date;
  /** Test hook: runs after the temp file is durable and before the rename. */
  readonly beforeRename?: (tempPath: string) => Promise<void> | void;
}

export interface AtomicWriteResult {
  readonly path: string;
  /** Where the previous file went, when there was one and `existing: 'backup'`. */
  readonly backupPath?: string;
}

/** `20261124T153001Z` — sortable, no characters that trouble shells or Windows. */
export function backupStamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

async function exists(p: string): Promise<boolean> {
  try {
    await fsp.lstat(p);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

async function fsyncDir(dir: string): Promise<void> {
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(dir, C.O_RDONLY);
    await fh.sync();
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic.
  } finally {
    await fh?.close();
  }
}

/**
 * Writes a file atomically: temp file opened O_EXCL with the final mode, data written and
 * fsynced, then renamed over the target. A crash at any point leaves either the old file or
 * the new one, never a mix.
 */
export async function writeFileAtomic(
  target: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<AtomicWriteResult> {
  const mode = options.mode ?? 0o600;
  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  const fh = await fsp.open(tmp, C.O_WRONLY | C.O_CREAT | C.O_EXCL, 0o600);
  try {
    await fh.writeFile(data);
    await fh.chmod(mode);
    await fh.sync();
  } catch (e) {
    await fh.close();
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  await fh.close();

  let backupPath: string | undefined;
  try {
    await options.beforeRename?.(tmp);
    const policy = options.existing ?? 'replace';
    if (policy !== 'replace' && (await exists(target))) {
      if (policy === 'fail') {
        const err = new Error(`${target} exists`) as NodeJS.ErrnoException;
        err.code = 'EEXIST';
        throw err;
      }
      const stamp = backupStamp((options.now ?? (() => new Date()))());
      backupPath = `${target}.bak-${stamp}`;
      for (let n = 1; await exists(backupPath); n++) backupPath = `${target}.bak-${stamp}-${n}`;
      // link + rename keeps a name on the old bytes at every instant.
      await fsp.link(target, backupPath);
    }
    await fsp.rename(tmp, target);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  await fsyncDir(dir);
  return { path: target, backupPath };
}

/** Creates a directory (and parents) and makes sure it has exactly `mode`. */
export async function ensureDir(dir: string, mode = 0o700): Promise<void> {
  await fsp.mkdir(dir, { recursive: true, mode });
  await fsp.chmod(dir, mode);
}
