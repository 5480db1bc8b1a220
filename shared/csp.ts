/**
 * The renderer's Content Security Policy, the same for the Electron window (app:// protocol
 * headers) and browser mode (bridge headers). No remote code, no eval, no plugins, no frames,
 * no inline script; inline <style> only with the per-response nonce that emotion (MUI's style
 * engine) stamps on the elements it injects. The page learns the nonce from a meta tag.
 */
export function contentSecurityPolicy(styleNonce: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${styleNonce}'`,
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** For non-HTML answers (no inline style possible). */
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy('none-for-this-resource');

export const NONCE_PLACEHOLDER = '__OSG_ONBOARD_STYLE_NONCE__';

/** Stamps a fresh nonce into index.html (the meta tag emotion reads). */
export function withStyleNonce(html: string, nonce: string): string {
  return html.split(NONCE_PLACEHOLDER).join(nonce);
}
