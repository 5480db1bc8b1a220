/**
 * The Register step (seed 000, "VO Registration"): log in to the VO's VOMS-Admin with the new
 * certificate, fill in the form, follow the link in the e-mail, wait for the VO administrator,
 * then check the member information. The VO server itself says where a registration stands
 * (`startRegistration`), so the step resumes after a restart of the app or of the sandbox
 * service; the journal keeps what the user did. IAM VOs register natively (no certificate
 * needed); VOMRS and other web pages get a hand-off.
 */
import path from 'node:path';
import { OnboardError, isOnboardError, toWireError } from '../../../shared/errors';
import type { RegisterFormInput, RegisterMailMessage, RegisterMailSummary, RegisterView } from '../../../shared/contract/register';
import type { VoEntry } from '../../../shared/vo';
import type { ServiceContext } from '../context';
import type { Journal, JournalData } from '../journal/journal';
import type { KeyProtection } from '../request/key-protection';
import type { VoService } from '../vo/vo-service';
import type { Sandbox } from '../../sandbox';
import { listSandboxMail, readSandboxMail } from './sandbox-mail';
import { appTlsCa } from '../trust';
import { ensureDir } from '../fs/atomic';
import {
  confirmRegistration,
  fetchMemberInfo,
  startRegistration,
  submitRegistration,
  vomsAdminEndpoint,
  waitForMembership,
  type StartResult,
  type VomsAdminSession,
  type VomsUserInfo,
} from '../registration/voms-admin-connector';
import { iamCreateRegistration, iamVerifyRegistration } from '../registration/iam-connector';
import { writeVomsesFiles } from '../registration/vomses';
import { RegisterCredentials, type HeldCredential } from './register-credential';
import { prefillFromCertificate } from './certificate-prefill';
import { readRegisterSection, writeRegisterSection, type RegisterSection } from './register-state';
import { handoffFor } from './register-handoff';
import { memberView, noVomsServerReason, registerKind, registerSummary, voView } from './register-views';

export interface RegisterServiceOptions {
  readonly context: Pick<ServiceContext, 'dataDir' | 'homeDir' | 'now' | 'emit' | 'shell'>;
  readonly journal: Journal;
  readonly vo: VoService;
  readonly sandbox: Sandbox | null;
  /** Key passphrases (keychain, or typed once per session), shared with Request and Back up. */
  readonly keys: KeyProtection;
  /** Checks of the member information while the VO administrator decides. */
  readonly poll?: { readonly intervalMs?: number; readonly maxAttempts?: number };
  /** CAs trusted for the VO servers; default the app's trust (public roots + the installed CAs). */
  readonly trustedCaPems?: () => Promise<readonly string[]>;
}

interface Loaded {
  readonly vo: VoEntry;
  readonly kind: ReturnType<typeof registerKind>;
  readonly url: string;
  readonly held: HeldCredential | null;
  readonly section: RegisterSection | null;
  readonly sandbox?: RegisterView['sandbox'];
}

type Form = Omit<RegisterFormInput, 'keyPassphrase'>;

export class RegisterService {
  readonly credentials: RegisterCredentials;
  private poll: { key: string; abort: AbortController; lastCheckedAt?: string } | undefined;

  constructor(private readonly o: RegisterServiceOptions) {
    this.credentials = new RegisterCredentials({ journal: o.journal, keys: o.keys });
  }

  private now(): string {
    return this.o.context.now().toISOString();
  }

  private trust(): Promise<readonly string[]> {
    return this.o.trustedCaPems ? this.o.trustedCaPems() : appTlsCa(this.o.context.dataDir);
  }

  /** The sandbox VOMS-Admin (started on first use; its folders are made first). */
  private async sandboxVoms() {
    const sandbox = this.o.sandbox;
    if (!sandbox) return undefined;
    await ensureDir(sandbox.dir, 0o700);
    await ensureDir(sandbox.caDir, 0o700);
    await ensureDir(path.join(sandbox.dir, 'voms-admin-tls'), 0o700);
    return sandbox.voms();
  }

  private async load(): Promise<Loaded | null> {
    const choice = await this.o.vo.current();
    if (!choice) return null;
    const vo = choice.vo;
    const kind = registerKind(vo);
    const voms = kind === 'voms-admin' && vo.sandbox ? await this.sandboxVoms() : undefined;
    const held = await this.credentials.current();
    let section = readRegisterSection(await this.o.journal.read(), vo.name);
    if (section && kind === 'voms-admin' && section.credentialId !== held?.record.id) section = null;
    return {
      // The sandbox VO's VOMS server is the running one (its CA name and port are per install):
      // the vomses line and .lsc the member step writes are what the server really is.
      vo: voms?.vomsServer ? { ...vo, vomsServers: [voms.vomsServer] } : vo,
      kind,
      url: voms?.voUrl ?? vo.registration.url,
      held,
      section,
      sandbox: voms ? { adminUrl: voms.adminUrl, mailbox: true } : undefined,
    };
  }

  private common(l: Loaded): Omit<RegisterView, 'stage'> {
    const s = l.section;
    return {
      vo: voView(l.vo, l.url),
      certificate: l.held ? this.credentials.view(l.held) : undefined,
      sandbox: l.sandbox,
      polling: false,
      requestId: s?.requestId,
      emailAddress: s?.emailAddress,
      submittedAt: s?.submittedAt,
      confirmedAt: s?.confirmedAt,
      requestedGroups: s?.requestedGroups,
      member: s?.member,
      memberAt: s?.memberAt,
      vomses: s?.vomses,
    };
  }

  /** Changes this VO's section (written only when something changed: a write tells every window). */
  private async save(l: Loaded, change: (s: RegisterSection) => RegisterSection, event?: string): Promise<RegisterSection> {
    const fresh = (j: JournalData): RegisterSection => {
      const old = readRegisterSection(j, l.vo.name);
      const mine = old && (l.kind !== 'voms-admin' || old.credentialId === l.held?.record.id);
      return mine ? old : { vo: l.vo.name, kind: l.kind, stage: 'confirmation-needed', credentialId: l.held?.record.id, dn: l.held?.record.certificate.subject, caDn: l.held?.record.certificate.issuer, requestedGroups: [] };
    };
    const before = readRegisterSection(await this.o.journal.read(), l.vo.name);
    const probe = change(fresh(await this.o.journal.read()));
    if (JSON.stringify(before) === JSON.stringify(probe) && !event) return probe;
    let out = probe;
    await this.o.journal.update((j) => {
      out = change(fresh(j));
      writeRegisterSection(j, out);
      const status = out.stage === 'member' || out.stage === 'handoff-done' ? 'done' : out.stage === 'rejected' ? 'failed' : 'in-progress';
      this.o.journal.setStep(j, 'register', status, registerSummary(out));
      if (event) this.o.journal.record(j, 'register', event, out.requestId ? `request ${out.requestId}` : undefined);
    });
    return out;
  }

  private async session(l: Loaded, held: HeldCredential, typed?: string): Promise<VomsAdminSession> {
    const endpoint = vomsAdminEndpoint(l.url, await this.trust());
    return { endpoint, credential: await this.credentials.tlsCredential(held, typed) };
  }

  private pollKey(l: Loaded, held: HeldCredential): string {
    return `${l.vo.name}\n${held.record.id}`;
  }

  async status(refresh = false): Promise<RegisterView> {
    const l = await this.load();
    if (!l) return { stage: 'no-vo', polling: false };
    const common = this.common(l);
    if (l.kind === 'web') return this.handoffView(l);
    if (l.kind === 'iam') return this.iamView(l);
    const held = l.held;
    if (!held) return { ...common, stage: 'no-certificate' };
    if (!refresh && (l.section?.stage === 'member' || l.section?.stage === 'rejected')) return { ...common, stage: l.section.stage };
    if (this.poll?.key === this.pollKey(l, held)) return { ...common, stage: 'pending-approval', polling: true, lastCheckedAt: this.poll.lastCheckedAt };
    if (this.credentials.needsPassphrase(held)) return { ...common, stage: 'needs-passphrase' };
    let session: VomsAdminSession;
    let start: StartResult;
    try {
      session = await this.session(l, held);
      start = await startRegistration(session);
    } catch (e) {
      if (isOnboardError(e) && e.code === 'KEY_PASSPHRASE_REQUIRED') return { ...common, stage: 'needs-passphrase' };
      return { ...common, stage: 'error', problem: toWireError(e) };
    }
    return this.fromServer(l, held, session, start);
  }

  /** What the VO server said about this certificate, recorded and shown. */
  private async fromServer(l: Loaded, held: HeldCredential, session: VomsAdminSession, start: StartResult): Promise<RegisterView> {
    const common = this.common(l);
    switch (start.status) {
      case 'form': {
        if (l.section?.stage === 'pending-approval') {
          // The request vanished from the server while it waited: the VO administrator rejected it.
          const s = await this.save(l, (x) => ({ ...x, stage: 'rejected', rejectedAt: this.now() }), 'rejected');
          return { ...this.common({ ...l, section: s }), stage: 'rejected' };
        }
        const prefill = prefillFromCertificate(held.certificate);
        return {
          ...common,
          stage: 'form',
          form: { dn: start.dn ?? held.record.certificate.subject, caDn: start.caDn ?? held.record.certificate.issuer, aupText: start.aupText, groups: start.groups ?? [], prefill, needsUsername: false },
        };
      }
      case 'confirmation-needed': {
        const s = await this.save(l, (x) => ({ ...x, stage: 'confirmation-needed', requestId: start.requestId ?? x.requestId }));
        return { ...this.common({ ...l, section: s }), stage: 'confirmation-needed' };
      }
      case 'pending-approval': {
        const s = await this.save(l, (x) => ({ ...x, stage: 'pending-approval', requestId: start.requestId ?? x.requestId, confirmedAt: x.confirmedAt ?? this.now() }));
        this.startPoll(l, held, session);
        return { ...this.common({ ...l, section: s }), stage: 'pending-approval', polling: true, lastCheckedAt: this.poll?.lastCheckedAt };
      }
      case 'already-member': {
        const info = await fetchMemberInfo(session).catch((e) => e as Error);
        if (!info || info instanceof Error) {
          const problem = info instanceof Error ? toWireError(info) : toWireError(new OnboardError('REGISTRATION_SERVER_ERROR', { url: l.url, status: 404, detail: 'the server says you are a member but has no member information' }));
          return { ...common, stage: 'error', problem };
        }
        return this.finalize(l, held, info);
      }
    }
  }

  /** The member information is in: the vomses files are written when the VO has VOMS servers. */
  private async finalize(l: Loaded, held: HeldCredential, info: VomsUserInfo): Promise<RegisterView> {
    const m = memberView(info, { dn: held.record.certificate.subject, caDn: held.record.certificate.issuer });
    const member = { ...m, certificates: [...m.certificates], fqans: [...m.fqans] };
    let vomses: NonNullable<RegisterSection['vomses']>;
    if (l.vo.vomsServers.length === 0) vomses = { files: [], reason: noVomsServerReason(l.vo) };
    else {
      try {
        const files = await writeVomsesFiles(l.vo, { homeDir: this.o.context.homeDir, now: this.o.context.now });
        vomses = { files: files.map((f) => ({ path: f.path, status: f.status, ...(f.backupPath ? { backupPath: f.backupPath } : {}) })) };
      } catch (e) {
        vomses = { files: [], reason: `The vomses files could not be written: ${isOnboardError(e) ? e.message : (e as Error).message}` };
      }
    }
    const s = await this.save(l, (x) => ({ ...x, stage: 'member', member, vomses, memberAt: x.stage === 'member' && x.memberAt ? x.memberAt : this.now() }), l.section?.stage === 'member' ? undefined : 'member');
    return { ...this.common({ ...l, section: s }), stage: 'member' };
  }

  private startPoll(l: Loaded, held: HeldCredential, session: VomsAdminSession): void {
    const key = this.pollKey(l, held);
    if (this.poll?.key === key) return;
    this.poll?.abort.abort();
    const p: { key: string; abort: AbortController; lastCheckedAt?: string } = { key, abort: new AbortController() };
    this.poll = p;
    const { intervalMs = l.vo.sandbox ? 2_000 : 60_000, maxAttempts = l.vo.sandbox ? 5_000 : 1_440 } = this.o.poll ?? {};
    const stop = () => {
      if (this.poll === p) this.poll = undefined;
    };
    waitForMembership({ ...session, signal: p.abort.signal }, {
      intervalMs,
      maxAttempts,
      onProgress: ({ attempt }) => {
        p.lastCheckedAt = this.now();
        const at = new Date(p.lastCheckedAt).toLocaleTimeString('en-GB');
        this.o.context.emit('progress', { task: 'registration', fraction: null, label: `Waiting for the VO administrator of ${l.vo.displayName}: checked ${attempt} time${attempt === 1 ? '' : 's'}, last at ${at}.` });
      },
    }).then(
      async (info) => {
        stop();
        await this.finalize(l, held, info);
      },
      async (e) => {
        stop();
        if (isOnboardError(e) && e.code === 'CANCELLED') return;
        if (isOnboardError(e) && e.code === 'REGISTRATION_REJECTED') {
          await this.save(l, (x) => ({ ...x, stage: 'rejected', rejectedAt: this.now() }), 'rejected');
          return;
        }
        // Tell the window (it asks for the status again and sees the problem).
        await this.o.journal.update((j) => this.o.journal.record(j, 'register', 'checkFailed', isOnboardError(e) ? e.code : 'INTERNAL'));
      },
    ).catch(() => {});
  }

  async unlock(passphrase: string): Promise<RegisterView> {
    const held = await this.credentials.current();
    if (!held) throw new OnboardError('REGISTER_NO_CERTIFICATE');
    await this.credentials.unlockWith(held, passphrase);
    return this.status();
  }

  async submit(input: RegisterFormInput): Promise<RegisterView> {
    const l = await this.load();
    if (!l) throw new OnboardError('REGISTER_NO_VO');
    const { keyPassphrase, ...form } = input;
    if (l.kind === 'web') throw new OnboardError('REGISTER_WRONG_KIND', { vo: l.vo.displayName, detail: 'it registers on its own web page' });
    if (l.kind === 'iam') return this.iamSubmit(l, form);
    if (!l.held) throw new OnboardError('REGISTER_NO_CERTIFICATE');
    const session = await this.session(l, l.held, keyPassphrase);
    const requestedGroups = form.requestedGroups ?? [];
    const r = await submitRegistration(session, {
      name: form.name,
      surname: form.surname,
      emailAddress: form.emailAddress,
      institution: form.institution,
      address: form.address,
      phoneNumber: form.phoneNumber,
      userMessage: form.userMessage,
      aupAccepted: true,
      requestedGroups,
    });
    await this.save(
      l,
      (x) => ({
        ...x,
        stage: r.status === 'pending-approval' ? 'pending-approval' : 'confirmation-needed',
        requestId: r.requestId ?? x.requestId,
        emailAddress: form.emailAddress.trim(),
        requestedGroups: [...requestedGroups],
        submittedAt: this.now(),
      }),
      'submitted',
    );
    return this.status();
  }

  async confirm(link: string): Promise<RegisterView> {
    const l = await this.load();
    if (!l) throw new OnboardError('REGISTER_NO_VO');
    if (l.kind === 'web') throw new OnboardError('REGISTER_WRONG_KIND', { vo: l.vo.displayName, detail: 'it registers on its own web page' });
    if (l.kind === 'iam') return this.iamConfirm(l, link);
    if (!l.held) throw new OnboardError('REGISTER_NO_CERTIFICATE');
    const session = await this.session(l, l.held);
    const r = await confirmRegistration(session, link);
    if (r.status === 'pending-approval') await this.save(l, (x) => ({ ...x, stage: 'pending-approval', confirmedAt: this.now() }), 'confirmed');
    return this.status();
  }

  async mailbox(): Promise<RegisterMailSummary[]> {
    if (!this.o.sandbox) throw new OnboardError('REGISTER_SANDBOX_ONLY');
    return listSandboxMail(this.o.sandbox);
  }

  async mailRead(id: string): Promise<RegisterMailMessage> {
    if (!this.o.sandbox) throw new OnboardError('REGISTER_SANDBOX_ONLY');
    return readSandboxMail(this.o.sandbox, id, (await this.sandboxVoms())!.voUrl);
  }

  async handoffDone(): Promise<RegisterView> {
    const l = await this.load();
    if (!l) throw new OnboardError('REGISTER_NO_VO');
    if (l.kind !== 'web') throw new OnboardError('REGISTER_WRONG_KIND', { vo: l.vo.displayName, detail: 'OSG Onboard registers with it directly' });
    await this.save(l, (x) => ({ ...x, stage: 'handoff-done', handoffDoneAt: this.now() }), 'handoffDone');
    return this.status();
  }

  // ---------- VOMRS and other web pages ----------

  private async handoffView(l: Loaded): Promise<RegisterView> {
    const handoff = handoffFor(await this.o.journal.read(), l.vo, { held: l.held, shell: this.o.context.shell, markedDoneAt: l.section?.handoffDoneAt });
    return { ...this.common(l), stage: 'handoff', handoff };
  }

  // ---------- INDIGO IAM ----------

  private async iamEndpoint(l: Loaded) {
    return { baseUrl: new URL(l.url).origin, trustedCaPems: await this.trust() };
  }

  private iamView(l: Loaded): RegisterView {
    const common = this.common(l);
    const s = l.section;
    if (s?.stage === 'confirmation-needed' || s?.stage === 'pending-approval') {
      return { ...common, stage: s.stage, requestId: s.iam?.uuid, decisionByEmail: s.stage === 'pending-approval' };
    }
    const prefill = l.held ? prefillFromCertificate(l.held.certificate) : { name: '', surname: '', emailAddress: '' };
    return {
      ...common,
      stage: 'form',
      form: { dn: l.held?.record.certificate.subject ?? '', caDn: l.held?.record.certificate.issuer ?? '', groups: [], prefill, needsUsername: true },
    };
  }

  private async iamSubmit(l: Loaded, form: Form): Promise<RegisterView> {
    const r = await iamCreateRegistration(await this.iamEndpoint(l), {
      givenname: form.name,
      familyname: form.surname,
      email: form.emailAddress,
      username: form.username ?? '',
      notes: form.userMessage ?? '',
      affiliation: form.institution || undefined,
    });
    await this.save(l, (x) => ({ ...x, stage: 'confirmation-needed', requestId: r.uuid, iam: { uuid: r.uuid, username: form.username ?? '' }, emailAddress: form.emailAddress.trim(), submittedAt: this.now() }), 'submitted');
    return this.status();
  }

  private async iamConfirm(l: Loaded, link: string): Promise<RegisterView> {
    if (!l.section?.iam) throw new OnboardError('REGISTER_NOTHING_TO_CONFIRM', { vo: l.vo.displayName });
    await iamVerifyRegistration(await this.iamEndpoint(l), link);
    await this.save(l, (x) => ({ ...x, stage: 'pending-approval', confirmedAt: this.now() }), 'confirmed');
    return this.status();
  }

  /** Stops checking (the app quits). */
  close(): void {
    this.poll?.abort.abort();
    this.poll = undefined;
  }
}
