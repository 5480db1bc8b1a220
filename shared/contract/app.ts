import { z } from 'zod';
import { procedure } from './define';
import type { StepId } from '../steps';

export interface StepAvailability {
  readonly id: StepId;
  readonly available: boolean;
  /** Why a step cannot be used here yet, in the user's words. */
  readonly reason?: string;
}

/** Where a step stands in this user's journey (from the journal). */
export interface StepStatus {
  readonly status: 'done' | 'in-progress' | 'failed';
  readonly at: string;
  /** One line for the stepper, e.g. the VO's name or the certificate's subject. */
  readonly summary?: string;
}

export interface AppInfo {
  readonly version: string;
  /** `sandbox` runs the whole journey against local stand-ins; `production` talks to real services. */
  readonly environment: 'sandbox' | 'production';
  /** `electron` (desktop window) or `browser` (the local bridge, `npm run web`). */
  readonly shell: 'electron' | 'browser';
  readonly dataDir: string;
  readonly steps: readonly StepAvailability[];
  readonly progress: Partial<Record<StepId, StepStatus>>;
}

export const appProcedures = {
  appInfo: procedure<AppInfo>()({
    input: z.object({}).strict(),
    summary: 'Version, environment (sandbox or production) and which wizard steps are available.',
  }),
};
