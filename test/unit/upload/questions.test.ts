import { describe, expect, it } from 'vitest';
import { PendingQuestions, waitText } from '../../../electron/services/upload/questions';
import type { UploadQuestionView } from '../../../shared/contract/upload';
import { OnboardError } from '../../../shared/errors';

const hostKey = { kind: 'host-key' as const, host: 'login.example.org', port: 22, keyType: 'ssh-ed25519', keyTypeLabel: 'ED25519', fingerprint: 'SHA256:abc' };
const keyboard = { kind: 'keyboard' as const, host: 'login.example.org', port: 22, name: 'Duo', instructions: 'Type the code', prompts: [{ prompt: 'Code: ', echo: true }, { prompt: 'PIN: ', echo: false }] };

function setup(timeoutMs = 60_000) {
  const events: { view: UploadQuestionView; open: boolean }[] = [];
  const q = new PendingQuestions({ timeoutMs, emit: (view, open) => events.push({ view, open }), now: () => new Date('2026-11-24T12:00:00Z') });
  return { q, events };
}

async function rejection(p: Promise<unknown>): Promise<OnboardError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(OnboardError);
  return e as OnboardError;
}

describe('pending upload questions', () => {
  it('pushes the question, waits for the answer, then withdraws it', async () => {
    const { q, events } = setup();
    const p = q.ask('up-12345678', hostKey);
    expect(events).toHaveLength(1);
    const view = events[0].view;
    expect(events[0].open).toBe(true);
    expect(view).toMatchObject({ ...hostKey, uploadId: 'up-12345678', expiresAt: '2026-11-24T12:01:00.000Z' });
    expect(view.questionId).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(q.current('up-12345678')).toEqual(view);
    q.answer('up-12345678', view.questionId, { accept: true });
    await expect(p).resolves.toEqual({ accept: true });
    expect(events[1]).toEqual({ view, open: false });
    expect(q.current('up-12345678')).toBeNull();
    // Answered once: a second answer finds nothing to answer.
    expect(() => q.answer('up-12345678', view.questionId, { accept: false })).toThrow(expect.objectContaining({ code: 'UPLOAD_NO_QUESTION' }));
  });

  it('refuses answers to another upload, a stale question id, or of the wrong shape', async () => {
    const { q, events } = setup();
    const p = q.ask('up-aaaaaaaa', keyboard);
    const id = events[0].view.questionId;
    expect(() => q.answer('up-bbbbbbbb', id, { answers: ['1', '2'] })).toThrow(expect.objectContaining({ code: 'UPLOAD_NO_QUESTION' }));
    expect(() => q.answer('up-aaaaaaaa', 'not-this-one', { answers: ['1', '2'] })).toThrow(expect.objectContaining({ code: 'UPLOAD_NO_QUESTION' }));
    expect(() => q.answer('up-aaaaaaaa', id, { accept: true })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => q.answer('up-aaaaaaaa', id, { answers: ['only one'] })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('2 prompt(s)') }));
    // Still waiting after the refusals.
    expect(q.current('up-aaaaaaaa')?.questionId).toBe(id);
    q.answer('up-aaaaaaaa', id, { answers: ['123456', '0000'] });
    await expect(p).resolves.toEqual({ answers: ['123456', '0000'] });

    const p2 = q.ask('up-aaaaaaaa', hostKey);
    const id2 = events.at(-1)!.view.questionId;
    expect(() => q.answer('up-aaaaaaaa', id2, { answers: [] })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('accept') }));
    q.answer('up-aaaaaaaa', id2, { accept: false });
    await expect(p2).resolves.toEqual({ accept: false });
  });

  it('times out with UPLOAD_QUESTION_TIMEOUT and withdraws the question', async () => {
    const { q, events } = setup(40);
    const e = await rejection(q.ask('up-timeout1', hostKey));
    expect(e.code).toBe('UPLOAD_QUESTION_TIMEOUT');
    expect(e.message).toContain('within 1 second');
    expect(events.map((x) => x.open)).toEqual([true, false]);
    expect(q.current('up-timeout1')).toBeNull();
    expect(() => q.answer('up-timeout1', events[0].view.questionId, { accept: true })).toThrow(expect.objectContaining({ code: 'UPLOAD_NO_QUESTION' }));
    // A per-question wait overrides the default.
    const started = q.ask('up-timeout2', keyboard, undefined, 30);
    expect((await rejection(started)).code).toBe('UPLOAD_QUESTION_TIMEOUT');
  });

  it('cancel (abort signal) rejects the wait with CANCELLED; an aborted signal asks nothing', async () => {
    const { q, events } = setup();
    const c = new AbortController();
    const p = q.ask('up-cancel01', hostKey, c.signal);
    c.abort();
    expect((await rejection(p)).code).toBe('CANCELLED');
    expect(events.map((x) => x.open)).toEqual([true, false]);
    expect(q.current('up-cancel01')).toBeNull();
    const before = events.length;
    expect((await rejection(q.ask('up-cancel01', hostKey, c.signal))).code).toBe('CANCELLED');
    expect(events).toHaveLength(before);
  });

  it('withdraw fails the wait with the given error; a new question replaces an older one', async () => {
    const { q, events } = setup();
    const first = q.ask('up-replace1', hostKey);
    const second = q.ask('up-replace1', keyboard);
    expect((await rejection(first)).code).toBe('CANCELLED');
    expect(q.current('up-replace1')?.kind).toBe('keyboard');
    q.withdraw('up-replace1', new OnboardError('TRANSFER_CONNECTION_DROPPED', { host: 'h', action: 'x' }));
    expect((await rejection(second)).code).toBe('TRANSFER_CONNECTION_DROPPED');
    expect(events.filter((x) => !x.open)).toHaveLength(2);
    q.withdraw('nothing-pending', new OnboardError('CANCELLED')); // no question: nothing happens
  });

  it('words the wait', () => {
    expect(waitText(300_000)).toBe('5 minutes');
    expect(waitText(100_000)).toBe('100 seconds');
    expect(waitText(10)).toBe('1 second');
  });
});
