import { defineErrors } from './types';

/** Keys, CSRs, certificates, PKCS#12 files, `.globus` and the keychain. */
export const credentialErrors = defineErrors({
  KEY_SIZE_UNSUPPORTED: {
    message: 'A {bits}-bit key cannot be made here: choose 2048, 3072 or 4096 bits.',
    hint: '2048 bits is what grid CAs expect; 3072 and 4096 are stronger and slower.',
  },
  KEY_GENERATION_FAILED: {
    message: 'The new private key could not be made: {detail}',
    hint: 'Try again. If it keeps happening, save a support bundle and send it to the help desk.',
  },
  KEY_INVALID: {
    message: 'The private key in {what} cannot be read: {detail}',
    hint: 'Choose the right file (it begins with “-----BEGIN … PRIVATE KEY-----”), or make a new key.',
  },
  KEY_PASSPHRASE_WRONG: {
    message: 'The passphrase for {what} is not right (or the file is damaged).',
    hint: 'Type the passphrase again, minding upper and lower case and the keyboard layout.',
  },
  KEY_PASSPHRASE_REQUIRED: {
    message: 'A passphrase is needed to open {what}.',
    hint: 'Type the passphrase you chose when the key was made.',
  },
  PASSPHRASE_TOO_SHORT: {
    message: 'The {what} must have at least {min} characters.',
    hint: 'Choose a longer one; a short sentence is easy to remember and hard to guess.',
  },
  KEY_DAMAGED: {
    message: 'The private key in {what} is damaged: {detail}',
    hint: 'Use another copy of your key (a backup .p12), or request a new certificate.',
  },
  KEY_CERT_MISMATCH: {
    message: 'The private key does not belong to the certificate {subject}.',
    hint: 'Pick the key made together with this certificate (the same request), or the .p12 that holds both.',
  },
  CERT_INVALID: {
    message: 'The certificate in {what} cannot be read: {detail}',
    hint: 'Choose the right file (PEM “-----BEGIN CERTIFICATE-----” or DER), or download it again from your CA.',
  },
  CERT_EXPIRED: {
    message: 'The certificate {subject} expired on {notAfter}.',
    hint: 'Request a new certificate (renew) with the Request step, then install that one.',
  },
  CERT_NOT_YET_VALID: {
    message: 'The certificate {subject} is not valid before {notBefore}.',
    hint: 'Check the computer’s date and time, or wait until that moment.',
  },
  CHAIN_ORDER_INVALID: {
    message: 'The certificate chain is broken: {detail}',
    hint: 'Give the CA certificates that issued your certificate (your CA’s web page lists them), in any order.',
  },
  SUBJECT_INVALID: {
    message: 'The name for the certificate is not valid: {detail}',
    hint: 'Use the exact name your CA or VO gave you (for example /DC=org/DC=cilogon/C=US/O=…/CN=…).',
  },
  CSR_INVALID: {
    message: 'The certificate request in {what} cannot be read: {detail}',
    hint: 'Make a new request with the Request step.',
  },
  PEM_INVALID: {
    message: '{what} is not a readable PEM file: {detail}',
    hint: 'Choose the right file; PEM files are text that begins with “-----BEGIN”.',
  },
  INPUT_TOO_LARGE: {
    message: '{what} is too large ({size} bytes; at most {limit} are accepted).',
    hint: 'Choose the right file: certificates, keys and .p12 files are a few kilobytes.',
  },
  P12_INVALID: {
    message: '{what} is not a readable PKCS#12 (.p12/.pfx) file: {detail}',
    hint: 'Choose the .p12 file your browser or CA saved (it is binary, not text), or save it again.',
  },
  P12_WRONG_PASSWORD: {
    message: 'The password for {what} is not right (or the file is damaged).',
    hint: 'Type the password you chose when the .p12 was saved (browsers call it the backup password).',
  },
  P12_DAMAGED: {
    message: '{what} is damaged: {detail}',
    hint: 'Use another copy of the file, or save the backup again from your browser.',
  },
  P12_UNSUPPORTED: {
    message: '{what} uses something this app cannot read: {detail}',
    hint: 'Save the backup again from Firefox or with “openssl pkcs12 -export”, which this app reads.',
  },
  P12_NO_KEY: {
    message: '{what} holds no private key, only certificates.',
    hint: 'Save the backup again including the private key (in Firefox: Certificates → Your Certificates → Backup).',
  },
  P12_NO_CERT: {
    message: '{what} holds a private key but no certificate.',
    hint: 'Save the backup again from the browser where your certificate is installed.',
  },
  P12_SEVERAL_KEYS: {
    message: '{what} holds {count} private keys with certificates; this app needs exactly one.',
    hint: 'Save a backup of just your grid certificate from your browser.',
  },
  KEYCHAIN_UNAVAILABLE: {
    message: 'The system keychain ({backend}) cannot be used: {detail}',
    hint: 'Unlock the keyring (log in to the desktop) or start it, then try again — or choose to type the passphrase each time.',
  },
  CREDENTIAL_NOT_FOUND: {
    message: 'There is no saved credential with id “{id}”.',
    hint: 'List the saved credentials, or request a new certificate.',
  },
  CREDENTIAL_STORE_INVALID: {
    message: 'The saved credential “{id}” cannot be read: {detail}',
    hint: 'It has been kept as it is. Save a support bundle and send it to the help desk.',
  },
});
