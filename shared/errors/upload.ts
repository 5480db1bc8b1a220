import { defineErrors } from './types';

/** The Upload step's own errors (the SSH/SFTP ones are TRANSFER_* in transfer.ts). */
export const uploadErrors = defineErrors({
  UPLOAD_BUSY: {
    message: 'An upload to {host} is already running.',
    hint: 'Wait for it to finish, or cancel it, before starting another one.',
  },
  UPLOAD_NO_QUESTION: {
    message: 'The upload is not waiting for this answer any more.',
    hint: 'It was answered in another window, timed out or was cancelled; look at the upload’s current state.',
  },
  UPLOAD_QUESTION_TIMEOUT: {
    message: 'No answer came to the submit host’s question within {wait}; the upload stopped and nothing was sent.',
    hint: 'Start the upload again when you are ready to answer.',
  },
  UPLOAD_P12_MISSING: {
    message: 'There is no usercred.p12 at {path}.',
    hint: 'Save your backup in the Back up step first, or type the path of the usercred.p12 you have.',
  },
  UPLOAD_KEY_PASSPHRASE_EMPTY: {
    message: 'userkey.pem needs a passphrase, and the .p12 password is empty.',
    hint: 'Choose “A different passphrase for userkey.pem” and type one: grid tools refuse an unprotected key on a shared host.',
  },
  UPLOAD_KEY_PASSPHRASE_MISMATCH: {
    message: 'The two entries of the userkey.pem passphrase differ.',
    hint: 'Type the same passphrase in both fields.',
  },
  UPLOAD_SANDBOX_ONLY: {
    message: 'The sandbox account only exists on the sandbox submit host ({sandbox}), not on {host}.',
    hint: 'Choose the sandbox submit host, or log in to {host} with your own account.',
  },
  UPLOAD_P12_PASSWORD_REQUIRED: {
    message: 'Type the password of {path} in “Password of the usercred.p12”: {reason}.',
    hint: 'It is the password you chose in the Back up step (tick “Remember this password in my keychain” there to be spared typing it).',
  },
  UPLOAD_P12_PASSWORD_STALE: {
    message: 'The usercred.p12 password remembered in your keychain ({backend}) cannot be used for {path}: {detail}.',
    hint: 'Type the file’s password in “Password of the usercred.p12”, or save a new backup in the Back up step.',
  },
  UPLOAD_SSH_KEY_UNREADABLE: {
    message: 'The SSH key file {path} could not be read: {detail}',
    hint: 'Type the path of your SSH private key, e.g. ~/.ssh/id_ed25519 (not the .pub file).',
  },
});
