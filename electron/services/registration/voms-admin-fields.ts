/**
 * The VOMS-Admin registration form (italiangrid/voms-admin-server, register/SubmitRequestAction):
 * its field names, the value rule every text field obeys, and the messages it shows. Shared by
 * the connector (to name a bad field before anything is sent) and the sandbox service.
 */

export const VOMS_ADMIN_VALUE_RULE = /^[^<>&=;]*$/;
const EMAIL_RULE = /^[_A-Za-z0-9+-]+(?:\.[_A-Za-z0-9+-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;
const MAX_LENGTH = 255;

export const VOMS_ADMIN_TEXT_FIELDS = ['name', 'surname', 'institution', 'address', 'phoneNumber', 'emailAddress', 'userMessage'] as const;
export type VomsAdminTextField = (typeof VOMS_ADMIN_TEXT_FIELDS)[number];

export interface VomsAdminRegistrationForm {
  readonly name: string;
  readonly surname: string;
  readonly institution?: string;
  readonly address?: string;
  readonly phoneNumber?: string;
  readonly emailAddress: string;
  /** “Message for VO administrator”. */
  readonly userMessage?: string;
  readonly aupAccepted: boolean;
  /** Groups asked for besides the VO's root group (`/<vo>/…`), when the VO offers them. */
  readonly requestedGroups?: readonly string[];
}

export const FIELD_LABELS: Readonly<Record<VomsAdminTextField | 'aupAccepted', string>> = {
  name: 'Given name',
  surname: 'Family name',
  institution: 'Institution',
  address: 'Address',
  phoneNumber: 'Phone number',
  emailAddress: 'Email address',
  userMessage: 'Message for VO administrator',
  aupAccepted: 'AUP acceptance',
};

/** Checks requested groups against what the VO offers. */
export function validateRequestedGroups(requested: readonly string[], offered: readonly string[]): FieldError[] {
  const unknown = requested.filter((g) => !offered.includes(g));
  return unknown.length ? [{ field: 'requestedGroups', message: `This VO has no group ${unknown.join(', ')}.` }] : [];
}

const REQUIRED: Partial<Record<VomsAdminTextField, string>> = {
  name: 'Please enter your name.',
  surname: 'Please enter your surname.',
  emailAddress: 'Please enter your email address.',
};

export interface FieldError {
  /** `form`: the whole form (e.g. its one-time token had expired). */
  readonly field: VomsAdminTextField | 'aupAccepted' | 'requestedGroups' | 'form';
  readonly message: string;
}

/** Checks raw form values (strings as posted) the way VOMS-Admin does; returns every bad field. */
export function validateRegistrationValues(values: Readonly<Record<string, string | undefined>>): FieldError[] {
  const errors: FieldError[] = [];
  for (const field of VOMS_ADMIN_TEXT_FIELDS) {
    const v = values[field] ?? '';
    const required = REQUIRED[field];
    if (required && v.trim().length === 0) errors.push({ field, message: required });
    else if (!VOMS_ADMIN_VALUE_RULE.test(v)) errors.push({ field, message: 'You entered invalid characters (< > & = ; are not allowed).' });
    else if (v.length > MAX_LENGTH) errors.push({ field, message: `Please use at most ${MAX_LENGTH} characters.` });
    else if (field === 'emailAddress' && !EMAIL_RULE.test(v.trim())) errors.push({ field, message: 'Please enter a valid email address.' });
  }
  if (values.aupAccepted !== 'true') errors.push({ field: 'aupAccepted', message: 'You must accept the terms of the AUP to proceed.' });
  return errors;
}

/** The form as the strings VOMS-Admin receives. */
export function formToValues(form: VomsAdminRegistrationForm): Record<string, string> {
  return {
    name: form.name,
    surname: form.surname,
    institution: form.institution ?? '',
    address: form.address ?? '',
    phoneNumber: form.phoneNumber ?? '',
    emailAddress: form.emailAddress,
    userMessage: form.userMessage ?? '',
    aupAccepted: form.aupAccepted ? 'true' : 'false',
  };
}
