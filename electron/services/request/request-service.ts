/**
 * The Request step (seed 000, "Requesting a New User Certificate"): the agreement is recorded,
 * the key pair is made here (native RSA), the CSR carries the subject the CA will issue, the
 * encrypted key is kept in the CredentialStore, and the request is sent to the VO's CA
 * connector (EST). While the sponsor decides the CA answers 202 and this service polls it in
 * the background; the request survives a restart (or a kill) and polling resumes with the same
 * key. Errors are kept in the journal with the request, never instead of it.
 */
import { X509Certificate } from 'node:crypto';
import os from 'node:os';
import { formatSlashDn, type Dn } from '../../../shared/dn';
import { OnboardError, toWireError } from '../../../shared/errors';
import { passwordStrength } from '../../../shared/password-strength';
import { policyFor } from '../../../shared/request-policy';
import { REQUEST_KEY_SIZES, type ImportSourcesView, type RequestPreview, type RequestStatusView } from '../../../shared/contract/request';
import type { VoEntry } from '../../../shared/vo';
import type { ServiceContext } from '../context';
import type { Journal } from '../journal/journal';
import type { VoService } from '../vo/vo-service';
import { buildCsr, certificatePem, generateRsaKey, issuedBy, publicKeyFingerprint } from '../credential';
import { readAppTrust } from '../trust';
import { enroll, getCaCerts, pollUntilIssued, type EnrollResult, type IssuedCertificate } from '../issuer';
import { sandboxIdentity, latinName } from '../../sandbox/ca';
import type { Sandbox } from '../../sandbox';
import { buildPreview, estSubject, policySha256 } from './request-preview';
import { checkEstUrl, codeAuth, endpointFor, requireSandboxTrusted, sandboxEndpoint } from './connector';
import type { KeyProtection } from './key-protection';
import { historySection, readRequestSection, replaceRequestSection, restoreRequestSection, previousCredentials, stepSummary, toView, writeRequestSection, type RequestSection } from './request-state';
import { importAndStore } from './import-store';
import { findP12Files, probeGlobus, resolveUserPath, displayPath, type ImportSource } from './import-credential';
import { clientCertAuth, prepareRenewal, renewableCertificate } from './renewal';

export { policySha256 } from './request-preview';

export interface PollTiming {
  readonly minDelaySeconds?: number;
  readonly maxDelaySeconds?: number;
  /** "CA unreachable" answers in a row ridden out while waiting (the CA restarting). */
  readonly unreachableRetries?: number;
}

export interface RequestServiceOptions {
  /** `homeDir` (where `~/.globus` and the user's files are) defaults to the OS home. */
  readonly context: Pick<ServiceContext, 'dataDir' | 'now' | 'emit'> & { readonly homeDir?: string };
  readonly journal: Journal;
  readonly vo: VoService;
  readonly sandbox: Sandbox | null;
  readonly keys: KeyProtection;
  readonly poll?: PollTiming;
  /** Whether this shell offers a folder dialog (desktop app), for "I already have a certificate". */
  readonly folderPicker?: boolean;
}

export interface StartInput {
  readonly name: string;
  readonly email: string;
  readonly keyBits: number;
  readonly agree: true;
  readonly policySha256: string;
  readonly estUrl?: string;
  readonly enrolmentCode?: string;
  readonly keyPassphrase?: string;
}

interface Connector {
  readonly kind: 'sandbox' | 'est';
  readonly estUrl: string;
}


export class RequestService {
  private poll: { credentialId: string; abort: AbortController; done: Promise<void> } | undefined;
  private busy = false;
  private lastCheckedAt: string | undefined;
  /** Enrolment codes typed this session (never written to disk). */
  private readonly codes = new Map<string, string>();

  constructor(private readonly o: RequestServiceOptions) {}

  private get now() {
    return this.o.context.now;
  }

  private async currentVo(): Promise<VoEntry> {
    const choice = await this.o.vo.current();
    if (!choice) throw new OnboardError('REQUEST_NO_VO');
    return choice.vo;
  }

  /** The CA for this VO: the sandbox CA for the sandbox VO (unless another EST address is given). */
  private async connector(vo: VoEntry, estUrl: string | undefined): Promise<Connector> {
    if (estUrl) return { kind: 'est', estUrl: checkEstUrl(estUrl) };
    if (vo.sandbox && this.o.sandbox) return { kind: 'sandbox', estUrl: (await sandboxEndpoint(this.o.sandbox)).estUrl };
    throw new OnboardError('REQUEST_NO_CONNECTOR', {
      vo: vo.displayName,
      detail: vo.sandbox ? 'the sandbox is not running in this mode' : 'this version knows no certificate authority connection for this VO',
    });
  }

  async preview(input: { name: string; email: string; estUrl?: string }): Promise<RequestPreview> {
    return buildPreview({ vo: await this.currentVo(), sandbox: this.o.sandbox, dataDir: this.o.context.dataDir, keys: this.o.keys }, input);
  }


  private emitKeygen(fraction: number | null, label: string): void {
    this.o.context.emit('progress', { task: 'keygen', fraction, label });
  }

  private async sponsorUrl(s: RequestSection): Promise<string | undefined> {
    if (!s.sandbox || !this.o.sandbox) return undefined;
    try {
      return (await sandboxEndpoint(this.o.sandbox)).sponsorUrl;
    } catch {
      return undefined;
    }
  }

  private async view(s: RequestSection): Promise<RequestStatusView> {
    const polling = this.poll?.credentialId === s.credentialId && (s.state === 'waiting' || s.state === 'submitting');
    const previous = previousCredentials(await this.o.journal.read(), s.credentialId);
    return toView(s, { polling, sponsorUrl: await this.sponsorUrl(s), lastCheckedAt: polling ? this.lastCheckedAt : undefined, previous });
  }

  private get homeDir(): string {
    return this.o.context.homeDir ?? os.homedir();
  }

  private async section(): Promise<RequestSection | null> {
    return readRequestSection(await this.o.journal.read());
  }

  private async update(change: (s: RequestSection) => RequestSection, history?: { event: string; detail?: string }): Promise<RequestSection> {
    let out: RequestSection | undefined;
    await this.o.journal.update((j) => {
      const cur = readRequestSection(j);
      if (!cur) throw new OnboardError('REQUEST_NONE', { action: 'update' });
      out = change(cur);
      writeRequestSection(j, out);
      if (history) this.o.journal.record(j, 'request', history.event, history.detail);
      const status = out.state === 'issued' ? 'done' : out.state === 'rejected' || out.state === 'failed' ? 'failed' : 'in-progress';
      this.o.journal.setStep(j, 'request', status, stepSummary(out));
    });
    return out!;
  }

  /** Where to send and how to authenticate, for a stored request. */
  private async endpointAndAuth(s: RequestSection) {
    let url = s.estUrl;
    if (s.renewOf) {
      // A renewal is authenticated by the certificate it renews (TLS client certificate), not a code.
      if (s.sandbox && this.o.sandbox) url = (await sandboxEndpoint(this.o.sandbox)).estUrl;
      return { endpoint: await endpointFor(url, this.o.context.dataDir), auth: await clientCertAuth(this.o.keys, s.renewOf.credentialId), url };
    }
    let code = this.codes.get(s.credentialId);
    if (s.sandbox && this.o.sandbox) {
      const ep = await sandboxEndpoint(this.o.sandbox);
      url = ep.estUrl; // the sandbox CA may come back on another port after a restart
      code ??= ep.enrolmentCode;
    }
    return { endpoint: await endpointFor(url, this.o.context.dataDir), auth: codeAuth(code), url };
  }

  async start(input: StartInput): Promise<RequestStatusView> {
    if (this.busy) throw new OnboardError('REQUEST_BUSY', { state: 'being made', requestId: '(new)' });
    const current = await this.section();
    if (current && (current.state === 'waiting' || current.state === 'submitting') && this.poll) {
      throw new OnboardError('REQUEST_BUSY', { state: 'waiting for your sponsor', requestId: current.requestId ?? '(not numbered yet)' });
    }
    this.busy = true;
    try {
      return await this.startLocked(input);
    } finally {
      this.busy = false;
    }
  }

  private async startLocked(input: StartInput): Promise<RequestStatusView> {
    const vo = await this.currentVo();
    const policy = policyFor(vo);
    if (!input.agree || input.policySha256 !== policySha256(policy)) throw new OnboardError('REQUEST_NOT_AGREED');
    if (!(REQUEST_KEY_SIZES as readonly number[]).includes(input.keyBits)) throw new OnboardError('KEY_SIZE_UNSUPPORTED', { bits: input.keyBits });
    const connector = await this.connector(vo, input.estUrl);
    const email = input.email.trim();
    let subject: Dn;
    let name: string;
    if (connector.kind === 'sandbox') {
      const id = sandboxIdentity({ name: input.name, email });
      subject = [...id.subject, [{ type: 'emailAddress', value: id.email! }]];
      name = id.name;
    } else {
      subject = estSubject(input.name, email);
      name = latinName(input.name);
    }
    const issuedSubject = connector.kind === 'sandbox' ? formatSlashDn(subject.slice(0, -1)) : formatSlashDn(subject);
    const keys = await this.o.keys.resolve();
    if (keys.view.mode === 'typed') {
      const pw = input.keyPassphrase ?? '';
      const strength = passwordStrength(pw, [input.name, email]);
      if (!strength.acceptable) throw new OnboardError('INVALID_INPUT', { field: 'key passphrase', detail: strength.reasons.join('; ') });
    }
    // Nothing is made before the CA can be trusted.
    if (connector.kind === 'sandbox') await requireSandboxTrusted(this.o.sandbox!, this.o.context.dataDir);

    const agreedAt = this.now().toISOString();
    const bits = input.keyBits;
    this.emitKeygen(null, `Making an RSA-${bits} key pair on this computer…`);
    const key = await generateRsaKey({ bits, onProgress: (f, label) => this.emitKeygen(f === 1 ? 0.6 : null, label) });
    this.emitKeygen(0.7, 'Signing the certificate request with the new key');
    const csr = buildCsr({ key, subject });
    this.emitKeygen(0.8, 'Saving the encrypted key');
    const store = await this.o.keys.store();
    const requestFacts = { connector: 'est', vo: vo.name, estUrl: connector.estUrl, sandbox: connector.kind === 'sandbox' };
    const record = await store.create({
      key,
      subject: issuedSubject,
      csrPem: csr.pem,
      request: requestFacts,
      passphrase: keys.view.mode === 'typed' ? input.keyPassphrase : undefined,
    });
    if (keys.view.mode === 'typed') this.o.keys.remember(record.id, input.keyPassphrase!);
    if (input.enrolmentCode) this.codes.set(record.id, input.enrolmentCode);
    const section: RequestSection = {
      credentialId: record.id,
      state: 'submitting',
      vo: vo.name,
      sandbox: connector.kind === 'sandbox',
      name,
      email,
      subject: issuedSubject,
      keyBits: bits,
      publicKeyFingerprint: publicKeyFingerprint(key),
      keyProtection: keys.view.mode,
      estUrl: connector.estUrl,
      enrolmentCode: input.enrolmentCode ? 'typed' : connector.kind === 'sandbox' ? 'sandbox-default' : 'none',
      startedAt: agreedAt,
      agreement: { agreedAt, policyVersion: policy.version, policySha256: input.policySha256, title: policy.title },
    };
    await this.o.journal.update((j) => {
      replaceRequestSection(j, section);
      this.o.journal.record(j, 'request', 'agreed', `${policy.title} (${policy.version}, sha256 ${input.policySha256.slice(0, 16)}…)`);
      this.o.journal.record(j, 'request', 'keyMade', `RSA-${bits}, credential ${record.id}, key ${section.publicKeyFingerprint.slice(0, 23)}…`);
      this.o.journal.setStep(j, 'request', 'in-progress', stepSummary(section));
    });
    this.emitKeygen(0.9, 'Sending the request to the certificate authority');
    const result = await this.submit(section);
    this.emitKeygen(1, result.state === 'issued' ? 'Certificate issued' : 'Request sent: waiting for your sponsor');
    return result;
  }

  /** One enrolment POST; then issued, or waiting (polling starts), or the error kept and thrown. */
  private async submit(s: RequestSection): Promise<RequestStatusView> {
    let result: EnrollResult;
    try {
      const { endpoint, auth } = await this.endpointAndAuth(s);
      result = await enroll(endpoint, (await (await this.o.keys.store()).csrPem(s.credentialId))!, auth, { now: this.now, reenroll: !!s.renewOf });
      this.lastCheckedAt = this.now().toISOString();
    } catch (e) {
      await this.failed(s.credentialId, e);
      throw e;
    }
    if (result.status === 'issued') return this.view(await this.issued(s.credentialId, result));
    const pending = await this.update(
      (cur) => ({ ...cur, state: 'waiting', requestId: result.requestId ?? cur.requestId, error: undefined, lastCheckedAt: this.lastCheckedAt }),
      { event: 'sent', detail: result.requestId ? `request ${result.requestId}` : undefined },
    );
    await this.recordOnCredential(pending);
    this.startPolling(pending);
    return this.view(pending);
  }

  private async recordOnCredential(s: RequestSection): Promise<void> {
    const store = await this.o.keys.store();
    const facts: Record<string, string | boolean> = { connector: 'est', vo: s.vo, estUrl: s.estUrl, sandbox: s.sandbox, startedAt: s.startedAt, state: s.state };
    if (s.requestId) facts.requestId = s.requestId;
    await store.setRequest(s.credentialId, facts).catch(() => {});
  }

  private startPolling(s: RequestSection): void {
    if (this.poll) return;
    const abort = new AbortController();
    const id = s.credentialId;
    const clear = () => {
      if (this.poll?.abort === abort) this.poll = undefined;
    };
    const done = (async () => {
      try {
        const { endpoint, auth } = await this.endpointAndAuth(s);
        const csrPem = await (await this.o.keys.store()).csrPem(id);
        if (!csrPem) throw new OnboardError('REQUEST_NOT_RESUMABLE', { detail: 'the saved request (CSR) is missing' });
        const issued = await pollUntilIssued(endpoint, csrPem, auth, {
          signal: abort.signal,
          startedAt: new Date(s.startedAt),
          now: this.now,
          reenroll: !!s.renewOf,
          minDelaySeconds: this.o.poll?.minDelaySeconds,
          maxDelaySeconds: this.o.poll?.maxDelaySeconds,
          unreachableRetries: this.o.poll?.unreachableRetries ?? 5,
          onProgress: (_f, label) => {
            this.lastCheckedAt = this.now().toISOString();
            this.o.context.emit('progress', { task: 'approval', fraction: null, label });
          },
        });
        // Still "polling" until the journal says issued: a status() call in between must not
        // start a second poll (it would send the CSR again and the CA could issue twice).
        await this.issued(id, issued);
      } catch (e) {
        if (abort.signal.aborted) return; // cancel() records the state
        await this.failed(id, e).catch(() => {});
      } finally {
        clear();
      }
    })();
    this.poll = { credentialId: id, abort, done };
  }

  private async failed(credentialId: string, e: unknown): Promise<void> {
    const wire = toWireError(e);
    const state = wire.code === 'ISSUER_REQUEST_REJECTED' ? 'rejected' : 'failed';
    const s = await this.update(
      (cur) => (cur.credentialId === credentialId ? { ...cur, state, error: wire } : cur),
      { event: state, detail: `${wire.code}: ${wire.message}` },
    );
    await this.recordOnCredential(s);
    this.o.context.emit('progress', { task: 'approval', fraction: null, label: wire.message });
  }

  /** The chain above the issued certificate, from the answer or the CA's /cacerts (best effort). */
  private async chainFor(s: RequestSection, issued: IssuedCertificate): Promise<string[]> {
    const issuer = issued.certificate.issuer;
    let cas = issued.others.filter((c) => c.subject === issuer);
    if (cas.length === 0) {
      try {
        const { endpoint } = await this.endpointAndAuth(s);
        cas = (await getCaCerts(endpoint)).filter((c) => c.subject === issuer);
      } catch {
        cas = [];
      }
    }
    if (cas.length === 0) return this.trustedIssuerPem(issued.certificate.pem);
    return cas.slice(0, 1).map((c) => c.pem);
  }

  /** The issuer from the installed trust, when the CA sent no chain and serves no /cacerts. */
  private async trustedIssuerPem(leafPem: string): Promise<string[]> {
    const leaf = new X509Certificate(leafPem);
    for (const pem of await readAppTrust(this.o.context.dataDir)) {
      try {
        const ca = new X509Certificate(pem);
        if (issuedBy(leaf, ca)) return [certificatePem(ca)];
      } catch {
        // not a certificate: skip
      }
    }
    return [];
  }

  private async issued(credentialId: string, issued: IssuedCertificate): Promise<RequestSection> {
    const s = await this.section();
    if (!s || s.credentialId !== credentialId) throw new OnboardError('REQUEST_NONE', { action: 'store' });
    const chain = await this.chainFor(s, issued);
    const pem = [issued.certificate.pem, ...chain].join('');
    const c = issued.certificate;
    const certificate = { subject: c.subject, issuer: c.issuer, serial: c.serial, notBefore: c.notBefore, notAfter: c.notAfter, fingerprintSha256: c.fingerprint256 };
    const out = await this.attach(s, pem, certificate, undefined);
    this.o.context.emit('progress', { task: 'approval', fraction: 1, label: out.state === 'issued' ? 'Your sponsor approved: the certificate is issued' : 'Issued: type your key passphrase to keep it' });
    return out;
  }

  /** Stores the certificate with the key (checks they match); `needs-passphrase` when the key passphrase is not at hand. */
  private async attach(s: RequestSection, pem: string, certificate: NonNullable<RequestSection['certificate']>, typedNow: string | undefined): Promise<RequestSection> {
    const store = await this.o.keys.store();
    const passphrase = s.keyProtection === 'typed' ? (typedNow ?? this.o.keys.typedPassphrase(s.credentialId)) : undefined;
    if (s.keyProtection === 'typed' && passphrase === undefined) {
      return this.update((cur) => ({ ...cur, state: 'needs-passphrase', certificate, issuedPem: pem, error: undefined }), { event: 'issued', detail: `serial ${certificate.serial}; key passphrase needed` });
    }
    await store.attachCertificate(s.credentialId, pem, passphrase);
    if (passphrase !== undefined) this.o.keys.remember(s.credentialId, passphrase);
    const out = await this.update(
      (cur) => {
        const { issuedPem: _done, ...rest } = cur;
        return { ...rest, state: 'issued', certificate, error: undefined };
      },
      { event: 'issued', detail: `${certificate.subject}, serial ${certificate.serial}, until ${certificate.notAfter}` },
    );
    await this.recordOnCredential(out);
    return out;
  }

  /** The current request; one that waits is polled again unless `resume` is false (a read-only look). */
  async status(opts: { resume?: boolean } = {}): Promise<RequestStatusView | null> {
    const s = await this.section();
    if (!s) return null;
    if (opts.resume !== false && (s.state === 'waiting' || s.state === 'submitting') && !this.poll && !this.busy) {
      const resumed = s.state === 'submitting' ? await this.update((cur) => ({ ...cur, state: 'waiting' }), { event: 'resumed' }) : s;
      this.startPolling(resumed);
      return this.view(resumed);
    }
    return this.view(s);
  }

  /** At app start: a request that was waiting is polled again, with the same key. */
  async resumeOnStart(): Promise<void> {
    try {
      await this.status();
    } catch {
      // The window shows the problem when it asks for the status.
    }
  }

  async cancel(): Promise<RequestStatusView> {
    const s = await this.section();
    if (!s || !['waiting', 'submitting', 'failed'].includes(s.state)) throw new OnboardError('REQUEST_NONE', { action: 'cancel' });
    const p = this.poll;
    if (p && p.credentialId === s.credentialId) {
      p.abort.abort();
      await p.done;
    }
    this.poll = undefined;
    if (s.renewOf) {
      // A cancelled renewal gives the current place back to the certificate it was renewing
      // (still valid: a renewal needs one); the cancelled attempt goes to the history.
      let restored: RequestSection | null = null;
      await this.o.journal.update((j) => {
        const cur = readRequestSection(j);
        const prev = historySection(j, s.renewOf!.credentialId);
        if (!cur || !prev) return;
        restoreRequestSection(j, prev, { ...cur, state: 'cancelled' });
        this.o.journal.record(j, 'request', 'renewCancelled', `${s.requestId ? `request ${s.requestId} kept; ` : ''}serial ${s.renewOf!.serial} stays current`);
        this.o.journal.setStep(j, 'request', 'done', stepSummary(prev));
        restored = prev;
      });
      if (restored) {
        this.o.context.emit('progress', { task: 'approval', fraction: null, label: 'Stopped waiting: your current certificate stays in use' });
        return this.view(restored);
      }
    }
    const out = await this.update((cur) => ({ ...cur, state: 'cancelled' }), { event: 'cancelled', detail: s.requestId ? `request ${s.requestId} kept` : undefined });
    this.o.context.emit('progress', { task: 'approval', fraction: null, label: 'Stopped waiting for your sponsor' });
    return this.view(out);
  }

  async resume(input: { enrolmentCode?: string; keyPassphrase?: string }): Promise<RequestStatusView> {
    const s = await this.section();
    if (!s) throw new OnboardError('REQUEST_NONE', { action: 'resume' });
    if (s.state === 'issued') return this.view(s);
    if (s.state === 'rejected') throw new OnboardError('REQUEST_NOT_RESUMABLE', { detail: 'your sponsor rejected it' });
    if (s.state === 'needs-passphrase') {
      if (input.keyPassphrase === undefined) throw new OnboardError('KEY_PASSPHRASE_REQUIRED', { what: 'your saved key' });
      return this.view(await this.attach(s, s.issuedPem!, s.certificate!, input.keyPassphrase));
    }
    if (this.poll) return this.view(s);
    // A new code replaces the old one; in the sandbox, none means the sandbox CA's own code.
    if (input.enrolmentCode) this.codes.set(s.credentialId, input.enrolmentCode);
    else if (s.sandbox) this.codes.delete(s.credentialId);
    if (input.keyPassphrase !== undefined && s.keyProtection === 'typed') {
      await this.o.keys.unlock(s.credentialId, input.keyPassphrase); // proves it now, kept for the issue
      // A renewal's current key took the same passphrase (typed mode): it authenticates the retry.
      if (s.renewOf) await this.o.keys.unlock(s.renewOf.credentialId, input.keyPassphrase).catch(() => {});
    }
    const out = await this.update((cur) => ({ ...cur, state: 'submitting', error: undefined, enrolmentCode: input.enrolmentCode ? 'typed' : cur.sandbox ? 'sandbox-default' : cur.enrolmentCode }), { event: 'resumed' });
    return this.submit(out);
  }

  /** What "I already have a certificate" can offer on this computer. */
  async importSources(): Promise<ImportSourcesView> {
    const dir = resolveUserPath('~/.globus', this.homeDir);
    const globus = await probeGlobus(dir, this.homeDir);
    return {
      globus: globus ? { dir, display: displayPath(dir, this.homeDir), ...globus } : null,
      homeDir: this.homeDir,
      folderPicker: this.o.folderPicker ?? false,
      p12Files: await findP12Files(this.homeDir),
      keyProtection: (await this.o.keys.resolve()).view,
    };
  }

  private refuseWhileWaiting(current: RequestSection | null, what: string): void {
    if (this.busy) throw new OnboardError('REQUEST_BUSY', { state: 'being made', requestId: '(new)' });
    if (current && (current.state === 'waiting' || current.state === 'submitting') && this.poll) {
      throw new OnboardError('REQUEST_BUSY', { state: `waiting for your sponsor (cancel it to ${what})`, requestId: current.requestId ?? '(not numbered yet)' });
    }
  }

  /**
   * Imports an existing credential: opened and checked (see openCredential), then kept exactly as
   * an issued request's (key encrypted under the Protect step's choice, certificate and chain),
   * so Back up, Register, Upload and Next steps use it unchanged. The source is only read.
   */
  async importCredential(input: { source: ImportSource; password: string; keyPassphrase?: string }): Promise<RequestStatusView> {
    const current = await this.section();
    this.refuseWhileWaiting(current, 'import');
    this.busy = true;
    try {
      const section = await importAndStore(
        { dataDir: this.o.context.dataDir, homeDir: this.homeDir, now: this.now, emit: this.o.context.emit, journal: this.o.journal, vo: this.o.vo, sandbox: this.o.sandbox, keys: this.o.keys },
        input,
      );
      return this.view(section);
    } finally {
      this.busy = false;
    }
  }

  /**
   * Renews the current certificate: a NEW key, a CSR with the same subject, sent to the CA's
   * `simplereenroll` over TLS authenticated by the current certificate and key. The old
   * credential is kept (listed as previous). A 202 waits and resumes as a request does; a
   * failure before the CA took the renewal leaves the current certificate current.
   */
  async renew(input: { keyBits: number; keyPassphrase?: string; estUrl?: string }): Promise<RequestStatusView> {
    const cur = await this.section();
    this.refuseWhileWaiting(cur, 'renew');
    const certificate = await renewableCertificate(this.o.keys, cur, this.now());
    const s = cur!;
    this.busy = true;
    let section: RequestSection;
    try {
      section = await prepareRenewal(
        { dataDir: this.o.context.dataDir, now: this.now, sandbox: this.o.sandbox, keys: this.o.keys, emitKeygen: (f, l) => this.emitKeygen(f, l) },
        s,
        certificate,
        input,
      );
      const made = section;
      await this.o.journal.update((j) => {
        replaceRequestSection(j, made);
        this.o.journal.record(j, 'request', 'renewKeyMade', `RSA-${made.keyBits}, credential ${made.credentialId}, renews serial ${made.renewOf!.serial}`);
        this.o.journal.setStep(j, 'request', 'in-progress', stepSummary(made));
      });
    } finally {
      this.busy = false;
    }
    this.emitKeygen(0.9, 'Sending the renewal to the certificate authority (signed in with your current certificate)');
    try {
      const out = await this.submit(section);
      this.emitKeygen(1, out.state === 'issued' ? 'Certificate renewed' : 'Renewal sent: waiting for the certificate authority');
      return out;
    } catch (e) {
      await this.o.journal.update((j) => {
        restoreRequestSection(j, s, readRequestSection(j) ?? section);
        this.o.journal.record(j, 'request', 'renewFailed', `${toWireError(e).code}; serial ${s.certificate!.serial} stays current`);
        this.o.journal.setStep(j, 'request', 'done', stepSummary(s));
      });
      throw e;
    }
  }

  async dispose(): Promise<void> {
    const p = this.poll;
    this.poll = undefined;
    p?.abort.abort();
    await p?.done.catch(() => {});
  }
}
