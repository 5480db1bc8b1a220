import { defineErrors } from './types';

export const voErrors = defineErrors({
  VO_DIRECTORY_INVALID: {
    message: 'The VO directory file {file} is not valid: field “{field}” {detail}',
    hint: 'Reinstall OSG Onboard, or fix the file if you edited it by hand.',
  },
  VO_NOT_FOUND: {
    message: 'There is no Virtual Organization named “{name}” in the directory.',
    hint: 'Search the list again, or add your VO with “Custom VO” using the details your VO sent you.',
  },
  VO_CUSTOM_INVALID: {
    message: 'The custom VO is not valid: “{field}” {detail}',
    hint: 'Correct the field; your VO administrator can give you the exact values.',
  },
});
