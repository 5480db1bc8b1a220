import type { ComponentType } from 'react';
import type { StepId } from '../../../shared/steps';
import type { AppInfo, VoChoice } from '../../../shared/contract';
import { ChooseVoStep } from './choose-vo/choose-vo-step';
import { RegisterStep } from './register/register-step';
import { NextStepsStep } from './next-steps/next-steps-step';
import { RequestStep } from './request/request-step';
import { BackupStep } from './backup/backup-step';
import { ProtectStep } from './protect/protect-step';
import { TrustStep } from './trust/trust-step';
import { UploadStep } from './upload/upload-step';

/** What every step screen receives from the wizard. */
export interface StepProps {
  readonly info: AppInfo;
  /** The VO chosen in step 1 (null before). */
  readonly vo: VoChoice | null;
  /** Moves the wizard to another step (usually the next one when this one is done). */
  readonly goTo: (step: StepId) => void;
}

/**
 * One screen per step (renderer/src/steps/<step>/). A step listed here is shown only when the
 * services also say it is available (electron/services/app/steps.ts); otherwise the wizard
 * says "Not available yet".
 */
export const stepScreens: Partial<Record<StepId, ComponentType<StepProps>>> = {
  chooseVo: ChooseVoStep,
  register: RegisterStep,
  nextSteps: NextStepsStep,
  request: RequestStep,
  backup: BackupStep,
  protect: ProtectStep,
  trust: TrustStep,
  upload: UploadStep,
};
