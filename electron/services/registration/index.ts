import type { VoEntry } from '../../../shared/vo';
import { vomsAdminEndpoint, type VomsAdminEndpoint } from './voms-admin-connector';

export * from './voms-admin-connector';
export * from './iam-connector';
export { webRegistrationHandOff, type WebHandOff } from './web-handoff';
export { writeVomsesFiles, vomsesText, lscText, type WrittenFile } from './vomses';
export { validateRegistrationValues, formToValues, VOMS_ADMIN_VALUE_RULE, FIELD_LABELS, type VomsAdminRegistrationForm, type FieldError } from './voms-admin-fields';
export { certificateNames } from './certificate-names';
export { httpsRequest, type UserCredential } from './https-client';

export type RegistrationConnector =
  | { readonly kind: 'voms-admin'; readonly endpoint: VomsAdminEndpoint }
  | { readonly kind: 'iam'; readonly baseUrl: string }
  | { readonly kind: 'web'; readonly url: string };

/**
 * Which connector registers with this VO: VOMS-Admin and IAM natively; VOMRS and any other
 * registration page through a web hand-off (an app window presenting the certificate).
 */
export function registrationConnector(vo: VoEntry, trustedCaPems?: readonly string[]): RegistrationConnector {
  switch (vo.registration.kind) {
    case 'voms-admin':
      return { kind: 'voms-admin', endpoint: vomsAdminEndpoint(vo.registration.url, trustedCaPems) };
    case 'iam':
      return { kind: 'iam', baseUrl: new URL(vo.registration.url).origin };
    default:
      return { kind: 'web', url: vo.registration.url };
  }
}
