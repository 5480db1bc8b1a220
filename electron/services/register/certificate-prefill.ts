/**
 * The registration form filled from the user's certificate, as VOMS-Admin itself suggests:
 * given name and family name split from the CN, the e-mail from the certificate (subjectAltName
 * rfc822Name, else the subject's emailAddress).
 */
import type { X509Certificate } from 'node:crypto';
import { parseSlashDn } from '../../../shared/dn';
import { certificateNames } from '../registration/certificate-names';
import { VOMS_ADMIN_VALUE_RULE } from '../../../shared/contract/register';

export interface Prefill {
  readonly name: string;
  readonly surname: string;
  readonly emailAddress: string;
}

/**
 * Name and surname from a CN such as `Jane Doe`, `Jane Doe S123456` (sandbox), `Jane Doe A1234`
 * (CILogon) or `Jane Doe 123456` (DOEGrids): tokens holding a digit at the end are ids, not names.
 * With several CNs (`/CN=jdoe/CN=123456/CN=Jane Doe`, CERN) the last one that still holds a
 * name after that is used.
 */
export function splitCommonName(cns: readonly string[]): { name: string; surname: string } {
  for (const cn of [...cns].reverse()) {
    const tokens = cn.trim().split(/\s+/).filter(Boolean);
    while (tokens.length > 0 && /\d/.test(tokens[tokens.length - 1])) tokens.pop();
    if (tokens.length === 0 || tokens.some((t) => /\d/.test(t) || /[@:]/.test(t))) continue;
    // A single lower-case word is a login name (`jdoe`), not a person's name.
    if (tokens.length === 1 && tokens[0] === tokens[0].toLowerCase()) continue;
    const [name, ...rest] = tokens;
    return { name, surname: rest.join(' ') };
  }
  return { name: '', surname: '' };
}

function commonNames(subjectSlash: string): string[] {
  try {
    return parseSlashDn(subjectSlash)
      .flat()
      .filter((a) => a.type === 'CN')
      .map((a) => a.value);
  } catch {
    return [];
  }
}

/** The e-mail in the certificate: subjectAltName first, then the subject's emailAddress. */
export function certificateEmail(cert: X509Certificate): string | undefined {
  const san = /(?:^|,\s*)email:([^,\s]+)/i.exec(cert.subjectAltName ?? '')?.[1];
  if (san) return san;
  try {
    const subject = parseSlashDn(certificateNames(cert.raw).subject);
    return subject.flat().find((a) => a.type === 'emailAddress' || a.type === 'E')?.value;
  } catch {
    return undefined;
  }
}

/** Only values VOMS-Admin would accept are proposed (the user types the rest). */
function acceptable(v: string): string {
  return VOMS_ADMIN_VALUE_RULE.test(v) ? v : '';
}

export function prefillFromCertificate(cert: X509Certificate): Prefill {
  const { name, surname } = splitCommonName(commonNames(certificateNames(cert.raw).subject));
  return { name: acceptable(name), surname: acceptable(surname), emailAddress: acceptable(certificateEmail(cert) ?? '') };
}
