import { defineErrors } from './types';

export const proxyErrors = defineErrors({
  PROXY_CERT_UNREADABLE: {
    message: 'The certificate in {file} could not be read: {detail}',
    hint: 'Check that the file is your usercert.pem (a PEM file starting with “-----BEGIN CERTIFICATE-----”).',
  },
  PROXY_KEY_UNREADABLE: {
    message: 'The private key in {file} could not be read: {detail}',
    hint: 'Check that the file is your userkey.pem (a PEM file with “PRIVATE KEY” in its first line).',
  },
  PROXY_KEY_PASSPHRASE: {
    message: 'The passphrase for the private key in {file} is not correct.',
    hint: 'Type the passphrase you chose when the certificate was made (the one that protects userkey.pem), then try again.',
  },
  PROXY_KEY_MISMATCH: {
    message: 'The private key in {keyFile} does not belong to the certificate in {certFile}.',
    hint: 'Use the userkey.pem that was made together with this usercert.pem; after a renewal both files change.',
  },
  PROXY_KEY_UNSUPPORTED: {
    message: 'This key type ({detail}) cannot sign proxies here.',
    hint: 'Grid certificates use RSA (or EC) keys; ask your CA for a standard grid certificate.',
  },
  PROXY_ISSUER_EXPIRED: {
    message: 'The certificate {subject} expired on {date}; no proxy can be made from it.',
    hint: 'Renew your certificate with your CA (OSG Onboard’s “Request” step), then make the proxy again.',
  },
  PROXY_ISSUER_NOT_YET_VALID: {
    message: 'The certificate {subject} is not valid until {date}.',
    hint: 'Check this computer’s clock and time zone; if they are right, wait until that time.',
  },
  PROXY_ISSUER_CANNOT_SIGN: {
    message: 'The certificate {subject} cannot sign a proxy: {detail}',
    hint: 'Make the proxy from your own user certificate (usercert.pem) or from a full proxy made from it.',
  },
  PROXY_SIGNER_FAILED: {
    message: 'Signing the proxy failed: {detail}',
    hint: 'If the key is on a token or smart card, check that it is plugged in and unlocked, then try again.',
  },
  PROXY_FILE_NOT_FOUND: {
    message: 'There is no proxy at {file}.',
    hint: 'Make one with “osg-onboard proxy init” (or the app’s “Next steps”), or give the path with --file.',
  },
  PROXY_FILE_INVALID: {
    message: 'The file {file} is not a usable proxy or certificate chain: {detail}',
    hint: 'A proxy file holds the proxy certificate, its private key, then your certificate. Make a new proxy.',
  },
  PROXY_TRUST_DIR_INVALID: {
    message: 'The trusted CA folder {dir} could not be used: {detail}',
    hint: 'Install the CA certificates (OSG Onboard’s “Trust CAs” step) or give the folder with --ca-dir (it holds <hash>.0 files).',
  },
  PROXY_NOT_VERIFIED: {
    message: 'The proxy in {file} is not valid: {detail}',
    hint: 'Make a new proxy from your certificate; if it keeps failing, check that your CA is in the trusted CA folder.',
  },
  PUSP_NOT_ROBOT: {
    message: 'The certificate {subject} is not a robot certificate: {detail}',
    hint: 'Per-user sub-proxies must come from a robot certificate (CN starting “Robot:” or “Robot -”, or the IGTF robot policy). Use --force only if your CA marks robots another way.',
  },
  PUSP_USER_ID_INVALID: {
    message: 'The portal user id “{id}” cannot be used in a proxy name: {detail}',
    hint: 'Use letters, digits and . _ @ - : only (at most 59 characters), or --pseudonym to use a keyed hash of the id.',
  },
});
