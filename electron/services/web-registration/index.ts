/**
 * The `web` registration connector in the desktop app (issue 6): the user's certificate in the
 * browser certificate store, the registration window's rules, and the certificate it presents.
 */
export { WebRegistrationService, readWebRegistration, webRegistrationSectionSchema, type WebRegistrationServiceOptions, type WebRegistrationSection, type RegistrationWindowOpener, type RegistrationWindowRequest, type RegistrationWindowOutcome } from './web-registration-service';
export { chooseClientCertificate, electronFingerprint, fingerprintBytes, colonHex, type OfferedCertificate } from './certificate-chooser';
export { REGISTRATION_PARTITION, registrationOrigin, navigationDecision, certificateRequestAllowed, permissionVerdict, type NavigationDecision } from './window-policy';
export { importIntoBrowserStore, removeFromBrowserStore, findInBrowserStore, chromiumNssDir, nicknameFor, type BrowserStoreImport, type BrowserStoreOptions } from './browser-store';
