import { defineErrors } from './types';

/** The Register step of the wizard (the registration connectors have their own codes in registration.ts). */
export const registerErrors = defineErrors({
  REGISTER_NO_VO: {
    message: 'No Virtual Organization is chosen yet.',
    hint: 'Choose your VO in the first step (Choose VO), then come back to register with it.',
  },
  REGISTER_NO_CERTIFICATE: {
    message: 'There is no user certificate to register with yet.',
    hint: 'Finish the Request step first: once your sponsor approves, your certificate is kept by the app and used here.',
  },
  REGISTER_SANDBOX_ONLY: {
    message: 'The built-in mailbox exists only in sandbox mode.',
    hint: 'Read the e-mail from the VO in your own mail program, then paste the confirmation link here.',
  },
  REGISTER_NOTHING_TO_CONFIRM: {
    message: 'No registration with {vo} waits for its e-mail confirmation.',
    hint: 'Fill in and send the registration form first; the VO then e-mails you the confirmation link.',
  },
  REGISTER_WRONG_KIND: {
    message: '{vo} does not register this way: {detail}.',
    hint: 'Follow the instructions shown in the Register step for this VO.',
  },
});
