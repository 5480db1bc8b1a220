import { defineErrors } from './types';

/** Credential translator service (eToken-compatible PUSP REST service): what its operator reads. */
export const translatorErrors = defineErrors({
  TRANSLATOR_CONFIG_UNREADABLE: {
    message: 'The translator configuration {file} could not be read: {detail}',
    hint: 'Check the path given with --config and that the file is JSON.',
  },
  TRANSLATOR_CONFIG_INVALID: {
    message: 'The translator configuration {file} is not valid: “{field}” {detail}',
    hint: 'Correct that field; electron/translator/README.md shows a complete example.',
  },
  TRANSLATOR_FILE_UNREADABLE: {
    message: 'The {what} file {file} could not be read: {detail}',
    hint: 'Check the path in the configuration (relative paths start at the configuration file’s folder) and its permissions.',
  },
  TRANSLATOR_ROBOT_DUPLICATE: {
    message: 'Two robots in the configuration have the same certificate subject {subject}.',
    hint: 'Each robot certificate may be listed once; remove the duplicate entry.',
  },
  TRANSLATOR_ROBOT_KEY_MISMATCH: {
    message: 'The key configured for robot {subject} does not belong to its certificate ({detail}).',
    hint: 'Point the robot entry at the key (file, or token key label / id) made together with that certificate.',
  },
  TRANSLATOR_PASSPHRASE_MISSING: {
    message: 'No passphrase was found for the robot key {file}: {detail}',
    hint: 'Give a passphraseFile (mode 0600) or store the passphrase in the keychain under the configured account.',
  },
  TRANSLATOR_PKCS11_MODULE: {
    message: 'The PKCS#11 module {module} could not be loaded: {detail}',
    hint: 'Check the module path (e.g. /usr/lib/softhsm/libsofthsm2.so or the token vendor’s library) and that its token daemon is running.',
  },
  TRANSLATOR_TOKEN_NOT_FOUND: {
    message: 'No PKCS#11 token matches {detail}.',
    hint: 'List the tokens (e.g. `pkcs11-tool --module M -L` or `softhsm2-util --show-slots`) and correct slot or tokenLabel.',
  },
  TRANSLATOR_TOKEN_LOGIN: {
    message: 'Logging in to the token “{token}” failed: {detail}',
    hint: 'Check the user PIN in the pinFile; after too many wrong PINs the token locks and its security officer must reset it.',
  },
  TRANSLATOR_TOKEN_KEY_NOT_FOUND: {
    message: 'The token “{token}” holds no private key with {detail}.',
    hint: 'Check keyLabel or keyId (hex) against the token’s objects (`pkcs11-tool --module M -O --login`).',
  },
  TRANSLATOR_TOKEN_KEY_EXTRACTABLE: {
    message: 'The robot key {detail} on the token “{token}” can be exported from the token.',
    hint: 'Generate the robot key on the token with CKA_EXTRACTABLE=false and CKA_SENSITIVE=true, or set allowExtractable if you accept the risk.',
  },
  TRANSLATOR_TOKEN_SIGN_FAILED: {
    message: 'The token refused to sign: {detail}',
    hint: 'Check that the token is still plugged in and logged in; restart the translator to open a new session.',
  },
  TRANSLATOR_LISTEN_FAILED: {
    message: 'The translator could not listen on {address}: {detail}',
    hint: 'Choose a free port (and host) in “listen”, or stop the program that holds it.',
  },
  TRANSLATOR_TLS_INVALID: {
    message: 'The TLS settings could not be used: {detail}',
    hint: 'Give the server certificate and key as PEM files that belong together (and a client CA PEM if clients must present certificates).',
  },
});
