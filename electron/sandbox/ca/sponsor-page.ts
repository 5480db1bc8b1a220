import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import { isOnboardError } from '../../../shared/errors';
import type { CaCore } from './ca-core';
import type { SandboxRequest } from './request-store';

/**
 * The sponsor's page: pending requests with Approve / Reject, and the decisions so far. Guarded
 * by a per-start admin token in the URL; POSTs also need the page's CSRF token and a same-origin
 * Origin (or Sec-Fetch-Site) header, and the page can be neither framed nor leak its URL.
 */

export interface SponsorContext {
  readonly core: CaCore;
  readonly adminToken: string;
  readonly csrfToken: string;
  /** Origins the page is served from (`https://127.0.0.1:<port>`, `https://localhost:<port>`). */
  readonly origins: () => readonly string[];
}

const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

export function sameSecret(given: string | null | undefined, expected: string): boolean {
  if (!given) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

const esc = (s: string | undefined): string =>
  (s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(res: ServerResponse, status: number, title: string, body: string): void {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#1a1a1a;background:#fff}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #888;padding:.4rem;text-align:left;vertical-align:top}
code{word-break:break-all}button{padding:.3rem .8rem;margin:.1rem}.approve{background:#0b6e2c;color:#fff;border:0}.reject{background:#a8071a;color:#fff;border:0}
.note{background:#eef5ff;border-left:4px solid #1d4ed8;padding:.5rem 1rem}
@media (prefers-color-scheme: dark){body{background:#111;color:#eee}th,td{border-color:#777}.note{background:#10243f}}
</style></head><body><main>${body}</main></body></html>`;
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', ...SECURITY_HEADERS });
  res.end(html);
}

function row(r: SandboxRequest, csrf: string, token: string): string {
  const common = `<td><strong>${esc(r.id)}</strong></td><td>${esc(r.name)}${r.email ? `<br>${esc(r.email)}` : ''}</td><td><code>${esc(r.subject)}</code></td><td>${esc(r.createdAt.replace('T', ' ').slice(0, 19))} UTC</td><td>${esc(r.auth)}</td>`;
  if (r.status !== 'pending') {
    const what = r.status === 'rejected' ? `rejected${r.reason ? `: ${esc(r.reason)}` : ''}` : r.status === 'issued' ? `issued (serial <code>${esc(r.serial)}</code>)` : 'approved';
    return `<tr>${common}<td>${what}<br><small>by ${esc(r.decidedBy)}</small></td></tr>`;
  }
  const action = `/sponsor/decide?token=${encodeURIComponent(token)}`;
  return `<tr>${common}<td>
<form method="post" action="${action}"><input type="hidden" name="csrf" value="${esc(csrf)}"><input type="hidden" name="id" value="${esc(r.id)}"><input type="hidden" name="action" value="approve"><button class="approve" type="submit">Approve ${esc(r.id)}</button></form>
<form method="post" action="${action}"><input type="hidden" name="csrf" value="${esc(csrf)}"><input type="hidden" name="id" value="${esc(r.id)}"><input type="hidden" name="action" value="reject">
<label for="reason-${esc(r.id)}">Reason (shown to the requester)</label><br><input id="reason-${esc(r.id)}" name="reason" maxlength="500" size="28"> <button class="reject" type="submit">Reject ${esc(r.id)}</button></form>
</td></tr>`;
}

const HEAD = '<tr><th scope="col">Request</th><th scope="col">Name and e-mail</th><th scope="col">Certificate subject</th><th scope="col">Requested</th><th scope="col">Authenticated by</th><th scope="col">Decision</th></tr>';

async function renderList(res: ServerResponse, ctx: SponsorContext, note?: string): Promise<void> {
  const all = await ctx.core.list();
  const pending = all.filter((r) => r.status === 'pending');
  const decided = all.filter((r) => r.status !== 'pending').reverse().slice(0, 100);
  const auto = ctx.core.autoApprove;
  const settings = `/sponsor/settings?token=${encodeURIComponent(ctx.adminToken)}`;
  page(
    res,
    200,
    'Sandbox CA — sponsor approval',
    `<h1>Sandbox CA — sponsor approval</h1>
<p>You are the sponsor of the OSG Onboard sandbox VO. Check that each request is from someone you know, then approve or reject it. <a href="/sponsor?token=${encodeURIComponent(ctx.adminToken)}">Refresh</a></p>
${note ? `<p class="note" role="status">${esc(note)}</p>` : ''}
<form method="post" action="${settings}"><input type="hidden" name="csrf" value="${esc(ctx.csrfToken)}"><input type="hidden" name="autoApprove" value="${auto ? 'off' : 'on'}">
<p>Help-desk auto-approve is <strong>${auto ? 'on' : 'off'}</strong>. <button type="submit">Turn auto-approve ${auto ? 'off' : 'on'}</button></p></form>
<h2>Waiting for you (${pending.length})</h2>
${pending.length ? `<table>${HEAD}${pending.map((r) => row(r, ctx.csrfToken, ctx.adminToken)).join('')}</table>` : '<p>No request is waiting.</p>'}
<h2>Decided</h2>
${decided.length ? `<table>${HEAD}${decided.map((r) => row(r, ctx.csrfToken, ctx.adminToken)).join('')}</table>` : '<p>Nothing decided yet.</p>'}`,
  );
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  if (!/^application\/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '')) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 16 * 1024) return undefined;
    chunks.push(c as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function sameOrigin(req: IncomingMessage, ctx: SponsorContext): boolean {
  const origin = req.headers.origin;
  // Browsers send `Origin: null` for a form POST from a page whose Referrer-Policy is
  // no-referrer (ours): then Sec-Fetch-Site decides (a cross-site form says `cross-site`).
  if (origin !== undefined && origin !== 'null') return ctx.origins().includes(origin);
  if (origin === 'null') return req.headers['sec-fetch-site'] === 'same-origin';
  const site = req.headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin';
}

/** Handles `/sponsor…`; returns false when the path is not the sponsor page's. */
export async function handleSponsor(req: IncomingMessage, res: ServerResponse, url: URL, ctx: SponsorContext): Promise<boolean> {
  if (url.pathname !== '/sponsor' && !url.pathname.startsWith('/sponsor/')) return false;
  if (!sameSecret(url.searchParams.get('token'), ctx.adminToken)) {
    page(res, 403, 'Sponsor page link not valid', '<h1>This sponsor page link is not valid</h1><p>The link changes each time the sandbox CA starts. Use the sponsor page address it printed (or the one the app shows).</p>');
    return true;
  }
  if (req.method === 'GET' && url.pathname === '/sponsor') {
    await renderList(res, ctx, url.searchParams.get('note') ?? undefined);
    return true;
  }
  if (req.method !== 'POST' || (url.pathname !== '/sponsor/decide' && url.pathname !== '/sponsor/settings')) {
    page(res, 404, 'Not found', '<h1>Not found</h1>');
    return true;
  }
  const form = await readForm(req);
  if (!form || !sameOrigin(req, ctx) || !sameSecret(form.get('csrf'), ctx.csrfToken)) {
    page(res, 403, 'Refused', '<h1>Refused</h1><p>This form did not come from the sponsor page. Open the sponsor page again and use its buttons.</p>');
    return true;
  }
  let note: string;
  if (url.pathname === '/sponsor/settings') {
    ctx.core.autoApprove = form.get('autoApprove') === 'on';
    note = `Help-desk auto-approve is now ${ctx.core.autoApprove ? 'on' : 'off'}.`;
  } else {
    const id = form.get('id') ?? '';
    const action = form.get('action');
    try {
      if (action === 'approve') {
        const r = await ctx.core.approve(id, 'sponsor (sponsor page)');
        note = `Request ${r.id} approved; the certificate for ${r.name} is issued when their app asks again.`;
      } else if (action === 'reject') {
        const r = await ctx.core.reject(id, form.get('reason') ?? undefined, 'sponsor (sponsor page)');
        note = `Request ${r.id} rejected.`;
      } else note = 'Choose Approve or Reject.';
    } catch (e) {
      if (!isOnboardError(e)) throw e;
      note = e.message;
    }
  }
  // Post/Redirect/Get: a reload does not resend the decision.
  res.writeHead(303, { Location: `/sponsor?token=${encodeURIComponent(ctx.adminToken)}&note=${encodeURIComponent(note)}`, ...SECURITY_HEADERS });
  res.end();
  return true;
}
