import type { RegistrationKind } from '../../../../shared/vo';

export function registrationLabel(kind: RegistrationKind): string {
  switch (kind) {
    case 'voms-admin':
      return 'registers with VOMS-Admin';
    case 'vomrs':
      return 'registers with VOMRS';
    case 'iam':
      return 'registers with INDIGO IAM';
    case 'web':
      return 'registers on a web page';
  }
}
