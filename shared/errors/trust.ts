import { defineErrors } from './types';

/** Errors of the Trust CAs step (CA bundles and the places they are installed into). */
export const trustErrors = defineErrors({
  TRUST_BUNDLE_UNKNOWN: {
    message: 'There is no CA bundle named “{name}”.',
    hint: 'Choose one of: {known}.',
  },
  TRUST_BUNDLE_INVALID: {
    message: 'The CA bundle “{bundle}” is not valid: {detail}',
    hint: 'Reinstall OSG Onboard; if the bundle came from the sandbox, reset the sandbox to make a new CA.',
  },
  TRUST_CERT_INVALID: {
    message: 'The certificate “{ca}” in bundle “{bundle}” cannot be read: {detail}',
    hint: 'Nothing was installed. Reinstall OSG Onboard or fetch the bundle again.',
  },
  TRUST_PIN_MISMATCH: {
    message: 'The CA certificate “{ca}” in bundle “{bundle}” does not match its pinned fingerprint, so nothing was installed. Expected SHA-256 {expected}, found {actual}.',
    hint: 'The bundle has been changed or damaged. Reinstall OSG Onboard (or reset the sandbox) and try again; if it happens again, tell the help desk.',
  },
  TRUST_TARGET_UNKNOWN: {
    message: 'There is no install target named “{target}”.',
    hint: 'Choose from: {known}.',
  },
  TRUST_TARGET_UNAVAILABLE: {
    message: 'The target “{target}” cannot be used here: {reason}',
    hint: 'Leave it out; the other targets work on this computer.',
  },
  TRUST_CERTUTIL_MISSING: {
    message: 'The NSS “certutil” program is not installed, so the CAs cannot be added to the browser databases.',
    hint: 'Install it ({install}) and try again. On Debian or Ubuntu the package is libnss3-tools; on Fedora it is nss-tools.',
  },
  TRUST_NSS_PASSWORD_NEEDED: {
    message: 'The browser certificate database {db} is protected by a password (the Firefox “Primary Password”).',
    hint: 'Enter that password when asked; it is used only for this change and is not stored.',
  },
  TRUST_NSS_PASSWORD_WRONG: {
    message: 'The password for the browser certificate database {db} is not correct.',
    hint: 'Type the Firefox “Primary Password” of that profile again (Firefox: Settings › Privacy & Security).',
  },
  TRUST_NSS_FAILED: {
    message: 'Could not change the browser certificate database {db}: {detail}',
    hint: 'Close Firefox if it is running and try again; the database was left as it was.',
  },
  TRUST_COMMAND_FAILED: {
    message: 'The command “{command}” failed: {detail}',
    hint: 'Nothing else was changed for this target. Run the command yourself (see “show the commands”) to see the full message.',
  },
  TRUST_NEEDS_ROOT: {
    message: 'Changing {path} needs administrator rights.',
    hint: 'Run this yourself in a terminal: {command}',
  },
  TRUST_INSTALL_NOT_FOUND: {
    message: 'There is no record of a CA install with id “{id}”.',
    hint: 'Run “osg-onboard ca list” to see the installs that can be undone.',
  },
  TRUST_NAME_INVALID: {
    message: 'A distinguished name in certificate “{ca}” cannot be read: {detail}',
    hint: 'The certificate is malformed; nothing was installed.',
  },
});
