/** The journey of seed 000, in order. Labels use the seed's words. */
export const STEPS = [
  { id: 'chooseVo', label: 'Choose VO' },
  { id: 'protect', label: 'Protect' },
  { id: 'trust', label: 'Trust CAs' },
  { id: 'request', label: 'Request' },
  { id: 'backup', label: 'Back up' },
  { id: 'register', label: 'Register' },
  { id: 'upload', label: 'Upload' },
  { id: 'nextSteps', label: 'Next steps' },
] as const;

export type StepId = (typeof STEPS)[number]['id'];
export const STEP_IDS = STEPS.map((s) => s.id) as readonly StepId[];
