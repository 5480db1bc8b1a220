import { defineErrors } from './types';

/** VOMS attribute certificates: making, reading, verifying, and fetching them from a VOMS server. */
export const vomsErrors = defineErrors({
  VOMS_FQAN_INVALID: {
    message: '“{fqan}” is not a VO attribute (FQAN) of {vo}: {detail}',
    hint: 'Write it as /{vo}, /{vo}/<group> or /{vo}/Role=<role>, as your VO’s instructions show.',
  },
  VOMS_AC_INVALID: {
    message: 'The VO attribute certificate could not be read: {detail}',
    hint: 'Make the proxy again; if it keeps failing, send a support bundle to the help desk.',
  },
  VOMS_AC_UNTRUSTED: {
    message: 'The VO attribute certificate of {vo} did not pass the checks: {detail}',
    hint: 'Run the Register step again (it writes the VO’s .lsc file) and the Trust CAs step, then make the proxy again.',
  },
  VOMS_NOT_MEMBER: {
    message: 'The VOMS server of {vo} does not know your certificate ({dn}) as a member.',
    hint: 'Register first (Register step) and wait until the VO administrator approves you.',
  },
  VOMS_SERVER_UNREACHABLE: {
    message: 'The VOMS server of {vo} at {url} could not be reached: {detail}',
    hint: 'Check your network connection and try again; without it, make a plain proxy (no VO attributes).',
  },
  VOMS_SERVER_REFUSED: {
    message: 'The VOMS server of {vo} refused to issue VO attributes: {code} — {detail}',
    hint: 'Check the attributes you asked for; if it keeps failing, contact your VO administrator.',
  },
  VOMS_BAD_ANSWER: {
    message: 'The VOMS server of {vo} gave an answer OSG Onboard cannot read: {detail}',
    hint: 'Try again later; if it keeps happening, send a support bundle to the help desk.',
  },
  VOMS_NO_SERVER: {
    message: 'The VO {vo} lists no VOMS server, so a proxy with VO attributes cannot be made.',
    hint: 'Make a plain proxy (without VO attributes), or ask your VO for its VOMS server.',
  },
});
