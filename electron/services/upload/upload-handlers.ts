/**
 * The Upload step's procedures (shared/contract/upload.ts) over UploadStep. `uploadStart`
 * answers when the upload is over; meanwhile the window sees `progress` events
 * (`upload`, `upload:<file>`) and `uploadQuestion` events, answered with `uploadAnswer`.
 */
import path from 'node:path';
import type { Handlers } from '../dispatch';
import type { EventName, EventPayload, VoChoice } from '../../../shared/contract';
import { sandboxSubmitHostDir } from '../../sandbox/submit-host/state';
import type { Journal } from '../journal/journal';
import type { KeyProtection } from '../request/key-protection';
import { createTransferService } from '../transfer';
import { UploadStep, type SandboxSubmitHostLike } from './upload-step';

export { UploadStep, type UploadStepDeps, type SandboxSubmitHostLike } from './upload-step';
export { PendingQuestions, waitText } from './questions';

export interface UploadHandlersDeps {
  readonly journal: Journal;
  readonly currentVo: () => Promise<VoChoice | null>;
  readonly sandbox: { submitHost(): Promise<SandboxSubmitHostLike> } | null;
  readonly dataDir: string;
  readonly homeDir: string;
  readonly environment: 'sandbox' | 'production';
  readonly env?: NodeJS.ProcessEnv;
  readonly now: () => Date;
  readonly emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
  /** The keychain (where the Back up step remembers the .p12 password); absent: never read. */
  readonly keys?: Pick<KeyProtection, 'keychainStatus'>;
}

/** The step over the app's transfer service (known_hosts in the data folder, ~/.ssh read). */
export function createUploadStep(deps: UploadHandlersDeps): UploadStep {
  const env = deps.env ?? process.env;
  return new UploadStep({
    journal: deps.journal,
    currentVo: deps.currentVo,
    transfer: createTransferService({ dataDir: deps.dataDir, homeDir: deps.homeDir, env, now: deps.now }),
    sandboxHost: deps.sandbox ? () => deps.sandbox!.submitHost() : null,
    sandboxAccountFile: path.join(sandboxSubmitHostDir(deps.dataDir), 'account.json'),
    environment: deps.environment,
    homeDir: deps.homeDir,
    env,
    now: deps.now,
    emitProgress: (task, fraction, label) => deps.emit('progress', { task, fraction, label }),
    keychain: deps.keys ? async () => {
      const k = await deps.keys!.keychainStatus();
      return k.available && k.store ? k.store : null;
    } : undefined,
    emitQuestion: (q, open) => deps.emit('uploadQuestion', { ...q, open, otherKnownTypes: q.otherKnownTypes ? [...q.otherKnownTypes] : undefined, prompts: q.prompts?.map((p) => ({ ...p })) }),
  });
}

export function uploadHandlers(step: UploadStep): Pick<Handlers, 'uploadDefaults' | 'uploadStart' | 'uploadAnswer' | 'uploadCancel' | 'uploadStatus'> {
  return {
    uploadDefaults: async () => step.defaults(),
    uploadStart: async (input) => step.start(input),
    uploadAnswer: async ({ uploadId, questionId, accept, answers }) => step.answer(uploadId, questionId, { accept, answers }),
    uploadCancel: async ({ uploadId }) => step.cancel(uploadId),
    uploadStatus: async () => step.status(),
  };
}
