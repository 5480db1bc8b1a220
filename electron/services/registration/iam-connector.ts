import { OnboardError } from '../../../shared/errors';
import { httpsRequest, type HttpsResponse } from './https-client';

/**
 * INDIGO IAM registration (VOMS-Admin's successor), read from indigo-iam/iam's
 * RegistrationApiController: `POST /registration/create` (JSON: givenname, familyname, email,
 * username, notes) answers the request with its `uuid` and `status` (NEW); the e-mailed link
 * `/registration/verify/{token}` opens a page whose form posts `token` to `/registration/verify`
 * (status CONFIRMED); an administrator approves (`POST /registration/approve/{uuid}`, APPROVED) or
 * rejects (REJECTED). Listing requests (`GET /registration/list`) needs the `registration:read`
 * scope: without such a token the requester learns the outcome from IAM's e-mail.
 */

export interface IamEndpoint {
  /** `https://iam.example.org` */
  readonly baseUrl: string;
  readonly trustedCaPems?: readonly string[];
  readonly signal?: AbortSignal;
}

export interface IamRegistrationInput {
  readonly givenname: string;
  readonly familyname: string;
  readonly email: string;
  readonly username: string;
  /** Why you ask to join (IAM makes it mandatory by default). */
  readonly notes: string;
  readonly affiliation?: string;
}

export type IamRequestStatus = 'NEW' | 'CONFIRMED' | 'APPROVED' | 'REJECTED';

export interface IamRegistration {
  readonly uuid: string;
  readonly status: IamRequestStatus;
  readonly username?: string;
  readonly email?: string;
}

const STATUSES = new Set(['NEW', 'CONFIRMED', 'APPROVED', 'REJECTED']);
// IAM's UsernameRegExp: a Unix-like login name.
const USERNAME_RULE = /^[a-z_]([a-z0-9_-]{0,31}|[a-z0-9_-]{0,30}\$)$/;
const EMAIL_RULE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function validate(input: IamRegistrationInput): void {
  const need: [keyof IamRegistrationInput, string][] = [
    ['givenname', 'Please provide a given name'],
    ['familyname', 'Please provide a family name'],
    ['email', 'Please provide an email'],
    ['username', 'Please provide a username'],
    ['notes', 'Please provide a reason for your registration request'],
  ];
  for (const [field, message] of need) {
    if (!String(input[field] ?? '').trim()) throw new OnboardError('REGISTRATION_FIELD_INVALID', { field, detail: message });
  }
  for (const field of ['givenname', 'familyname'] as const) {
    if (input[field].trim().length < 2) throw new OnboardError('REGISTRATION_FIELD_INVALID', { field, detail: 'must be at least 2 characters long' });
  }
  if (!EMAIL_RULE.test(input.email.trim())) throw new OnboardError('REGISTRATION_FIELD_INVALID', { field: 'email', detail: 'This is not a valid email' });
  if (!USERNAME_RULE.test(input.username)) {
    throw new OnboardError('REGISTRATION_FIELD_INVALID', { field: 'username', detail: 'use lower-case letters, digits, “_” and “-”, starting with a letter (at most 32)' });
  }
}

function iamError(url: string, res: HttpsResponse): OnboardError {
  let detail = '';
  try {
    const j = JSON.parse(res.body) as { error?: string; error_description?: string; detail?: string };
    detail = j.error ?? j.error_description ?? j.detail ?? '';
  } catch {
    detail = res.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
  }
  if (res.status === 400 || res.status === 409) return new OnboardError('REGISTRATION_IAM_REFUSED', { detail: detail || `HTTP ${res.status}` });
  return new OnboardError('REGISTRATION_SERVER_ERROR', { url, status: res.status, detail: detail || 'no explanation' });
}

function asRegistration(url: string, res: HttpsResponse): IamRegistration {
  let j: Partial<IamRegistration>;
  try {
    j = JSON.parse(res.body) as Partial<IamRegistration>;
  } catch {
    throw new OnboardError('REGISTRATION_SERVER_ERROR', { url, status: res.status, detail: 'the answer is not JSON' });
  }
  if (typeof j.uuid !== 'string' || !j.uuid || !STATUSES.has(String(j.status))) {
    throw new OnboardError('REGISTRATION_SERVER_ERROR', { url, status: res.status, detail: 'the answer has no request uuid and status' });
  }
  return { uuid: j.uuid, status: j.status as IamRequestStatus, username: j.username, email: j.email };
}

export async function iamCreateRegistration(e: IamEndpoint, input: IamRegistrationInput): Promise<IamRegistration> {
  validate(input);
  const url = `${e.baseUrl}/registration/create`;
  const body = JSON.stringify({
    givenname: input.givenname.trim(),
    familyname: input.familyname.trim(),
    email: input.email.trim(),
    username: input.username,
    notes: input.notes,
    ...(input.affiliation ? { affiliation: input.affiliation } : {}),
  });
  const res = await httpsRequest({ url, method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body, trustedCaPems: e.trustedCaPems, signal: e.signal });
  if (res.status !== 200 && res.status !== 201) throw iamError(url, res);
  return asRegistration(url, res);
}

/** The token from a pasted verification link (or the bare token). Only links to this IAM are accepted. */
export function iamVerificationToken(e: IamEndpoint, linkOrToken: string): string {
  const s = linkOrToken.trim();
  if (/^[A-Za-z0-9_-]{8,200}$/.test(s)) return s;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new OnboardError('REGISTRATION_CONFIRMATION_LINK_INVALID', { detail: 'it is neither a link nor a token' });
  }
  const m = /^\/registration\/verify\/([A-Za-z0-9_-]{8,200})$/.exec(u.pathname);
  if (u.origin !== new URL(e.baseUrl).origin || !m) {
    throw new OnboardError('REGISTRATION_CONFIRMATION_LINK_INVALID', { detail: `expected ${e.baseUrl}/registration/verify/<token>` });
  }
  return m[1];
}

/** Confirms the e-mail address: opens the verification page, then posts its form as a browser would. */
export async function iamVerifyRegistration(e: IamEndpoint, linkOrToken: string): Promise<void> {
  const token = iamVerificationToken(e, linkOrToken);
  const pageUrl = `${e.baseUrl}/registration/verify/${encodeURIComponent(token)}`;
  const page = await httpsRequest({ url: pageUrl, trustedCaPems: e.trustedCaPems, signal: e.signal });
  if (page.status !== 200) throw iamError(pageUrl, page);
  const url = `${e.baseUrl}/registration/verify`;
  const res = await httpsRequest({
    url,
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString(),
    trustedCaPems: e.trustedCaPems,
    signal: e.signal,
  });
  if (res.status !== 200) throw iamError(url, res);
  // IAM answers 200 with a page either way; its failure page says "Activation failed".
  const failed = /verificationFailure|Activation failed[^<]*/i.exec(res.body);
  if (failed) throw new OnboardError('REGISTRATION_CONFIRMATION_FAILED', { detail: failed[0].replace(/verificationFailure/i, 'the token is unknown or already used') });
}

/** The request's status; needs an access token with the `registration:read` scope. */
export async function iamRegistrationStatus(e: IamEndpoint, uuid: string, accessToken: string): Promise<IamRequestStatus> {
  const url = `${e.baseUrl}/registration/list`;
  const res = await httpsRequest({ url, headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' }, trustedCaPems: e.trustedCaPems, signal: e.signal });
  if (res.status !== 200) throw iamError(url, res);
  let list: unknown;
  try {
    list = JSON.parse(res.body);
  } catch {
    throw new OnboardError('REGISTRATION_SERVER_ERROR', { url, status: res.status, detail: 'the answer is not JSON' });
  }
  const found = Array.isArray(list) ? (list as { uuid?: string; status?: string }[]).find((r) => r?.uuid === uuid) : undefined;
  if (!found || !STATUSES.has(String(found.status))) throw new OnboardError('REGISTRATION_REQUEST_NOT_FOUND', { requestId: uuid, vo: new URL(e.baseUrl).host });
  return found.status as IamRequestStatus;
}

/** Polls the status until APPROVED (REJECTED ends with an error); bounded and cancellable. */
export async function iamWaitForApproval(
  e: IamEndpoint,
  uuid: string,
  accessToken: string,
  o: { intervalMs?: number; maxAttempts?: number; onProgress?: (p: { attempt: number; status: IamRequestStatus }) => void } = {},
): Promise<void> {
  const max = o.maxAttempts ?? 720;
  for (let attempt = 1; attempt <= max; attempt++) {
    const status = await iamRegistrationStatus(e, uuid, accessToken);
    o.onProgress?.({ attempt, status });
    if (status === 'APPROVED') return;
    if (status === 'REJECTED') throw new OnboardError('REGISTRATION_REJECTED', { vo: new URL(e.baseUrl).host });
    if (attempt < max) {
      await new Promise<void>((resolve, reject) => {
        if (e.signal?.aborted) return reject(new OnboardError('CANCELLED'));
        const t = setTimeout(resolve, o.intervalMs ?? 30_000);
        e.signal?.addEventListener('abort', () => {
          clearTimeout(t);
          reject(new OnboardError('CANCELLED'));
        }, { once: true });
      });
    }
  }
  throw new OnboardError('REGISTRATION_WAIT_TIMEOUT', { vo: new URL(e.baseUrl).host, attempts: max });
}
