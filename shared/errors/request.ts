import { defineErrors } from './types';

/** The Request step (certificate request, sponsor approval) and the Back up step (usercred.p12). */
export const requestErrors = defineErrors({
  REQUEST_NO_VO: {
    message: 'No Virtual Organization is chosen yet.',
    hint: 'Choose your VO in the first step (Choose VO), then come back to request your certificate.',
  },
  REQUEST_NO_CONNECTOR: {
    message: 'OSG Onboard cannot send a certificate request to the certificate authority of {vo} from here: {detail}.',
    hint: 'If your VO gave you an EST address (RFC 7030) and an enrolment code, enter them under “Certificate authority”. Otherwise follow your VO’s instructions to get your certificate (for OSG: CILogon), then bring it in with “I already have a certificate” (or `osg-onboard request import --p12 FILE`).',
  },
  REQUEST_CA_NOT_TRUSTED: {
    message: 'The certificate authority’s certificate is not trusted yet: {ca} is not in OSG Onboard’s trust.',
    hint: 'Do the Trust CAs step first (it installs the {bundle} CA certificate), then send the request again. Nothing was sent and no key was made.',
  },
  REQUEST_NOT_AGREED: {
    message: 'The request was not sent: the subscriber agreement was not accepted.',
    hint: 'Read the agreement and check “I AGREE” to send the request.',
  },
  REQUEST_NONE: {
    message: 'There is no certificate request to {action}.',
    hint: 'Start a request in the Request step.',
  },
  REQUEST_BUSY: {
    message: 'A certificate request is already {state} (request {requestId}).',
    hint: 'Wait for it, or cancel it in the Request step before starting a new one.',
  },
  REQUEST_NOT_RESUMABLE: {
    message: 'The request cannot be resumed: {detail}.',
    hint: 'Start a new request (a new key is made).',
  },
  REQUEST_IMPORT_FILE: {
    message: 'OSG Onboard cannot read “{path}”: {detail}.',
    hint: 'Type the full path of your .p12 or .pfx file (for example ~/usercred.p12). The file is only read, never changed.',
  },
  REQUEST_IMPORT_GLOBUS_MISSING: {
    message: 'No certificate and key pair was found in {dir}: {detail}.',
    hint: 'Grid tools keep them as usercert.pem and userkey.pem in ~/.globus. Choose your .p12 file instead, or request a new certificate.',
  },
  REQUEST_IMPORT_EXPIRED: {
    message: 'The certificate {subject} in {source} expired on {notAfter}: an expired certificate can be neither used nor renewed.',
    hint: 'Request a new certificate with “Request a new certificate” (your sponsor approves it again). Nothing was stored.',
  },
  REQUEST_IMPORT_CA_NOT_TRUSTED: {
    message: 'The certificate {subject} was issued by {issuer}, a certificate authority OSG Onboard does not trust.',
    hint: 'Install that CA in the Trust CAs step (the bundle of your VO or of the grid CAs), then import again. Nothing was stored.',
  },
  REQUEST_RENEW_NONE: {
    message: 'There is no issued certificate to renew.',
    hint: 'Request a certificate, or import the one you have (“I already have a certificate”), first.',
  },
  REQUEST_RENEW_EXPIRED: {
    message: 'Your certificate {subject} expired on {notAfter}: renewal needs a certificate that is still valid.',
    hint: 'Request a new certificate instead (“Request another certificate”): your sponsor approves it again. The expired one is kept.',
  },
  BACKUP_NO_CERTIFICATE: {
    message: 'There is no issued certificate to back up yet.',
    hint: 'Finish the Request step first: once your sponsor approves, the certificate can be saved here.',
  },
  BACKUP_PATH_INVALID: {
    message: 'The backup cannot be saved as “{path}”: {detail}.',
    hint: 'Type the full path of the file, for example {example}.',
  },
  BACKUP_PASSWORD_WEAK: {
    message: 'The password for the backup is too weak: {reasons}.',
    hint: 'Use at least 12 characters, or a passphrase of four or more words, that is not a common password and does not contain your name or e-mail.',
  },
  BACKUP_PASSWORDS_DIFFER: {
    message: 'The two passwords you typed are not the same.',
    hint: 'Type the same password in both fields.',
  },
  BACKUP_REOPEN_FAILED: {
    message: 'The backup {path} was written but could not be opened again with your password: {detail}.',
    hint: 'Do not rely on that file. Save the backup again (the file is kept, a new one gets its own name).',
  },
  BACKUP_PICKER_UNAVAILABLE: {
    message: 'A folder picker is only offered in the desktop app; this is browser mode.',
    hint: 'Type the full path of the file instead (for example {example}).',
  },
  BACKUP_NSS_TOOLS_MISSING: {
    message: 'The browser certificate tools (pk12util and certutil, from NSS) are not installed.',
    hint: 'Install them ({install}) to import the backup into your browser, or import usercred.p12 by hand in the browser’s certificate settings.',
  },
  BACKUP_NSS_IMPORT_FAILED: {
    message: 'The backup could not be imported into {label} ({db}): {detail}.',
    hint: 'The backup file itself is fine. Import it by hand: {command}',
  },
});
