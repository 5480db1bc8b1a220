/**
 * Register step (issue 6): the VOMS-Admin registration with the user's certificate, the e-mail
 * confirmation (sandbox mailbox or a pasted link), the wait for the VO administrator, the member
 * information, and the vomses files; IAM natively; VOMRS / web pages as a hand-off.
 */
export { RegisterService, type RegisterServiceOptions } from './register-service';
export { registerHandlers } from './register-handlers';
export { RegisterCredentials, type HeldCredential } from './register-credential';
export { prefillFromCertificate, splitCommonName, certificateEmail } from './certificate-prefill';
export { readRegisterSection, writeRegisterSection, registerSectionSchema, type RegisterSection } from './register-state';
export { memberView, registerSummary, sameDn } from './register-views';
export { listSandboxMail, readSandboxMail } from './sandbox-mail';
