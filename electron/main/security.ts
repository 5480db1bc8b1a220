import { hasOrigin } from './ipc';

/** Navigation stays inside the app's own origin. */
export function isAllowedNavigation(url: string): boolean {
  return hasOrigin(url);
}

/**
 * Links the user may open in their browser (VO registration pages, documentation): https only,
 * no credentials in the URL. Everything else is refused.
 */
export function isAllowedExternal(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && !u.username && !u.password && u.hostname.length > 0;
  } catch {
    return false;
  }
}
