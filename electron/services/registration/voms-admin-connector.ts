import { OnboardError } from '../../../shared/errors';
import { httpsRequest, type HttpsResponse, type UserCredential } from './https-client';
import { formToValues, validateRegistrationValues, validateRequestedGroups, type VomsAdminRegistrationForm } from './voms-admin-fields';

/**
 * The native VOMS-Admin connector: logs in with the user's certificate (TLS client auth), reads
 * the registration form, submits it, follows the e-mailed confirmation link, then polls the
 * member information (`apiv2/user-info.action`) until the VO administrator has approved.
 */

export interface VomsAdminEndpoint {
  /** `https://host:port` */
  readonly baseUrl: string;
  readonly vo: string;
  /** CAs trusted for the server's certificate (the installed trust). */
  readonly trustedCaPems?: readonly string[];
}

export interface VomsAdminSession {
  readonly endpoint: VomsAdminEndpoint;
  readonly credential: UserCredential;
  readonly signal?: AbortSignal;
}

export type VomsAdminStatus = 'form' | 'confirmation-needed' | 'pending-approval' | 'already-member';

export interface StartResult {
  readonly status: VomsAdminStatus;
  /** The DN and CA the server read from the certificate (form page only). */
  readonly dn?: string;
  readonly caDn?: string;
  readonly requestId?: string;
  readonly aupText?: string;
  /** Groups the form offers (sandbox), to ask for with `requestedGroups`. */
  readonly groups?: readonly string[];
}

export interface VomsUserInfo {
  readonly id?: number;
  readonly name: string;
  readonly surname: string;
  readonly institution?: string;
  readonly emailAddress?: string;
  readonly creationTime?: string;
  readonly endTime?: string;
  readonly suspended?: boolean;
  readonly certificates: readonly { readonly subjectString: string; readonly issuerString: string; readonly suspended?: boolean }[];
  readonly fqans?: readonly string[];
}

/** Endpoint from a VO entry's registration URL (`https://voms.example.org:8443/voms/<vo>`). */
export function vomsAdminEndpoint(registrationUrl: string, trustedCaPems?: readonly string[]): VomsAdminEndpoint {
  const u = new URL(registrationUrl);
  const m = /^\/voms\/([^/]+)/.exec(u.pathname);
  if (u.protocol !== 'https:' || !m) {
    throw new OnboardError('INVALID_INPUT', { field: 'registration URL', detail: 'must look like https://host:port/voms/<vo>' });
  }
  return { baseUrl: u.origin, vo: decodeURIComponent(m[1]), trustedCaPems };
}

const voPath = (e: VomsAdminEndpoint) => `${e.baseUrl}/voms/${encodeURIComponent(e.vo)}`;

function unescapeHtml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\b${name.replace('.', '\\.')}\\s*=\\s*"([^"]*)"`, 'i').exec(tag);
  return m ? unescapeHtml(m[1]) : undefined;
}

/** The refusal pages of the service (403 with a reason) as typed errors. */
function checkRefused(res: HttpsResponse, e: VomsAdminEndpoint): void {
  if (res.status !== 403) return;
  const reason = String(res.headers['x-voms-admin-error'] ?? /data-reason="([^"]+)"/.exec(res.body)?.[1] ?? '');
  const host = new URL(e.baseUrl).host;
  if (reason === 'no-certificate') throw new OnboardError('REGISTRATION_NO_CLIENT_CERT', { host });
  if (reason === 'untrusted-certificate') throw new OnboardError('REGISTRATION_CERT_UNTRUSTED', { host, detail: 'the server does not know your CA' });
}

function pageStatus(res: HttpsResponse): VomsAdminStatus | undefined {
  if (res.status === 302 || res.status === 303) {
    const loc = String(res.headers.location ?? '');
    if (/\/user\/home\.action/.test(loc)) return 'already-member';
  }
  const marked = /data-status="([a-z-]+)"/.exec(res.body)?.[1];
  if (marked === 'form' || marked === 'confirmation-needed' || marked === 'pending-approval' || marked === 'already-member') return marked;
  if (/<form\b[^>]*action="[^"]*submit-request/i.test(res.body)) return 'form';
  return undefined;
}

function unexpected(url: string, res: HttpsResponse): OnboardError {
  const text = res.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
  return new OnboardError('REGISTRATION_SERVER_ERROR', { url, status: res.status, detail: text || 'no explanation' });
}

interface FormPage {
  readonly action: string;
  readonly hidden: Record<string, string>;
}

function readForm(body: string, pageUrl: string): FormPage | undefined {
  const m = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(body);
  if (!m) return undefined;
  const action = new URL(attr(m[1], 'action') ?? 'submit-request.action', pageUrl).toString();
  const hidden: Record<string, string> = {};
  for (const input of m[2].match(/<input\b[^>]*>/gi) ?? []) {
    if ((attr(input, 'type') ?? '').toLowerCase() !== 'hidden') continue;
    const name = attr(input, 'name');
    if (name) hidden[name] = attr(input, 'value') ?? '';
  }
  return { action, hidden };
}

/** Field errors as VOMS-Admin (Struts) marks them: `errorFor="<form>_<field>"` … `class="errorMessage"`. */
export function readFieldErrors(body: string): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  const re = /errorFor="(?:[^"_]*_)?([A-Za-z]+)"[\s\S]*?class="errorMessage"[^>]*>([^<]*)</g;
  for (let m = re.exec(body); m; m = re.exec(body)) out.push({ field: m[1], message: unescapeHtml(m[2]).trim() });
  return out;
}

async function get(s: VomsAdminSession, url: string): Promise<HttpsResponse> {
  return httpsRequest({ url, credential: s.credential, trustedCaPems: s.endpoint.trustedCaPems, signal: s.signal });
}

/** Opens the registration: the form for this certificate, or where an earlier request stands. */
export async function startRegistration(s: VomsAdminSession): Promise<StartResult & { readonly form?: FormPage }> {
  const url = `${voPath(s.endpoint)}/register/start.action`;
  const res = await get(s, url);
  checkRefused(res, s.endpoint);
  const status = pageStatus(res);
  if (!status || (res.status !== 200 && status !== 'already-member')) throw unexpected(url, res);
  const requestId = /data-request-id="(\d+)"/.exec(res.body)?.[1];
  if (status !== 'form') return { status, requestId };
  const dn = /id="certificateSubject"[^>]*>([^<]*)</.exec(res.body)?.[1];
  const caDn = /id="certificateIssuer"[^>]*>([^<]*)</.exec(res.body)?.[1];
  const aup = /<textarea[^>]*id="aup"[^>]*>([^<]*)</.exec(res.body)?.[1];
  return {
    status,
    dn: dn ? unescapeHtml(dn.trim()) : undefined,
    caDn: caDn ? unescapeHtml(caDn.trim()) : undefined,
    aupText: aup ? unescapeHtml(aup) : undefined,
    groups: [...res.body.matchAll(/name="requestedGroups" value="([^"]*)"/g)].map((m) => unescapeHtml(m[1])),
    form: readForm(res.body, url),
  };
}

/**
 * Sends the registration form. Bad values are refused here first, with the field named; the
 * server's own field errors come back the same way. Resolves when the server has sent the
 * confirmation e-mail.
 */
export async function submitRegistration(s: VomsAdminSession, form: VomsAdminRegistrationForm): Promise<{ status: VomsAdminStatus; requestId?: string }> {
  const values = formToValues(form);
  const local = validateRegistrationValues(values);
  if (local.length) {
    const first = local[0];
    if (first.field === 'aupAccepted') throw new OnboardError('REGISTRATION_AUP_NOT_ACCEPTED');
    throw new OnboardError('REGISTRATION_FIELD_INVALID', { field: first.field, detail: first.message });
  }
  // Two rounds at most: a form whose one-time token expired is fetched again once.
  for (let round = 1; ; round++) {
    const start = await startRegistration(s);
    if (start.status !== 'form' || !start.form) return { status: start.status, requestId: start.requestId };
    const badGroup = validateRequestedGroups(form.requestedGroups ?? [], start.groups ?? [])[0];
    if (badGroup) throw new OnboardError('REGISTRATION_FIELD_INVALID', { field: 'requestedGroups', detail: badGroup.message });
    const params = new URLSearchParams({ ...start.form.hidden, ...values });
    for (const g of form.requestedGroups ?? []) params.append('requestedGroups', g);
    const res = await httpsRequest({
      url: start.form.action,
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: params.toString(),
      credential: s.credential,
      trustedCaPems: s.endpoint.trustedCaPems,
      signal: s.signal,
    });
    checkRefused(res, s.endpoint);
    const status = pageStatus(res);
    if (status === 'form') {
      const first = readFieldErrors(res.body)[0];
      if (first?.field === 'form' && round < 2) continue;
      if (first?.field === 'aupAccepted') throw new OnboardError('REGISTRATION_AUP_NOT_ACCEPTED');
      throw new OnboardError('REGISTRATION_FIELD_INVALID', { field: first?.field ?? 'form', detail: first?.message ?? 'the server refused the form' });
    }
    if (!status) throw unexpected(start.form.action, res);
    return { status, requestId: /data-request-id="(\d+)"/.exec(res.body)?.[1] };
  }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Checks a pasted confirmation link and returns the URL to open on this VO's server. The
 * certificate is only ever presented to the VO's own server: a link to another host is refused
 * (a loopback link is re-based onto the running sandbox, whose port may have changed).
 */
export function confirmationUrl(e: VomsAdminEndpoint, link: string): string {
  let u: URL;
  try {
    u = new URL(link.trim());
  } catch {
    throw new OnboardError('REGISTRATION_CONFIRMATION_LINK_INVALID', { detail: 'it is not a web address' });
  }
  const base = new URL(e.baseUrl);
  const sameServer = u.origin === base.origin || (LOOPBACK.has(u.hostname) && LOOPBACK.has(base.hostname));
  if (u.protocol !== 'https:' || !sameServer) {
    throw new OnboardError('REGISTRATION_CONFIRMATION_LINK_INVALID', { detail: `it points to ${u.host}, not to the VO server ${base.host}` });
  }
  const expected = `/voms/${encodeURIComponent(e.vo)}/register/confirm-request.action`;
  const requestId = u.searchParams.get('requestId');
  const confirmationId = u.searchParams.get('confirmationId');
  if (u.pathname !== expected || !requestId || !confirmationId) {
    throw new OnboardError('REGISTRATION_CONFIRMATION_LINK_INVALID', { detail: `expected ${expected}?requestId=…&confirmationId=…` });
  }
  const q = new URLSearchParams({ requestId, confirmationId });
  return `${e.baseUrl}${expected}?${q.toString()}`;
}

/** Follows the e-mailed confirmation link; a link already used is fine if the request moved on. */
export async function confirmRegistration(s: VomsAdminSession, link: string): Promise<{ status: VomsAdminStatus }> {
  const url = confirmationUrl(s.endpoint, link);
  const res = await get(s, url);
  checkRefused(res, s.endpoint);
  const status = pageStatus(res);
  if (res.status === 200 && status) return { status };
  const message = /class="errorMessage"[^>]*>([^<]*)</.exec(res.body)?.[1];
  const now = await startRegistration(s).catch(() => undefined);
  if (now && (now.status === 'pending-approval' || now.status === 'already-member')) return { status: now.status };
  if (message) throw new OnboardError('REGISTRATION_CONFIRMATION_FAILED', { detail: unescapeHtml(message) });
  throw unexpected(url, res);
}

/** The member information, or null while the certificate is not a member (HTTP 404). */
export async function fetchMemberInfo(s: VomsAdminSession): Promise<VomsUserInfo | null> {
  const url = `${voPath(s.endpoint)}/apiv2/user-info.action`;
  const res = await get(s, url);
  checkRefused(res, s.endpoint);
  if (res.status === 404) return null;
  if (res.status !== 200) throw unexpected(url, res);
  try {
    const info = JSON.parse(res.body) as VomsUserInfo;
    if (typeof info !== 'object' || info === null || !Array.isArray(info.certificates)) throw new Error('no certificates listed');
    return info;
  } catch (e) {
    throw new OnboardError('REGISTRATION_SERVER_ERROR', { url, status: res.status, detail: `the member information is not valid JSON (${(e as Error).message})` });
  }
}

export interface WaitOptions {
  readonly intervalMs?: number;
  /** Bound on the number of checks. */
  readonly maxAttempts?: number;
  readonly onProgress?: (p: { attempt: number; status: VomsAdminStatus }) => void;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new OnboardError('CANCELLED'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new OnboardError('CANCELLED'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Polls until the certificate is a member. A request that vanished (the start page offers the
 * form again) was rejected or cancelled: that ends the wait with REGISTRATION_REJECTED.
 */
export async function waitForMembership(s: VomsAdminSession, o: WaitOptions = {}): Promise<VomsUserInfo> {
  const max = o.maxAttempts ?? 720;
  for (let attempt = 1; attempt <= max; attempt++) {
    const info = await fetchMemberInfo(s);
    if (info) {
      o.onProgress?.({ attempt, status: 'already-member' });
      return info;
    }
    const start = await startRegistration(s);
    o.onProgress?.({ attempt, status: start.status });
    if (start.status === 'form') throw new OnboardError('REGISTRATION_REJECTED', { vo: s.endpoint.vo });
    if (attempt < max) await sleep(o.intervalMs ?? 30_000, s.signal);
  }
  throw new OnboardError('REGISTRATION_WAIT_TIMEOUT', { vo: s.endpoint.vo, attempts: max });
}

/** What the confirmation finder needs from a mailbox (the sandbox mailbox fits). */
export interface MailboxReader {
  list(): Promise<readonly { readonly id: string; readonly to: readonly string[] }[]>;
  read(id: string): Promise<{ readonly links: readonly string[] }>;
}

/**
 * Sandbox mode: finds the confirmation link for this VO in the mailbox (newest message first),
 * for `emailAddress` and, when given, the request id. Undefined while the e-mail has not come.
 */
export async function findConfirmationLink(
  mailbox: MailboxReader,
  e: VomsAdminEndpoint,
  o: { emailAddress: string; requestId?: string },
): Promise<string | undefined> {
  const wanted = o.emailAddress.trim().toLowerCase();
  for (const m of await mailbox.list()) {
    if (!m.to.some((t) => t.toLowerCase() === wanted)) continue;
    for (const link of (await mailbox.read(m.id)).links) {
      let url: string;
      try {
        url = confirmationUrl(e, link);
      } catch {
        continue;
      }
      if (o.requestId === undefined || new URL(url).searchParams.get('requestId') === o.requestId) return link;
    }
  }
  return undefined;
}
