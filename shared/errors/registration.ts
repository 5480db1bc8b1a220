import { defineErrors } from './types';

/** Registering with a VO (VOMS-Admin, IAM, web hand-off), the sandbox VO service and its mailbox. */
export const registrationErrors = defineErrors({
  REGISTRATION_NO_CLIENT_CERT: {
    message: 'The VO registration server {host} asked for your certificate, but none was presented.',
    hint: 'Finish the Request step first so the app has your certificate, then try again. In a browser, import your usercred.p12 and pick it when the browser asks.',
  },
  REGISTRATION_CERT_UNTRUSTED: {
    message: 'The VO registration server {host} does not accept certificates from the authority that issued yours ({detail}).',
    hint: 'Check that you chose the right VO, and that your certificate comes from a CA the VO accepts (for the sandbox VO: the sandbox CA).',
  },
  REGISTRATION_SERVER_UNTRUSTED: {
    message: 'The server {host} presented a certificate that is not from a trusted authority ({detail}).',
    hint: 'Install the CA certificates in the Trust CAs step. If they are installed, the address may be wrong or someone may be intercepting the connection: do not continue.',
  },
  REGISTRATION_UNREACHABLE: {
    message: 'Could not reach the VO registration server {url}: {detail}',
    hint: 'Check your network connection and the server address. For the sandbox VO, restart the app so the sandbox service runs.',
  },
  REGISTRATION_SERVER_ERROR: {
    message: 'The VO registration server answered {url} unexpectedly (HTTP {status}): {detail}',
    hint: 'Try again later. If it persists, contact the VO administrators and tell them this message.',
  },
  REGISTRATION_FIELD_INVALID: {
    message: 'The registration form field “{field}” is not valid: {detail}',
    hint: 'Correct the field and submit again. VOMS-Admin refuses the characters < > & = ; in every field.',
  },
  REGISTRATION_AUP_NOT_ACCEPTED: {
    message: 'You must accept the VO’s Acceptable Usage Policy (AUP) to register.',
    hint: 'Read the AUP, tick the box to agree, and submit again.',
  },
  REGISTRATION_CONFIRMATION_LINK_INVALID: {
    message: 'This is not a confirmation link of the VO registration server: {detail}',
    hint: 'Copy the whole link from the e-mail the VO sent you (it contains “confirm-request.action?requestId=…&confirmationId=…”).',
  },
  REGISTRATION_CONFIRMATION_FAILED: {
    message: 'The VO registration server did not accept the confirmation: {detail}',
    hint: 'Use the link from the most recent e-mail. If the request was already confirmed, just wait for the VO administrator.',
  },
  REGISTRATION_REJECTED: {
    message: 'The VO administrator rejected your membership request for {vo}.',
    hint: 'Contact the VO administrators or your sponsor to ask why, then register again if they agree.',
  },
  REGISTRATION_NOT_PENDING: {
    message: 'Request {requestId} of the {vo} VO is {status}; it cannot be {action}.',
    hint: 'List the requests (osg-onboard sandbox vo-requests) to see which ones still wait for a decision.',
  },
  REGISTRATION_REQUEST_NOT_FOUND: {
    message: 'There is no registration request {requestId} in the {vo} VO.',
    hint: 'List the requests (osg-onboard sandbox vo-requests) and use one of the ids shown.',
  },
  REGISTRATION_WAIT_TIMEOUT: {
    message: 'Still waiting for the VO administrator of {vo} after {attempts} checks.',
    hint: 'Your request is kept. Come back later: the app checks again when you reopen this step.',
  },
  REGISTRATION_IAM_REFUSED: {
    message: 'The IAM registration service refused the request: {detail}',
    hint: 'Correct the fields it names (user name, e-mail, names) and try again.',
  },
  REGISTRATION_CREDENTIAL_INVALID: {
    message: 'The certificate and key given for registration cannot be used: {detail}',
    hint: 'Redo the Request or Back up step so the app has a matching certificate and key.',
  },
  REGISTRATION_VOMSES_INVALID: {
    message: 'The VOMS server details of {vo} cannot be written to {file}: {detail}',
    hint: 'Fix the VO entry (VOMS server host, port and DN) or ask the VO for the correct values.',
  },
  REGISTRATION_SANDBOX_STATE_INVALID: {
    message: 'The sandbox {what} file {file} is damaged: {detail}',
    hint: 'Move the file away (it is kept for the help desk) and restart the app; the sandbox starts afresh.',
  },
  REGISTRATION_SANDBOX_BUSY: {
    message: 'The sandbox {what} is busy (locked by process {pid}).',
    hint: 'Wait a moment and try again. If no OSG Onboard is running, delete {file}.',
  },
  REGISTRATION_MAIL_FAILED: {
    message: 'Could not deliver the e-mail to {to}: {detail}',
    hint: 'The message is kept and sent again the next time the sandbox service runs.',
  },
  REGISTRATION_MESSAGE_NOT_FOUND: {
    message: 'There is no message {id} in the sandbox mailbox.',
    hint: 'List the mailbox (osg-onboard sandbox mailbox) and use one of the ids shown.',
  },
});
