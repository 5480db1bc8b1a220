import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDispatcher, onDispatchError, type Handlers } from '../../../electron/services/dispatch';
import { ErrorLog, REDACTED } from '../../../electron/services/support';
import { OnboardError, type WireError } from '../../../shared/errors';

const PASSWORD = 'Typed-In-Password-31337';

function handlersThatFail(thrown: unknown): Handlers {
  return { backupWrite: async () => { throw thrown; } } as unknown as Handlers;
}

describe('the dispatcher’s error hook', () => {
  it('is told the procedure, the wire error and what was thrown — never the input', async () => {
    const seen: unknown[][] = [];
    const handlers = handlersThatFail(new OnboardError('BACKUP_NO_CERTIFICATE'));
    onDispatchError(handlers, async (...args) => void seen.push(args));
    const r = await createDispatcher(handlers)('backupWrite', { path: '~/x.p12', password: PASSWORD, confirm: PASSWORD });
    expect(r).toMatchObject({ ok: false, error: { code: 'BACKUP_NO_CERTIFICATE' } });
    expect(seen).toHaveLength(1);
    expect(seen[0][0]).toBe('backupWrite');
    expect((seen[0][1] as WireError).code).toBe('BACKUP_NO_CERTIFICATE');
    expect(seen[0][2]).toBeInstanceOf(OnboardError);
    expect(JSON.stringify(seen)).not.toContain(PASSWORD);
    // Invalid input and unknown procedures are reported too (the input still is not).
    await createDispatcher(handlers)('backupWrite', { password: PASSWORD });
    await createDispatcher(handlers)('noSuchProcedure', { password: PASSWORD });
    expect(seen.map((s) => (s[1] as WireError).code)).toEqual(['BACKUP_NO_CERTIFICATE', 'INVALID_INPUT', 'UNKNOWN_PROCEDURE']);
    expect(JSON.stringify(seen.map((s) => s.slice(0, 2)))).not.toContain(PASSWORD);
  });

  it('a failing hook never hides the real error from the caller', async () => {
    const handlers = handlersThatFail(new Error('disk on fire'));
    onDispatchError(handlers, async () => { throw new Error('log unwritable'); });
    const r = await createDispatcher(handlers)('backupWrite', { path: 'x.p12', password: 'p', confirm: 'p' });
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: expect.stringContaining('disk on fire') } });
  });

  it('the error log keeps the stack (with causes) and drops secret-named details', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'osg-hook-'));
    try {
      const log = new ErrorLog(dir);
      const cause = new Error('EACCES: permission denied');
      const thrown = new OnboardError('IO_ERROR', { action: 'write', path: '/x', detail: 'denied' }, { cause });
      await log.hook('backupWrite', { ...thrown.toWire(), details: { ...thrown.details, nssPassword: 'Nss-Pw-123456' } }, thrown);
      const [e] = await log.read();
      expect(e).toMatchObject({ procedure: 'backupWrite', code: 'IO_ERROR', details: { nssPassword: REDACTED, path: '/x' } });
      expect(e.stack).toMatch(/OnboardError[\s\S]*Caused by: Error: EACCES/);
      expect(readFileSync(log.file, 'utf8')).not.toContain('Nss-Pw-123456');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
