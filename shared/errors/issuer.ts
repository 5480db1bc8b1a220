import { defineErrors } from './types';

/** The CA connectors (EST client) and the sandbox CA. */
export const issuerErrors = defineErrors({
  ISSUER_INVALID_URL: {
    message: 'The certificate authority address “{url}” is not valid: {detail}.',
    hint: 'Use the https:// address your VO gave you for certificate requests, e.g. https://ca.example.org/.well-known/est.',
  },
  ISSUER_UNREACHABLE: {
    message: 'The certificate authority at {url} cannot be reached ({detail}).',
    hint: 'Check your network connection and try again later. In the sandbox, make sure the sandbox CA is running (osg-onboard sandbox start).',
  },
  ISSUER_CA_NOT_TRUSTED: {
    message: 'The certificate authority at {url} presented a certificate that is not trusted ({detail}).',
    hint: 'Install your VO’s CA certificates in the Trust step, then try again. If you already did, do not continue: someone may be intercepting this connection.',
  },
  ISSUER_TLS_FAILED: {
    message: 'The secure connection to the certificate authority at {url} failed: {detail}.',
    hint: 'Check the address, your computer’s clock and date, and try again. If it persists, tell your VO’s help desk.',
  },
  ISSUER_ENROLMENT_CODE_REQUIRED: {
    message: 'The certificate authority at {url} asks for an enrolment code.',
    hint: 'Enter the enrolment code your sponsor or VO sent you, then submit the request again.',
  },
  ISSUER_BAD_ENROLMENT_CODE: {
    message: 'The certificate authority refused the request: the enrolment code is wrong.',
    hint: 'Check the enrolment code your sponsor or VO sent you (every letter and digit), then try again.',
  },
  ISSUER_NOT_AUTHENTICATED: {
    message: 'The certificate authority did not accept your current certificate: {detail}.',
    hint: 'Renewal needs a valid certificate from the same CA. If yours has expired, request a new certificate instead.',
  },
  ISSUER_REQUEST_REJECTED: {
    message: 'Your sponsor rejected your certificate request{requestRef}. The CA said: “{reason}”.',
    hint: 'Contact your sponsor to find out why. A new request needs a new key: start the Request step again.',
  },
  ISSUER_REQUEST_INVALID: {
    message: 'The certificate authority refused the certificate request: {detail}.',
    hint: 'Check your name and e-mail address against the CA’s rules and try again; if it persists, save a support bundle for the help desk.',
  },
  ISSUER_NO_EST_SERVICE: {
    message: 'There is no certificate enrolment (EST) service at {url} (HTTP {status}).',
    hint: 'Check the address your VO gave you for certificate requests.',
  },
  ISSUER_HTTP_ERROR: {
    message: 'The certificate authority answered with an error (HTTP {status}): {detail}',
    hint: 'Try again later. If it persists, send this message to your VO’s help desk.',
  },
  ISSUER_BAD_RESPONSE: {
    message: 'The certificate authority sent an answer OSG Onboard cannot read: {detail}.',
    hint: 'Try again later. If it persists, save a support bundle and send it to the help desk.',
  },
  ISSUER_CERT_KEY_MISMATCH: {
    message: 'The certificate authority returned a certificate that is not for your key (it is for {subject}).',
    hint: 'Nothing was saved. Try again; if it persists, tell your VO’s help desk.',
  },
  ISSUER_STILL_WAITING: {
    message: 'Your certificate request{requestRef} is still waiting for your sponsor after {elapsed}.',
    hint: 'Your request and key are kept: come back later and resume, or remind your sponsor.',
  },
  SANDBOX_CA_RUNNING: {
    message: 'Another sandbox CA (process {pid}) is already using {dir}.',
    hint: 'Stop that one first, or start this one with another folder (--dir).',
  },
  SANDBOX_CA_STATE_INVALID: {
    message: 'The sandbox CA files in {dir} cannot be used: {detail}.',
    hint: 'Reset the sandbox (delete that folder) to start over with a new sandbox CA.',
  },
  SANDBOX_PORT_IN_USE: {
    message: 'Port {port} on 127.0.0.1 is already in use.',
    hint: 'Choose another --port, or leave it out to use a free one.',
  },
  SANDBOX_REQUEST_NOT_FOUND: {
    message: 'There is no sandbox certificate request “{id}”.',
    hint: 'List the requests with: osg-onboard sandbox requests',
  },
  SANDBOX_REQUEST_DECIDED: {
    message: 'Request {id} was already {status}.',
    hint: 'A sponsor’s decision is final; the user can send a new request with a new key.',
  },
});
