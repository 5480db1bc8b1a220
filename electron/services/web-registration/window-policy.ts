/**
 * The rules of the VO registration window, as plain data and pure functions so they are tested
 * without Electron: the one origin it may show (the VO's registration page, from the VO
 * directory), what happens to every other address, which server may ask for the certificate.
 * Server certificates are Chromium's own verification (the NSS db where the Trust CAs step puts
 * the CAs): no verify proc, which could only weaken or duplicate it. electron/main/registration-window.ts applies them.
 */
import { OnboardError } from '../../../shared/errors';

/** Its own in-memory session: no cookies or cache shared with the app window, nothing kept after quit. */
export const REGISTRATION_PARTITION = 'osg-vo-registration';

/** The registration page's origin: https only, no credentials in the URL, a host. */
export function registrationOrigin(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new OnboardError('INVALID_INPUT', { field: 'registration URL', detail: 'is not an address' });
  }
  if (u.protocol !== 'https:' || !u.hostname || u.username || u.password) {
    throw new OnboardError('INVALID_INPUT', { field: 'registration URL', detail: 'must be an https:// address without a user name or password' });
  }
  return u.origin;
}

export type NavigationDecision = 'allow' | 'external' | 'refuse';

/**
 * Where a navigation of the registration window may go: the registration origin stays in the
 * window; another https page opens in the user's browser (without the certificate); anything
 * else (http, file:, javascript:, data:, credentials in the URL) is refused.
 */
export function navigationDecision(url: string, origin: string): NavigationDecision {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'refuse';
  }
  if (u.username || u.password) return 'refuse';
  if (u.protocol === 'https:' && u.origin === origin) return 'allow';
  if (u.protocol === 'https:' && u.hostname) return 'external';
  return 'refuse';
}

/**
 * Whether a client-certificate request comes from the registration server itself. Electron's
 * `select-client-certificate` names the asking server as `host:port` (its `url` argument carries
 * `SSLCertRequestInfo::host_and_port`); a full URL is accepted too. Any other server in the
 * window (a sub-resource, an embedded frame) gets no certificate.
 */
export function certificateRequestAllowed(requester: string, origin: string): boolean {
  const o = new URL(origin);
  const want = `${o.hostname.toLowerCase()}:${o.port || '443'}`;
  let u: URL;
  try {
    u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(requester) ? requester : `https://${requester}`);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' || u.username || u.password) return false;
  return `${u.hostname.toLowerCase()}:${u.port || '443'}` === want;
}

/** Web permissions (camera, notifications, geolocation…): a registration form needs none. */
export function permissionVerdict(): false {
  return false;
}
