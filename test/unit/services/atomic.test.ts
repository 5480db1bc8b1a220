import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { backupStamp, writeFileAtomic } from '../../../electron/services/fs/atomic';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'osg-atomic-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('writes with the exact mode whatever the umask', async () => {
    const old = process.umask(0o000);
    try {
      await writeFileAtomic(path.join(dir, 'userkey.pem'), 'k', { mode: 0o400 });
    } finally {
      process.umask(old);
    }
    expect(statSync(path.join(dir, 'userkey.pem')).mode & 0o777).toBe(0o400);
  });

  it('keeps the old file as .bak-<UTC stamp> in backup mode, byte for byte', async () => {
    const target = path.join(dir, 'usercert.pem');
    writeFileSync(target, 'first');
    const now = () => new Date('2026-11-24T15:30:01.123Z');
    const r = await writeFileAtomic(target, 'second', { mode: 0o644, existing: 'backup', now });
    expect(r.backupPath).toBe(`${target}.bak-20261124T153001Z`);
    expect(readFileSync(r.backupPath!, 'utf8')).toBe('first');
    expect(readFileSync(target, 'utf8')).toBe('second');
    const r2 = await writeFileAtomic(target, 'third', { existing: 'backup', now });
    expect(r2.backupPath).toBe(`${target}.bak-20261124T153001Z-1`);
    expect(readFileSync(r2.backupPath!, 'utf8')).toBe('second');
  });

  it('leaves the old file intact when it crashes before the rename', async () => {
    const target = path.join(dir, 'usercred.p12');
    writeFileSync(target, 'old');
    await expect(
      writeFileAtomic(target, 'new', { beforeRename: () => { throw new Error('simulated crash'); } }),
    ).rejects.toThrow('simulated crash');
    expect(readFileSync(target, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['usercred.p12']);
  });

  it('refuses in fail mode', async () => {
    const target = path.join(dir, 'x');
    writeFileSync(target, 'old');
    await expect(writeFileAtomic(target, 'new', { existing: 'fail' })).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(target, 'utf8')).toBe('old');
  });

  it('formats stamps sortably', () => {
    expect(backupStamp(new Date('2026-01-02T03:04:05.000Z'))).toBe('20260102T030405Z');
  });
});
