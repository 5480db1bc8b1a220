import { createHash } from 'node:crypto';
import { OnboardError } from '../../../shared/errors';
import { formatSlashDn, parseSlashDn, type Dn } from '../../../shared/dn';

/**
 * The sandbox CA's naming rules, the way grid CAs (IGTF classic profiles, CILogon) name people:
 * a fixed base under the VO's domain components, then `CN=<Latin-letter name> <stable id>`.
 * The CA — not the requester — sets the final subject; the Request step previews it with the
 * same function.
 */
export const SANDBOX_USER_BASE = '/DC=org/DC=osg-onboard/DC=sandbox/O=OSG Onboard Sandbox';
/** The namespace a signing_policy for the sandbox CA allows. */
export const SANDBOX_NAMESPACE = '/DC=org/DC=osg-onboard/DC=sandbox/*';
export const SANDBOX_CA_BASE = '/DC=org/DC=osg-onboard/DC=sandbox';

const MAX_NAME = 56; // CN is at most 64 characters (RFC 5280 ub-common-name), 8 kept for the id.

const SPECIAL_LETTERS: Readonly<Record<string, string>> = {
  ß: 'ss', Æ: 'AE', æ: 'ae', Ø: 'O', ø: 'o', Œ: 'OE', œ: 'oe', Ł: 'L', ł: 'l', Đ: 'D', đ: 'd',
  Þ: 'Th', þ: 'th', ı: 'i', Ð: 'D', ð: 'd', '’': "'", ʼ: "'", '‐': '-', '–': '-',
};

const EMAIL_RE = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export interface SandboxIdentity {
  /** The name as it appears in the certificate (Latin letters). */
  readonly name: string;
  readonly email: string | undefined;
  /** The stable per-person id appended to the name, e.g. `S482913`. */
  readonly personId: string;
  readonly subject: Dn;
  /** The subject in slash form, e.g. `/DC=org/…/O=OSG Onboard Sandbox/CN=Jane Doe S482913`. */
  readonly subjectDn: string;
}

/** Latin letters only, as in a passport's machine-readable zone: `José Müller` → `Jose Muller`. */
export function latinName(input: string): string {
  return [...input.normalize('NFKC')]
    .map((ch) => SPECIAL_LETTERS[ch] ?? ch)
    .join('')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The same person (same e-mail, else same name) always gets the same id, so renewals keep the DN. */
export function personIdFor(name: string, email: string | undefined): string {
  const key = email ? `email:${email.toLowerCase()}` : `name:${name.toLowerCase()}`;
  const n = createHash('sha256').update(`osg-onboard-sandbox:${key}`).digest().readUInt32BE(0);
  return `S${100000 + (n % 900000)}`;
}

export function normalizeEmail(raw: string): string {
  const e = raw.trim();
  if (e.length > 254 || !EMAIL_RE.test(e)) {
    throw new OnboardError('INVALID_INPUT', { field: 'e-mail', detail: 'must be an address such as jane.doe@university.edu' });
  }
  const at = e.lastIndexOf('@');
  return e.slice(0, at) + '@' + e.slice(at + 1).toLowerCase();
}

/**
 * The subject the sandbox CA issues for a requested name and e-mail. Throws INVALID_INPUT
 * (field `name` or `e-mail`) with the rule that was broken.
 */
export function sandboxIdentity(requested: { name: string; email?: string }): SandboxIdentity {
  const email = requested.email ? normalizeEmail(requested.email) : undefined;
  let name = latinName(requested.name);
  // A CN already carrying this person's id (copied from a preview or an old certificate) keeps one.
  const idProbe = personIdFor(name.replace(/ S\d{6}$/, ''), email);
  if (name.endsWith(` ${idProbe}`)) name = name.slice(0, -idProbe.length - 1).trim();
  if (!/^[A-Za-z][A-Za-z .'-]*$/.test(name)) {
    throw new OnboardError('INVALID_INPUT', {
      field: 'name',
      detail: 'may use Latin letters, spaces, hyphens, apostrophes and full stops only (write it as in your passport)',
    });
  }
  if ((name.match(/[A-Za-z]/g) ?? []).length < 2) throw new OnboardError('INVALID_INPUT', { field: 'name', detail: 'must have at least 2 letters' });
  if (name.length > MAX_NAME) throw new OnboardError('INVALID_INPUT', { field: 'name', detail: `must have at most ${MAX_NAME} characters` });
  const personId = personIdFor(name, email);
  const subject: Dn = [...parseSlashDn(SANDBOX_USER_BASE), [{ type: 'CN', value: `${name} ${personId}` }]];
  return { name, email, personId, subject, subjectDn: formatSlashDn(subject) };
}
