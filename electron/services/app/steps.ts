import { STEPS, type StepId } from '../../../shared/steps';
import type { StepAvailability } from '../../../shared/contract';

/**
 * Which steps this build can really do. A step is listed as available only when its
 * service exists; the others carry the reason the window shows (no fake success).
 */
const IMPLEMENTED: ReadonlySet<StepId> = new Set<StepId>(['chooseVo', 'protect', 'trust', 'request', 'backup', 'register', 'upload', 'nextSteps']);

export function stepAvailability(): StepAvailability[] {
  return STEPS.map(({ id }) =>
    IMPLEMENTED.has(id)
      ? { id, available: true }
      : { id, available: false, reason: 'Not available yet in this version of OSG Onboard.' },
  );
}
