/**
 * The renderer's Content Security Policy, the same for the Electron window (app:// protocol
 * headers) and browser mode (bridge headers). No remote code, no eval, no plugins, no frames.
 * Inline styles are allowed because MUI/emotion inject <style> elements; scripts are not.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');
