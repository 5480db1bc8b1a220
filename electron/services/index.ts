import path from 'node:path';
import os from 'node:os';
import type { Handlers } from './dispatch';
import type { Environment, ServiceContext } from './context';
import { Journal } from './journal/journal';
import { VoService } from './vo/vo-service';
import { voHandlers } from './vo/vo-handlers';
import { KeyProtection } from './request/key-protection';
import { RequestService } from './request/request-service';
import { requestHandlers } from './request/request-handlers';
import { BackupService } from './backup/backup-service';
import { backupHandlers } from './backup/backup-handlers';
import { RegisterService, registerHandlers } from './register';
import { WebRegistrationService, type RegistrationWindowOpener } from './web-registration';
import { NextStepsService, ToolsService, directoryVomsTarget, nextStepsHandlers, sandboxAwareVomsTarget, toolsHandlers } from './next-steps/next-steps-handlers';
import { defaultTrustDir } from './proxy';
import { protectHandlers } from './protect/protect-handlers';
import { KeytarSecretStore } from './keychain/keytar-store';
import { TrustService } from './trust/trust-service';
import { sandboxBundles, trustStepHandlers } from './trust/trust-handlers';
import { stepAvailability } from './app/steps';
import { createUploadStep, uploadHandlers } from './upload/upload-handlers';
import { ErrorLog, SupportService, supportHandlers, isReplayDataDir } from './support';
import { onDispatchError } from './dispatch';
import { Sandbox } from '../sandbox';
import type { EventName, EventPayload } from '../../shared/contract';

export type { ServiceContext, Environment } from './context';
export { createDispatcher, type Handlers, type Dispatcher } from './dispatch';

export { APP_VERSION } from './version';
import { APP_VERSION } from './version';

export interface CreateServicesOptions {
  readonly dataDir?: string;
  readonly homeDir?: string;
  readonly environment?: Environment;
  readonly shell: ServiceContext['shell'];
  readonly voDirectoryFile?: string;
  readonly now?: () => Date;
  readonly emit?: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
  /** The desktop app's folder picker (Back up step); absent in browser mode and the CLI. */
  readonly pickFolder?: (startIn: string) => Promise<string | null>;
  /** The desktop app's VO registration window (Register step, `web` VOs); absent in browser mode and the CLI. */
  readonly openRegistrationWindow?: RegistrationWindowOpener;
}

/** The app's data folder: $OSG_ONBOARD_DATA, else the XDG data home. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.OSG_ONBOARD_DATA) return path.resolve(env.OSG_ONBOARD_DATA);
  const base = env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'osg-onboard');
}

/** Sandbox unless `OSG_ONBOARD_ENV=production` (the sandbox is the embedded default). */
export function defaultEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  return env.OSG_ONBOARD_ENV === 'production' ? 'production' : 'sandbox';
}

export interface Services {
  readonly context: ServiceContext;
  /** The embedded sandbox (sandbox environment only): its servers start on first use. */
  readonly sandbox: Sandbox | null;
  readonly handlers: Handlers;
  readonly journal: Journal;
  readonly vo: VoService;
  readonly request: RequestService;
  readonly backup: BackupService;
  dispose(): Promise<void>;
}

export function createServices(opts: CreateServicesOptions): Services {
  const dataDir = opts.dataDir ?? defaultDataDir();
  const context: ServiceContext = {
    dataDir,
    homeDir: opts.homeDir ?? os.homedir(),
    // A help-desk replay of a user's support bundle never leaves the sandbox.
    environment: isReplayDataDir(dataDir) ? 'sandbox' : opts.environment ?? defaultEnvironment(),
    shell: opts.shell,
    version: APP_VERSION,
    now: opts.now ?? (() => new Date()),
    emit: opts.emit ?? (() => {}),
  };
  const journal = new Journal(context.dataDir, context.now, (at) => context.emit('journalChanged', { at }));
  const sandbox = context.environment === 'sandbox' ? new Sandbox({ dataDir: context.dataDir, now: context.now }) : null;
  const vo = new VoService({ environment: context.environment, journal, directoryFile: opts.voDirectoryFile, now: context.now });
  const keys = new KeyProtection({ dataDir: context.dataDir, journal, now: context.now });
  const request = new RequestService({ context, journal, vo, sandbox, keys, folderPicker: opts.pickFolder !== undefined });
  const backup = new BackupService({
    homeDir: context.homeDir,
    journal,
    keys,
    now: context.now,
    emit: (task, fraction, label) => context.emit('progress', { task, fraction, label }),
    pickFolder: opts.pickFolder,
  });
  // A request that was waiting for its sponsor when the app stopped is polled again (same key).
  if (context.shell !== 'cli') void request.resumeOnStart();
  // The CLI (help-desk, scripts) may change the journal while the app runs: the wizard follows.
  const stopWatchingJournal = context.shell !== 'cli' ? journal.watchOthers() : () => {};
  const register = new RegisterService({ context, journal, vo, sandbox, keys });
  const webRegistration = new WebRegistrationService({ context, journal, vo, credentials: register.credentials, openWindow: opts.openRegistrationWindow });
  const nextSteps = new NextStepsService({
    homeDir: context.homeDir, journal, keys, now: context.now,
    currentVo: async () => (await vo.current())?.vo ?? null,
    emit: (fraction, label) => context.emit('progress', { task: 'proxy', fraction, label }),
    vomsTarget: sandboxAwareVomsTarget(sandbox, directoryVomsTarget(() => defaultTrustDir({ ...process.env, HOME: context.homeDir }, context.homeDir))),
  });
  const tools = new ToolsService({ homeDir: context.homeDir, now: context.now });
  const upload = createUploadStep({
    journal, currentVo: () => vo.current(), sandbox, dataDir: context.dataDir, homeDir: context.homeDir,
    environment: context.environment, now: context.now, emit: context.emit, keys,
  });
  const errorLog = new ErrorLog(context.dataDir, context.now, context.shell);
  const support = new SupportService({ ...context, journal, errorLog, currentVo: () => vo.current(), folderPicker: opts.pickFolder !== undefined });
  const trust = new TrustService({ dataDir: context.dataDir, homeDir: context.homeDir, now: context.now, runtimeBundles: sandboxBundles(sandbox) });

  // Each capability contributes its procedures (`<capability>/<capability>-handlers.ts`);
  // the type says every procedure of the contract has exactly one handler.
  const handlers: Handlers = {
    appInfo: async () => ({
      version: context.version,
      environment: context.environment,
      shell: context.shell === 'electron' ? 'electron' : 'browser',
      dataDir: context.dataDir,
      steps: stepAvailability(),
      progress: (await journal.read()).steps,
    }),
    ...voHandlers(vo),
    ...requestHandlers(request),
    ...backupHandlers(backup),
    ...registerHandlers(register, webRegistration),
    ...nextStepsHandlers(nextSteps),
    ...toolsHandlers(tools),
    ...protectHandlers({ journal, dataDir: context.dataDir, keychain: () => new KeytarSecretStore(), now: context.now }),
    ...trustStepHandlers({ journal, vo, trust, homeDir: context.homeDir, emit: context.emit }),
    ...uploadHandlers(upload),
    ...supportHandlers(support),
  };
  onDispatchError(handlers, errorLog.hook);

  return {
    context,
    handlers,
    journal,
    vo,
    request,
    backup,
    sandbox,
    dispose: async () => {
      stopWatchingJournal();
      await request.dispose();
      register.close();
      await sandbox?.close();
    },
  };
}
