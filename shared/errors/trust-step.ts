import { defineErrors } from './types';

/** The Trust CAs wizard step (the trust service's own codes are in ./trust). */
export const trustStepErrors = defineErrors({
  TRUST_NO_VO: {
    message: 'Choose your Virtual Organization first: it decides which certificate authorities to trust.',
    hint: 'Go back to the “Choose VO” step, pick your VO, then come back here.',
  },
});
