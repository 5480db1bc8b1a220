/**
 * The round trip to the window while an upload runs: the transfer service's callbacks
 * (`confirmHostKey`, `promptKeyboard`) become a question pushed as an `uploadQuestion` event,
 * and wait until the window answers through `uploadAnswer` — or the question times out, or the
 * upload is cancelled. One question at a time per upload (SSH asks one thing at a time).
 */
import { randomBytes } from 'node:crypto';
import { OnboardError } from '../../../shared/errors';
import type { UploadQuestionView } from '../../../shared/contract/upload';

export type QuestionBody = Omit<UploadQuestionView, 'uploadId' | 'questionId' | 'expiresAt'>;

export type QuestionAnswer = { readonly accept?: boolean; readonly answers?: readonly string[] };

interface Pending {
  readonly view: UploadQuestionView;
  readonly resolve: (a: QuestionAnswer) => void;
  readonly reject: (e: OnboardError) => void;
}

export interface PendingQuestionsOptions {
  /** How long the services wait for an answer (unless `ask` says otherwise). */
  readonly timeoutMs: number;
  /** Pushes the question to the window (`open: true`) or withdraws it (`open: false`). */
  readonly emit: (view: UploadQuestionView, open: boolean) => void;
  readonly now?: () => Date;
}

export class PendingQuestions {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly opts: PendingQuestionsOptions) {}

  /** The question an upload waits on, if any. */
  current(uploadId: string): UploadQuestionView | null {
    return this.pending.get(uploadId)?.view ?? null;
  }

  /**
   * Asks and waits. Rejects with UPLOAD_QUESTION_TIMEOUT after the timeout and with CANCELLED
   * when `signal` aborts. A new question for the same upload withdraws an older one (cancelled).
   */
  ask(uploadId: string, body: QuestionBody, signal?: AbortSignal, timeoutMs = this.opts.timeoutMs): Promise<QuestionAnswer> {
    if (signal?.aborted) return Promise.reject(new OnboardError('CANCELLED'));
    this.withdraw(uploadId, new OnboardError('CANCELLED'));
    const now = (this.opts.now ?? (() => new Date()))();
    const view: UploadQuestionView = {
      ...body,
      uploadId,
      questionId: randomBytes(9).toString('base64url'),
      expiresAt: new Date(now.getTime() + timeoutMs).toISOString(),
    };
    return new Promise<QuestionAnswer>((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (this.pending.get(uploadId)?.view.questionId === view.questionId) this.pending.delete(uploadId);
        this.opts.emit(view, false);
      };
      const onAbort = () => {
        finish();
        reject(new OnboardError('CANCELLED'));
      };
      const timer = setTimeout(() => {
        finish();
        reject(new OnboardError('UPLOAD_QUESTION_TIMEOUT', { wait: waitText(timeoutMs) }));
      }, timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(uploadId, {
        view,
        resolve: (a) => {
          finish();
          resolve(a);
        },
        reject: (e) => {
          finish();
          reject(e);
        },
      });
      this.opts.emit(view, true);
    });
  }

  /** The window's answer; checked against the question's kind and its prompts. */
  answer(uploadId: string, questionId: string, answer: QuestionAnswer): void {
    const p = this.pending.get(uploadId);
    if (!p || p.view.questionId !== questionId) throw new OnboardError('UPLOAD_NO_QUESTION');
    if (p.view.kind === 'host-key') {
      if (typeof answer.accept !== 'boolean' || answer.answers !== undefined) {
        throw new OnboardError('INVALID_INPUT', { field: 'accept', detail: 'a host-key question is answered with accept: true or false' });
      }
    } else {
      const n = p.view.prompts?.length ?? 0;
      if (!answer.answers || answer.accept !== undefined || answer.answers.length !== n) {
        throw new OnboardError('INVALID_INPUT', { field: 'answers', detail: `this question has ${n} prompt(s): give one answer for each` });
      }
    }
    p.resolve(answer);
  }

  /** Drops the upload's question, failing its wait with `error`. */
  withdraw(uploadId: string, error: OnboardError): void {
    this.pending.get(uploadId)?.reject(error);
  }
}

/** `5 minutes`, `100 seconds`. */
export function waitText(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  if (s >= 120 && s % 60 === 0) return `${s / 60} minutes`;
  return s === 1 ? '1 second' : `${s} seconds`;
}
