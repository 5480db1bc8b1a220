import { promises as fsp, constants as C } from 'node:fs';
import { OnboardError } from '../../../shared/errors';

/**
 * A lock file shared by the app's sandbox services and the CLI (`osg-onboard sandbox …`), so
 * the durable sandbox state is read-modified-written by one process at a time. The file holds
 * the owner's pid; a lock left by a dead process is taken over.
 */
export interface FileLockOptions {
  /** Words for the error when the lock stays taken (“VO registration state”). */
  readonly what: string;
  /** How long to wait for another process (bounded). */
  readonly waitMs?: number;
}

const inProcess = new Map<string, Promise<unknown>>();

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function acquire(lockPath: string, opts: FileLockOptions): Promise<void> {
  const deadline = Date.now() + (opts.waitMs ?? 5000);
  for (let attempt = 0; ; attempt++) {
    try {
      const fh = await fsp.open(lockPath, C.O_WRONLY | C.O_CREAT | C.O_EXCL, 0o600);
      await fh.writeFile(String(process.pid));
      await fh.close();
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = Number((await fsp.readFile(lockPath, 'utf8').catch(() => '')).trim());
    if (owner && owner !== process.pid && !alive(owner)) {
      // Stale: its process is gone. Remove it only if it is still the same owner.
      const again = Number((await fsp.readFile(lockPath, 'utf8').catch(() => '')).trim());
      if (again === owner) await fsp.rm(lockPath, { force: true });
      continue;
    }
    if (!owner) {
      // Created but never written (its process died at that instant): stale after a moment.
      const st = await fsp.stat(lockPath).catch(() => undefined);
      if (st && Date.now() - st.mtimeMs > 2000) {
        await fsp.rm(lockPath, { force: true });
        continue;
      }
    }
    if (Date.now() > deadline) {
      throw new OnboardError('REGISTRATION_SANDBOX_BUSY', { what: opts.what, pid: owner || 'unknown', file: lockPath });
    }
    await new Promise((r) => setTimeout(r, Math.min(10 * 2 ** Math.min(attempt, 4), 100)));
  }
}

/** Runs `fn` holding the lock at `lockPath` (in this process and across processes). */
export async function withFileLock<T>(lockPath: string, opts: FileLockOptions, fn: () => Promise<T>): Promise<T> {
  const previous = inProcess.get(lockPath) ?? Promise.resolve();
  const run = previous.catch(() => {}).then(async () => {
    await acquire(lockPath, opts);
    try {
      return await fn();
    } finally {
      await fsp.rm(lockPath, { force: true });
    }
  });
  const tail = run.catch(() => {});
  inProcess.set(lockPath, tail);
  void tail.then(() => {
    if (inProcess.get(lockPath) === tail) inProcess.delete(lockPath);
  });
  return run;
}
