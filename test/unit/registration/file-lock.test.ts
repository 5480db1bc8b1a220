import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { withFileLock } from '../../../electron/sandbox/mailbox/file-lock';
import { OnboardError } from '../../../shared/errors';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'osg-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('withFileLock (sandbox state shared by the app and the CLI)', () => {
  it('runs callers one at a time and removes the lock after', async () => {
    const lock = path.join(dir, '.lock');
    const order: string[] = [];
    await Promise.all(
      ['a', 'b', 'c'].map((n) =>
        withFileLock(lock, { what: 'test' }, async () => {
          order.push(`${n}+`);
          await new Promise((r) => setTimeout(r, 5));
          order.push(`${n}-`);
        }),
      ),
    );
    expect(order).toEqual(['a+', 'a-', 'b+', 'b-', 'c+', 'c-']);
    expect(existsSync(lock)).toBe(false);
  });

  it('takes over a lock left by a process that is gone', async () => {
    const lock = path.join(dir, '.lock');
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    writeFileSync(lock, gone);
    expect(await withFileLock(lock, { what: 'test', waitMs: 2000 }, async () => 'ran')).toBe('ran');
  });

  it('takes over an empty lock file once it is old (its writer died while creating it)', async () => {
    const lock = path.join(dir, '.lock');
    writeFileSync(lock, '');
    const old = new Date(Date.now() - 10_000);
    utimesSync(lock, old, old);
    expect(await withFileLock(lock, { what: 'test', waitMs: 2000 }, async () => 'ran')).toBe('ran');
  });

  it('waits a bounded time for a live owner, then says who holds it', async () => {
    const lock = path.join(dir, '.lock');
    writeFileSync(lock, String(process.ppid));
    const e = await withFileLock(lock, { what: 'VO registration state', waitMs: 100 }, async () => 'ran').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OnboardError);
    expect((e as OnboardError).code).toBe('REGISTRATION_SANDBOX_BUSY');
    expect((e as OnboardError).message).toContain(`locked by process ${process.ppid}`);
    expect(existsSync(lock)).toBe(true); // someone else's lock is left alone
  });
});
