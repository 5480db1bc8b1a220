/** The CA connectors. `est`: RFC 7030 enrolment against any EST server (the sandbox CA speaks it). */
export { enroll, getCaCerts, pollUntilIssued, waitingText, errorForStatus, REQUEST_ID_HEADER } from './est-client';
export type { EnrollOptions, EnrollResult, IssuedCertificate, PendingRequest, PollOptions, ProgressCallback } from './est-client';
export { estBaseUrl, mapTransportError, type EstAuth, type EstEndpoint } from './est-transport';
export { describeCertificate, type CertificateInfo } from './certificate-info';
export { parseCsr, csrToDer, spkiFingerprint, type CsrInfo } from './csr-info';
export { briefBody, formatElapsed, parseRetryAfter } from './http-text';
