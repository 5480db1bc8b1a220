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
  REGISTER_DESKTOP_ONLY: {
    message: 'Opening the VO’s registration page with your certificate works only in the OSG Onboard desktop app.',
    hint: 'Here, follow the hand-off: import your usercred.p12 into your browser, then open the VO’s page there.',
  },
  REGISTER_WEB_CERT_NOT_OFFERED: {
    message: 'The VO’s page at {url} asked for a certificate, but yours (SHA-256 {sha256}) was not among those offered ({offered}).',
    hint: 'No other certificate was sent. Close the window and open the registration page again: OSG Onboard imports your certificate into the browser certificate store first. If it happens again, the VO’s server may not accept your CA: check the Trust CAs step.',
  },
  REGISTER_WEB_STORE_FAILED: {
    message: 'Your certificate could not be put into the browser certificate store {db}: {detail}',
    hint: 'Check that the folder is yours and not full. You can still import your usercred.p12 by hand (Chrome: Settings → Privacy and security → Security → Manage certificates).',
  },
  REGISTER_WEB_STORE_PASSWORD: {
    message: 'The browser certificate store {db} is protected by a password.',
    hint: 'Import your usercred.p12 by hand there (you will be asked for that password), or remove the password from that store, then try again.',
  },
  REGISTER_WEB_NSS_TOOLS_MISSING: {
    message: 'The NSS tools ({program}) are not installed, so your certificate cannot be put into the browser certificate store.',
    hint: 'Install them ({install}), then try again.',
  },
  REGISTER_WEB_NOT_IMPORTED: {
    message: 'OSG Onboard has not put a certificate into the browser certificate store for {vo}.',
    hint: 'Nothing to remove.',
  },
});
