/**
 * The rules of the VO registration window, as plain data and pure functions so they are tested
 * without Electron: the one origin it may show (the VO's registration page, from the VO
 * directory), what happens to every other address, the server certificates it accepts, and its
 * web preferences. electron/main/registration-window.ts applies them.
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

/** Chromium's verdict (`-3`) for the registration host; refused (`-2`) for any other host. */
export function serverCertificateVerdict(hostname: string, origin: string): -2 | -3 {
  const host = new URL(origin).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return hostname.replace(/^\[|\]$/g, '').toLowerCase() === host ? -3 : -2;
}

/** Web permissions (camera, notifications, geolocation…): a registration form needs none. */
export function permissionVerdict(): false {
  return false;
}
