import type { InputOf, OutputOf } from './define';
import { appProcedures } from './app';
import { voProcedures } from './vo';
import { requestProcedures } from './request';
import { backupProcedures } from './backup';
import { registerProcedures } from './register';
import { protectProcedures } from './protect';
import { trustProcedures } from './trust';
import { nextStepsProcedures } from './next-steps';
import { toolsProcedures } from './tools';
import { uploadProcedures } from './upload';
import { supportProcedures } from './support';
import type { EventName, EventPayload } from './events';
import type { WireError } from '../errors';

export * from './define';
export * from './events';
export type { AppInfo, StepAvailability, StepStatus } from './app';
export type { VoChoice } from './vo';
export type { RequestPreview, RequestStatusView, RequestState, ConnectorView, KeyProtectionView } from './request';
export type { BackupDefaults, BackupResult, BackupBrowserResult, BackupFormat, BackupNssDbView } from './backup';
export type { RegisterView, RegisterStage, RegisterKind, RegisterFormView, RegisterMemberView, RegisterMailSummary, RegisterMailMessage, RegisterFormInput } from './register';
export type { ProtectMode, ProtectStatus, ProtectChoice, KeychainProbe } from './protect';
export type {
  TrustTargetId, TrustCaView, TrustBundleView, TrustTargetView, TrustNssDbView, TrustInstallView, TrustOverview, TrustChangeView,
  TrustTargetPlanView, TrustPlanView, TrustDbResult, TrustTargetResultView, TrustInstallResult, TrustUndoResult,
} from './trust';
export type { NextStepsOverview, ProxyReport, ProxyInfoView, VerificationView, ProxySourceView, CommandBlock, ReasonView, VomsView, RobotCheckView } from './next-steps';
export type { ToolsInspectResult, PuspMadeView, PuspDefaults } from './tools';
export type {
  UploadDefaults, UploadView, UploadStatusView, UploadRunningView, UploadQuestionView, UploadFileProgressView, UploadHostChoice,
  UploadSandboxView, UploadP12View, UploadSshKeyView, UploadListingEntryView, UploadedFileView, UploadAuthMethod, UploadAuthInput, UploadFileName,
} from './upload';
export type { SupportPreview, SupportSaved, SupportSectionView, SupportRedactionView, SupportReplayView } from './support';

/**
 * The one contract. Every procedure the window may call, by name. The preload, the browser
 * bridge, the renderer client and the CLI are all made from this object; a capability adds
 * its procedures in shared/contract/<capability>.ts and one spread here.
 */
export const procedures = {
  ...appProcedures,
  ...voProcedures,
  ...requestProcedures,
  ...backupProcedures,
  ...registerProcedures,
  ...protectProcedures,
  ...trustProcedures,
  ...nextStepsProcedures,
  ...toolsProcedures,
  ...uploadProcedures,
  ...supportProcedures,
} as const;

export type Procedures = typeof procedures;
export type ProcedureName = keyof Procedures;
export const PROCEDURE_NAMES = Object.keys(procedures) as ProcedureName[];

export function isProcedureName(name: unknown): name is ProcedureName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(procedures, name);
}

/** What every call answers on the wire: a value, or a typed error (never a stack). */
export type Envelope<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: WireError };

/** The API the window sees as `window.onboard`: one function per procedure, plus `on`. */
export type OnboardApi = {
  readonly [K in ProcedureName]: (input: InputOf<Procedures[K]>) => Promise<OutputOf<Procedures[K]>>;
} & {
  /** Subscribes to an event; returns the function that unsubscribes. */
  readonly on: <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) => () => void;
};

/** Exactly the keys `window.onboard` must have (tests check this). */
export const API_KEYS: readonly string[] = [...PROCEDURE_NAMES, 'on'];

export const IPC_PREFIX = 'onboard:';
export const IPC_EVENT_CHANNEL = 'onboard:event';
