/**
 * The Upload step (seed 000, "Transferring the Certificate to the Submit Host") over the
 * transfer service: the three `~/.globus` files made from the user's usercred.p12, sent over
 * SFTP with per-file progress, the host's questions answered from the window, Cancel, and the
 * result kept in the journal.
 *
 * Host keys: an unknown host is never kept waiting in the middle of an SSH handshake while the
 * user reads a fingerprint (servers drop logins that take too long — OpenSSH's LoginGraceTime —
 * and ssh2 counts it as handshake time). The first connection only learns the key and closes
 * (nothing is sent); the user is asked with no connection open; a yes reconnects, trusting
 * exactly that key (a different one is refused) and the service saves it in the app's
 * known_hosts. One-time codes must be asked inside the handshake: they get a shorter wait.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { OnboardError, isOnboardError, toWireError, type WireError } from '../../../shared/errors';
import type { UploadDefaults, UploadQuestionView, UploadHostChoice, UploadRunningView, UploadSandboxView, UploadStatusView, UploadView } from '../../../shared/contract/upload';
import type { ParsedInputOf, Procedures } from '../../../shared/contract';
import type { VoChoice } from '../../../shared/contract/vo';
import type { Journal, JournalData } from '../journal/journal';
import { keyTypeLabel, parsePrivateKey, type HostKeyQuestion, type SshAuth, type TransferService, type UploadResult } from '../transfer';
import { PendingQuestions } from './questions';
import { UploadProgressTracker, uploadView } from './upload-progress';
import { agentSocket, findSshKeys, globusFilesFromP12, keyPassphraseFor, p12Default, readP12, readSshKeyFile, resolveUserPath } from './upload-inputs';
import { RememberedP12Passwords } from './remembered-p12';
import type { SecretStore } from '../keychain/secret-store';

/** What the step needs of the sandbox submit host (electron/sandbox/submit-host). */
export interface SandboxSubmitHostLike {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly homeDir: string;
  readonly hostKey: { readonly keyType: string; readonly fingerprint: string };
}

export interface UploadStepDeps {
  readonly journal: Journal;
  readonly currentVo: () => Promise<VoChoice | null>;
  readonly transfer: TransferService;
  /** The sandbox submit host (sandbox environment), started on first use; null in production. */
  readonly sandboxHost: (() => Promise<SandboxSubmitHostLike>) | null;
  /** Where the sandbox account's password is kept (shown to the user, never sent to the window). */
  readonly sandboxAccountFile?: string;
  readonly environment: 'sandbox' | 'production';
  readonly homeDir: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly now: () => Date;
  readonly emitProgress: (task: string, fraction: number | null, label: string) => void;
  readonly emitQuestion: (q: UploadQuestionView, open: boolean) => void;
  /** The OS keychain when it answers (the Back up step's remembered .p12 password), else null. */
  readonly keychain?: () => Promise<SecretStore | null>;
  /** How long a host-key question waits (no connection is open meanwhile). Default 5 min. */
  readonly hostKeyTimeoutMs?: number;
  /** How long a one-time-code prompt waits (inside the SSH handshake). Default 100 s. */
  readonly keyboardTimeoutMs?: number;
}

type StartInput = ParsedInputOf<Procedures['uploadStart']>;

interface Running {
  readonly uploadId: string;
  readonly startedAt: string;
  readonly target: { host: string; port: number; username: string };
  readonly controller: AbortController;
  tracker?: UploadProgressTracker;
}

interface UploadSection {
  readonly last?: UploadView;
  readonly history?: readonly { at: string; host: string; port: number; username: string; files: string }[];
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** The stepper's one line after a failed attempt. */
const FAILED_SUMMARY: Partial<Record<string, string>> = {
  TRANSFER_DNS_FAILED: 'host name not found',
  TRANSFER_HOST_UNREACHABLE: 'host unreachable',
  TRANSFER_NOT_SSH: 'not an SSH server',
  TRANSFER_HOST_KEY_REJECTED: 'host key not trusted',
  TRANSFER_HOST_KEY_CHANGED: 'host key changed!',
  TRANSFER_HOST_KEY_REVOKED: 'host key revoked',
  TRANSFER_AUTH_FAILED: 'login refused',
  TRANSFER_PERMISSION_DENIED: 'permission denied',
  TRANSFER_DISK_FULL: 'disk full on the host',
  TRANSFER_CONNECTION_DROPPED: 'connection dropped',
  UPLOAD_QUESTION_TIMEOUT: 'no answer in time',
  P12_WRONG_PASSWORD: 'wrong .p12 password',
  UPLOAD_P12_PASSWORD_REQUIRED: '.p12 password needed',
  UPLOAD_P12_PASSWORD_STALE: 'remembered .p12 password no longer fits',
};

export class UploadStep {
  private running: Running | null = null;
  private lastError: WireError | null = null;
  readonly questions: PendingQuestions;
  private readonly hostKeyTimeoutMs: number;
  private readonly keyboardTimeoutMs: number;
  /** The files made from the last p12 (userkey.pem already encrypted), keyed by an HMAC of the inputs. */
  private built: ({ key: string } & Awaited<ReturnType<typeof globusFilesFromP12>>) | null = null;
  private readonly cacheSecret = randomBytes(32);
  private readonly rememberedP12: RememberedP12Passwords;

  constructor(private readonly d: UploadStepDeps) {
    this.hostKeyTimeoutMs = d.hostKeyTimeoutMs ?? 5 * 60_000;
    this.keyboardTimeoutMs = d.keyboardTimeoutMs ?? 100_000;
    this.rememberedP12 = new RememberedP12Passwords({ journal: () => d.journal.read(), keychain: d.keychain ?? (async () => null) });
    this.questions = new PendingQuestions({ timeoutMs: this.hostKeyTimeoutMs, emit: d.emitQuestion, now: d.now });
  }

  private async section(): Promise<UploadSection> {
    const s = ((await this.d.journal.read()) as Record<string, unknown>).upload;
    return s && typeof s === 'object' ? (s as UploadSection) : {};
  }

  private async last(): Promise<UploadView | null> {
    const last = (await this.section()).last;
    return last && typeof last.uploadId === 'string' && Array.isArray(last.files) ? last : null;
  }

  private runningView(): UploadRunningView | null {
    const r = this.running;
    if (!r) return null;
    return {
      uploadId: r.uploadId,
      startedAt: r.startedAt,
      ...r.target,
      phase: r.tracker?.phase ?? 'opening',
      files: r.tracker?.snapshot() ?? [],
      question: this.questions.current(r.uploadId),
    };
  }

  private isSandboxTarget(t: { host: string; port: number }, sb: SandboxSubmitHostLike | null): boolean {
    return !!sb && LOOPBACK.has(t.host.toLowerCase()) && t.port === sb.port;
  }

  private async sandbox(): Promise<SandboxSubmitHostLike | null> {
    return this.d.sandboxHost ? this.d.sandboxHost() : null;
  }

  async defaults(): Promise<UploadDefaults> {
    const choice = await this.d.currentVo().catch(() => null);
    let sb: SandboxSubmitHostLike | null = null;
    let sandboxError: WireError | undefined;
    if (this.d.sandboxHost) {
      try {
        sb = await this.d.sandboxHost();
      } catch (e) {
        sandboxError = toWireError(e);
      }
    }
    const sandboxView: UploadSandboxView | null = sb && {
      host: sb.host,
      port: sb.port,
      username: sb.username,
      hostKey: { keyType: sb.hostKey.keyType, keyTypeLabel: keyTypeLabel(sb.hostKey.keyType), fingerprint: sb.hostKey.fingerprint },
      homeDir: sb.homeDir,
      accountFile: this.d.sandboxAccountFile ?? '',
    };
    const hosts: UploadHostChoice[] = [];
    if (sb) hosts.push({ host: sb.host, port: sb.port, source: 'sandbox', note: 'The practice submit host of the sandbox, on this computer.' });
    for (const h of choice?.vo.submitHosts ?? []) hosts.push({ host: h.host, port: h.port, note: h.note, source: 'vo' });

    const last = await this.last();
    let target: UploadDefaults['target'] = null;
    if (last && !last.sandbox) target = { host: last.host, port: last.port, username: last.username };
    else if (sb && (last?.sandbox || choice?.vo.sandbox || !choice || choice.vo.submitHosts.length === 0)) target = { host: sb.host, port: sb.port, username: sb.username };
    else if (choice && choice.vo.submitHosts.length > 0) target = { host: choice.vo.submitHosts[0].host, port: choice.vo.submitHosts[0].port, username: '' };

    const sock = await agentSocket(this.d.env ?? process.env);
    const p12 = await p12Default(await this.d.journal.read(), this.d.homeDir);
    return {
      environment: this.d.environment,
      vo: choice?.vo.name ?? null,
      hosts,
      target,
      sandbox: sandboxView,
      ...(sandboxError ? { sandboxError } : {}),
      p12,
      ...(await this.rememberedP12.view(p12?.exists ? p12.path : undefined)),
      homeDir: this.d.homeDir,
      sshKeys: await findSshKeys(this.d.homeDir),
      agent: sock ? { available: true, socket: sock } : { available: false },
      questionTimeoutSeconds: Math.round(this.hostKeyTimeoutMs / 1000),
      running: this.runningView(),
      last,
    };
  }

  async status(): Promise<UploadStatusView> {
    return { running: this.runningView(), last: await this.last(), lastError: this.lastError };
  }

  answer(uploadId: string, questionId: string, answer: { accept?: boolean; answers?: readonly string[] }): { answered: true } {
    this.questions.answer(uploadId, questionId, answer);
    return { answered: true };
  }

  cancel(uploadId: string): { cancelled: boolean } {
    const r = this.running;
    if (!r || r.uploadId !== uploadId || r.controller.signal.aborted) return { cancelled: false };
    r.controller.abort();
    return { cancelled: true };
  }

  async start(input: StartInput): Promise<UploadView> {
    if (this.running) throw new OnboardError('UPLOAD_BUSY', { host: this.running.target.host });
    const target = { host: input.target.host, port: input.target.port, username: input.target.username };
    const run: Running = { uploadId: input.uploadId, startedAt: this.d.now().toISOString(), target, controller: new AbortController() };
    this.running = run;
    let before: JournalData['steps'][string] | undefined;
    try {
      await this.d.journal.update((j) => {
        before = j.steps.upload;
        this.d.journal.setStep(j, 'upload', 'in-progress', `${target.username}@${target.host}`);
      });
      const view = await this.upload(input, run);
      this.lastError = null;
      await this.d.journal.update((j) => {
        const rec = j as Record<string, unknown>;
        const prev = (rec.upload as UploadSection | undefined)?.history ?? [];
        const files = view.files.map((f) => `${f.name} ${f.status}${f.backupPath ? ` (old kept as ${f.backupPath})` : ''}`).join('; ');
        rec.upload = { last: view, history: [...prev, { at: view.finishedAt, host: view.host, port: view.port, username: view.username, files }].slice(-20) };
        this.d.journal.record(j, 'upload', 'uploaded', `${view.username}@${view.host}:${view.port} ${view.directory}: ${files}`);
        this.d.journal.setStep(j, 'upload', 'done', `${view.username}@${view.host}`);
      });
      return view;
    } catch (e) {
      const err = isOnboardError(e) ? e : new OnboardError('INTERNAL', { detail: (e as Error)?.message ?? String(e) }, { cause: e });
      this.lastError = err.toWire();
      await this.d.journal
        .update((j) => {
          if (err.code === 'CANCELLED') {
            this.d.journal.record(j, 'upload', 'cancelled');
            // Cancelling is no failure: the step shows what it showed before this attempt.
            if (j.steps.upload?.status === 'in-progress') {
              if (before) j.steps.upload = before;
              else delete j.steps.upload;
            }
          } else {
            this.d.journal.setStep(j, 'upload', 'failed', FAILED_SUMMARY[err.code] ?? 'not uploaded');
          }
        })
        .catch(() => {});
      throw err;
    } finally {
      this.questions.withdraw(run.uploadId, new OnboardError('CANCELLED'));
      this.running = null;
    }
  }

  private async authFor(input: StartInput, sb: SandboxSubmitHostLike | null): Promise<SshAuth> {
    const a = input.auth;
    switch (a.method) {
      case 'sandbox-account': {
        if (!sb) throw new OnboardError('UPLOAD_SANDBOX_ONLY', { sandbox: 'none in this mode', host: input.target.host });
        if (!this.isSandboxTarget(input.target, sb)) throw new OnboardError('UPLOAD_SANDBOX_ONLY', { sandbox: `${sb.host} port ${sb.port}`, host: `${input.target.host} port ${input.target.port}` });
        if (input.target.username !== sb.username) throw new OnboardError('INVALID_INPUT', { field: 'user', detail: `the sandbox account is “${sb.username}”` });
        return { method: 'password', password: sb.password };
      }
      case 'password':
        return { method: 'password', password: a.password };
      case 'keyboard-interactive':
        return { method: 'keyboard-interactive' };
      case 'agent':
        return { method: 'agent' };
      case 'key': {
        const file = resolveUserPath(a.keyFile, this.d.homeDir);
        const privateKey = await readSshKeyFile(file);
        // Told now (before any connection) when the passphrase is missing or wrong.
        parsePrivateKey(privateKey, a.passphrase || undefined, file);
        return { method: 'key', privateKey, passphrase: a.passphrase || undefined, keyFile: file };
      }
    }
  }

  private async upload(input: StartInput, run: Running): Promise<UploadView> {
    const signal = run.controller.signal;
    const sb = await this.sandbox().catch((e) => {
      if (input.auth.method === 'sandbox-account') throw e;
      return null;
    });
    const auth = await this.authFor(input, sb);
    const isSandbox = this.isSandboxTarget(input.target, sb);

    const p12Path = resolveUserPath(input.credential.p12Path, this.d.homeDir);
    // Told before reading anything: a typed userkey.pem passphrase that does not match.
    if (input.credential.keyPassphrase) keyPassphraseFor({ ...input.credential, password: '' });
    const tracker = new UploadProgressTracker(this.d.emitProgress, input.target);
    run.tracker = tracker;
    tracker.overall('opening', `Opening ${p12Path} and making usercert.pem and userkey.pem…`);
    const p12 = await readP12(p12Path);
    const password = await this.rememberedP12.passwordFor(input.credential.password, p12Path, p12);
    const key = keyPassphraseFor({ ...input.credential, password });
    // The same p12 and passwords give the same bytes as last time (userkey.pem's encryption is
    // salted): so a retry after a dropped connection finds its checked temp files and skips them.
    const cacheKey = createHmac('sha256', this.cacheSecret).update(p12).update('\0').update(password).update('\0').update(key.passphrase).digest('hex');
    const made = this.built?.key === cacheKey ? this.built : { key: cacheKey, ...(await globusFilesFromP12(p12, password, key.passphrase, p12Path, this.d.now)) };
    this.built = made;
    const { files, built } = made;
    if (signal.aborted) throw new OnboardError('CANCELLED');
    tracker.begin(files.map((f) => ({ name: f.name, size: f.data.length })));

    const ask = (body: Parameters<PendingQuestions['ask']>[1], timeoutMs: number) => this.questions.ask(run.uploadId, body, signal, timeoutMs);
    const attempt = (confirmHostKey: (q: HostKeyQuestion) => Promise<boolean>): Promise<UploadResult> =>
      this.d.transfer.upload({
        target: input.target,
        auth,
        files,
        confirmHostKey,
        promptKeyboard: async (req) => {
          const a = await ask({ kind: 'keyboard', host: input.target.host, port: input.target.port, name: req.name, instructions: req.instructions, prompts: req.prompts }, this.keyboardTimeoutMs);
          return a.answers ?? [];
        },
        onProgress: (p) => tracker.on(p),
        signal,
        handshakeTimeoutMs: this.keyboardTimeoutMs + 20_000,
      });

    let unknown: HostKeyQuestion | undefined;
    let accepted = false;
    let result: UploadResult;
    try {
      result = await attempt(async (q) => ((unknown = q), false));
    } catch (e) {
      if (!(unknown && isOnboardError(e) && e.code === 'TRANSFER_HOST_KEY_REJECTED')) throw e;
      const q: HostKeyQuestion = unknown;
      tracker.overall('connecting', `Waiting for you to check the host key of ${q.host} (nothing has been sent)…`);
      const answer = await ask(
        {
          kind: 'host-key',
          host: q.host,
          port: q.port,
          keyType: q.keyType,
          keyTypeLabel: keyTypeLabel(q.keyType),
          fingerprint: q.fingerprint,
          otherKnownTypes: q.otherKnownTypes.map(keyTypeLabel),
          ...(isSandbox && sb ? { sandboxFingerprint: sb.hostKey.fingerprint } : {}),
        },
        this.hostKeyTimeoutMs,
      );
      if (!answer.accept) throw new OnboardError('TRANSFER_HOST_KEY_REJECTED', { host: q.host, port: q.port, keyType: q.keyType, fingerprint: q.fingerprint });
      accepted = true;
      // Exactly the key the user saw; any other is refused (and reported as not accepted).
      result = await attempt(async (again) => again.fingerprint === q.fingerprint && again.keyType === q.keyType);
    }
    return uploadView(result, {
      uploadId: run.uploadId,
      sandbox: isSandbox,
      accepted,
      p12Path,
      ownKeyPassphrase: key.own,
      warnings: built.warnings,
      finishedAt: this.d.now().toISOString(),
    });
  }
}
