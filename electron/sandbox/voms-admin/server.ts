import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { isOnboardError } from '../../../shared/errors';
import { certificateNames } from '../../services/registration/certificate-names';
import { VomsAdminState, type Member, type MembershipRequest, type VomsAdminStateData } from './state';
import { Registrar, mailTransport, newToken } from './registrar';
import * as pages from './pages';
import type { FieldError } from '../../services/registration/voms-admin-fields';
import { startSandboxAcServer, type SandboxAcServer } from './ac-server';
import { SANDBOX_VOMS_HOST, type VomsHostCredential } from './voms-host';

export interface SandboxTlsMaterial {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface StartSandboxVomsOptions {
  /** Durable state folder (state.json). */
  readonly dir: string;
  readonly vo: string;
  /** CA certificates whose users may register (the installed trust). */
  readonly trustedCaPems: readonly string[];
  /** The service's own TLS certificate and key, or a function that makes / fetches them. */
  readonly tls: SandboxTlsMaterial | (() => Promise<SandboxTlsMaterial>);
  /** The sandbox mailbox's SMTP port (and host, loopback) for the e-mails. */
  readonly smtp?: { readonly host?: string; readonly port: number };
  /** The mailbox folder, recorded so the CLI can deliver when nothing runs. */
  readonly mailboxDir?: string;
  /** 0 for a free port; default: the port of the previous run when free (old e-mail links keep working). */
  readonly port?: number;
  readonly aupText?: string;
  /** Groups a member may ask for, e.g. `/sandbox/analysis` (the root group `/<vo>` is implied). */
  readonly groups?: readonly string[];
  /**
   * The VOMS server's host credential (issued by the sandbox CA): when given, the VOMS server
   * issuing attribute certificates (`/generate-ac`) runs too, on its own port.
   */
  readonly vomsHost?: VomsHostCredential | (() => Promise<VomsHostCredential>);
  /** Its port (default: the previous run's when free, else any). */
  readonly vomsPort?: number;
  readonly now?: () => Date;
}

/** The running sandbox VOMS server as a VO entry's `vomsServers[]` item (what vomses and the `.lsc` say). */
export interface SandboxVomsServerEntry {
  readonly host: string;
  readonly port: number;
  readonly dn: string;
  readonly caDn: string;
}

export interface SandboxVoms {
  /** `https://127.0.0.1:<port>` */
  readonly baseUrl: string;
  /** `<baseUrl>/voms/<vo>` — what a VO entry's registration URL points at. */
  readonly voUrl: string;
  /** Opens the VO-admin page (carries this run's admin token: show it only to the local user). */
  readonly adminUrl: string;
  readonly port: number;
  /** The VOMS server issuing ACs, when `vomsHost` was given. */
  readonly vomsServer?: SandboxVomsServerEntry;
  approve(requestId: string): Promise<{ request: MembershipRequest; member?: Member }>;
  reject(requestId: string): Promise<{ request: MembershipRequest }>;
  list(): Promise<VomsAdminStateData>;
  close(): Promise<void>;
}

const DEFAULT_AUP =
  'OSG Onboard sandbox VO — Acceptable Usage Policy (practice).\n\n1. You use the sandbox only to learn the registration steps.\n2. You keep your private key and passwords to yourself.\n3. Nothing you do here reaches a real grid.';

const ADMIN_COOKIE = 'sandbox_voms_admin';
const MAX_BODY = 16 * 1024;

type Identity = { ok: true; dn: string; caDn: string } | { ok: false; reason: 'no-certificate' | 'untrusted-certificate'; detail: string };

function clientIdentity(req: IncomingMessage): Identity {
  const socket = req.socket as TLSSocket;
  const cert = socket.getPeerX509Certificate?.();
  if (!cert) return { ok: false, reason: 'no-certificate', detail: 'no certificate presented' };
  if (!socket.authorized) return { ok: false, reason: 'untrusted-certificate', detail: String(socket.authorizationError ?? 'not trusted') };
  const names = certificateNames(cert.raw);
  return { ok: true, dn: names.subject, caDn: names.issuer };
}

function send(res: ServerResponse, status: number, body: string, type = 'text/html; charset=utf-8', headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    ...headers,
  });
  res.end(body);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY) return undefined;
    chunks.push(c);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

function userInfoJson(m: Member): string {
  // VOMS-Admin's VOMSUserJSON (apiv2/user-info.action), plus the member's groups.
  return JSON.stringify({
    id: m.id,
    name: m.name,
    surname: m.surname,
    institution: m.institution,
    address: m.address,
    phoneNumber: m.phoneNumber,
    emailAddress: m.emailAddress,
    creationTime: m.creationTime,
    endTime: m.endTime,
    suspended: m.suspended,
    certificates: m.certificates,
    fqans: m.fqans,
  });
}

async function listen(server: https.Server, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * The sandbox VOMS-Admin: HTTPS on 127.0.0.1 asking every client for a certificate, speaking the
 * registration flow (start → submit → e-mailed confirmation link → VO admin decision → member
 * info) with durable state in `dir`.
 */
export async function startSandboxVoms(opts: StartSandboxVomsOptions): Promise<SandboxVoms> {
  const now = opts.now ?? (() => new Date());
  const vo = opts.vo;
  const state = new VomsAdminState(opts.dir, vo, now);
  const previous = await state.read();
  const route = { smtpHost: opts.smtp?.host, smtpPort: opts.smtp?.port, mailboxDir: opts.mailboxDir };
  const registrar = new Registrar(state, mailTransport(opts.smtp ? { smtpHost: route.smtpHost, smtpPort: route.smtpPort } : route, false, now), now);
  const tls = typeof opts.tls === 'function' ? await opts.tls() : opts.tls;
  const adminToken = newToken();
  const csrf = newToken();
  const formTokens = new Map<string, { dn: string; expires: number }>();
  const aup = opts.aupText ?? DEFAULT_AUP;
  const groups = (opts.groups ?? []).filter((g) => g !== `/${vo}`);
  const prefix = `/voms/${vo}`;
  let baseUrl = '';

  const issueFormToken = (dn: string) => {
    const token = newToken();
    formTokens.set(token, { dn, expires: Date.now() + 3600_000 });
    if (formTokens.size > 1000) formTokens.delete(formTokens.keys().next().value as string);
    return token;
  };

  const isAdmin = (req: IncomingMessage) => {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    return cookie(req, ADMIN_COOKIE) === adminToken || bearer === adminToken;
  };

  async function registration(req: IncomingMessage, res: ServerResponse, action: string, url: URL): Promise<void> {
    if (action === 'confirm-request.action' || action === 'cancel-request.action') {
      // The link from the e-mail is the credential here (a browser without the certificate may open it).
      const requestId = url.searchParams.get('requestId') ?? '';
      const confirmationId = url.searchParams.get('confirmationId') ?? '';
      try {
        if (action === 'confirm-request.action') {
          const r = await registrar.confirm(requestId, confirmationId);
          return send(res, 200, pages.pendingApprovalPage(vo, r, true));
        }
        await registrar.cancel(requestId, confirmationId);
        return send(res, 200, pages.messagePage(vo, 'Request cancelled', 'cancelled', 'Your membership request has been cancelled.'));
      } catch (e) {
        if (!isOnboardError(e)) throw e;
        return send(res, 400, pages.messagePage(vo, 'Confirmation failed', 'confirmation-error', e.message));
      }
    }
    const who = clientIdentity(req);
    if (!who.ok) return send(res, 403, pages.guestPage(vo, who.reason, who.detail), undefined, { 'X-VOMS-Admin-Error': who.reason });

    if (action === 'start.action' && req.method === 'GET') {
      const s = await state.read();
      const st = VomsAdminState.startStatus(s, who.dn, who.caDn);
      if (st.status === 'already-member') return send(res, 302, '', undefined, { Location: `${prefix}/user/home.action` });
      if (st.status === 'confirmation-needed') return send(res, 200, pages.waitsConfirmationPage(vo, st.request, false));
      if (st.status === 'pending-approval') return send(res, 200, pages.pendingApprovalPage(vo, st.request, false));
      return send(res, 200, pages.registerFormPage({ vo, dn: who.dn, caDn: who.caDn, token: issueFormToken(who.dn), aup, groups }));
    }
    if ((action === 'submit-request.action' || action === 'submit.action') && req.method === 'POST') {
      const form = await readForm(req);
      if (!form) return send(res, 415, pages.messagePage(vo, 'Bad request', 'not-found', 'Send the registration form as application/x-www-form-urlencoded (at most 16 KB).'));
      const values = Object.fromEntries(form.entries());
      const requestedGroups = form.getAll('requestedGroups');
      const again = (errors: readonly FieldError[]) =>
        pages.registerFormPage({ vo, dn: who.dn, caDn: who.caDn, token: issueFormToken(who.dn), aup, groups, requestedGroups, values, errors });
      const token = formTokens.get(values.token ?? '');
      if (!token || token.dn !== who.dn || token.expires < Date.now()) {
        // Struts' token interceptor: a stale or replayed form goes back to the form.
        return send(res, 200, again([{ field: 'form', message: 'The form has expired or was already sent; check the values and submit again.' }]));
      }
      formTokens.delete(values.token);
      const result = await registrar.submit(who.dn, who.caDn, values, baseUrl, { requested: requestedGroups, offered: groups });
      if (result.ok) return send(res, 200, pages.waitsConfirmationPage(vo, result.request, true));
      if ('errors' in result) return send(res, 200, again(result.errors));
      const st = result.existing;
      if (st.status === 'already-member') return send(res, 302, '', undefined, { Location: `${prefix}/user/home.action` });
      return send(res, 200, st.status === 'pending-approval' ? pages.pendingApprovalPage(vo, st.request, false) : pages.waitsConfirmationPage(vo, (st as { request: MembershipRequest }).request, false));
    }
    return send(res, 405, pages.messagePage(vo, 'Not allowed', 'not-found', `${req.method} is not allowed here.`));
  }

  async function admin(req: IncomingMessage, res: ServerResponse, action: string, url: URL): Promise<void> {
    const adminBase = `${prefix}/sandbox-admin`;
    if (action === 'login' && req.method === 'GET') {
      if (url.searchParams.get('token') !== adminToken) return send(res, 403, pages.messagePage(vo, 'Not allowed', 'not-found', 'This admin link is not valid (it changes at every start of the sandbox).'));
      return send(res, 303, '', undefined, {
        Location: `${adminBase}/requests`,
        'Set-Cookie': `${ADMIN_COOKIE}=${adminToken}; Path=${adminBase}; HttpOnly; Secure; SameSite=Strict`,
      });
    }
    if (!isAdmin(req)) return send(res, 403, pages.messagePage(vo, 'Not allowed', 'not-found', 'Open the VO admin page from the link the app shows.'));
    if (action === 'requests' && req.method === 'GET') {
      const s = await state.read();
      // `same-origin`, not `no-referrer`: under no-referrer browsers post the decision form with
      // `Origin: null`, which the Origin check below must refuse.
      return send(res, 200, pages.adminPage(vo, [...s.requests].reverse(), csrf, s.members, url.searchParams.get('done') ?? undefined), undefined, { 'Referrer-Policy': 'same-origin' });
    }
    if (action === 'decide' && req.method === 'POST') {
      const origin = req.headers.origin;
      const form = await readForm(req);
      // CSRF: SameSite cookie, a per-start form token, and the Origin when the browser sends one.
      if (!form || form.get('csrf') !== csrf || (origin !== undefined && origin !== baseUrl)) {
        return send(res, 403, pages.messagePage(vo, 'Not allowed', 'not-found', 'This form is stale or did not come from the admin page; reload the page.'));
      }
      const decision = form.get('decision');
      const requestId = form.get('requestId') ?? '';
      if (decision !== 'approve' && decision !== 'reject') return send(res, 400, pages.messagePage(vo, 'Bad request', 'not-found', 'Unknown decision.'));
      try {
        await registrar.decide(requestId, decision, 'vo-admin (sandbox page)');
      } catch (e) {
        if (!isOnboardError(e)) throw e;
        return send(res, 409, pages.messagePage(vo, 'Not possible', 'not-found', e.message));
      }
      const done = `Request ${requestId} ${decision === 'approve' ? 'approved' : 'rejected'}.`;
      return send(res, 303, '', undefined, { Location: `${adminBase}/requests?done=${encodeURIComponent(done)}` });
    }
    return send(res, 404, pages.messagePage(vo, 'Not found', 'not-found', 'No such admin page.'));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const path = url.pathname;
    if (path.startsWith(`${prefix}/register/`)) return registration(req, res, path.slice(`${prefix}/register/`.length), url);
    if (path.startsWith(`${prefix}/sandbox-admin/`)) return admin(req, res, path.slice(`${prefix}/sandbox-admin/`.length), url);
    if (path === `${prefix}/apiv2/user-info.action` || path === `${prefix}/user/home.action`) {
      const who = clientIdentity(req);
      if (!who.ok) return send(res, 403, pages.guestPage(vo, who.reason, who.detail), undefined, { 'X-VOMS-Admin-Error': who.reason });
      const dn = url.searchParams.get('dn');
      const ca = url.searchParams.get('ca');
      if ((dn !== null && dn !== who.dn) || (ca !== null && ca !== who.caDn)) return send(res, 403, 'You may only read your own member information.', 'text/plain; charset=utf-8');
      const member = VomsAdminState.memberByDn(await state.read(), who.dn, who.caDn);
      if (path.endsWith('home.action')) {
        return member ? send(res, 200, pages.memberPage(vo, member)) : send(res, 302, '', undefined, { Location: `${prefix}/register/start.action` });
      }
      return member ? send(res, 200, userInfoJson(member), 'application/json') : send(res, 404, 'User not found', 'text/plain; charset=utf-8');
    }
    return send(res, 404, pages.messagePage(vo, 'Not found', 'not-found', `There is nothing at ${path}. The registration starts at ${prefix}/register/start.action.`));
  }

  const server = https.createServer(
    { cert: tls.certPem, key: tls.keyPem, ca: [...opts.trustedCaPems], requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2' },
    (req, res) => {
      handle(req, res).catch((e) => {
        const status = isOnboardError(e) && e.code === 'REGISTRATION_SANDBOX_BUSY' ? 503 : 500;
        if (!res.headersSent) send(res, status, pages.messagePage(vo, 'Server error', 'not-found', isOnboardError(e) ? e.message : 'Something went wrong in the sandbox VO service.'));
        else res.destroy();
      });
    },
  );
  server.on('tlsClientError', () => {
    // A client that gives up during the handshake: nothing to do.
  });
  const wanted = opts.port ?? previous.lastPort ?? 0;
  try {
    await listen(server, wanted);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || opts.port !== undefined) throw e;
    await listen(server, 0);
  }
  const port = (server.address() as AddressInfo).port;
  baseUrl = `https://127.0.0.1:${port}`;
  let acServer: SandboxAcServer | undefined;
  let vomsServer: SandboxVomsServerEntry | undefined;
  if (opts.vomsHost) {
    try {
      const host = typeof opts.vomsHost === 'function' ? await opts.vomsHost() : opts.vomsHost;
      acServer = await startSandboxAcServer({
        vo, state, trustedCaPems: opts.trustedCaPems, host, uriHost: SANDBOX_VOMS_HOST, port: opts.vomsPort ?? previous.vomsPort, now,
      });
      vomsServer = { host: SANDBOX_VOMS_HOST, port: acServer.port, dn: host.cert.subjectDn, caDn: host.cert.issuerDn };
    } catch (e) {
      server.close();
      throw e;
    }
  }
  await state.update((s) => {
    s.lastPort = port;
    if (acServer) s.vomsPort = acServer.port;
    s.mail = { smtpHost: route.smtpHost, smtpPort: route.smtpPort, mailboxDir: route.mailboxDir };
  });
  await registrar.flush();

  return {
    baseUrl,
    voUrl: `${baseUrl}${prefix}`,
    adminUrl: `${baseUrl}${prefix}/sandbox-admin/login?token=${adminToken}`,
    port,
    vomsServer,
    approve: (id) => registrar.decide(id, 'approve', 'vo-admin (app)'),
    reject: (id) => registrar.decide(id, 'reject', 'vo-admin (app)'),
    list: () => registrar.list(),
    close: async () => {
      await Promise.all([
        acServer?.close(),
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
      ]);
    },
  };
}
