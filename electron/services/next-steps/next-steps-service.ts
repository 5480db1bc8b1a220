/**
 * Step 8 of seed 000, "Next steps": a proxy from the user's new credential, shown as
 * `voms-proxy-info --all` shows it, verified against the trusted CAs, and the commands for a
 * test job. The credential is the one the Request step stored (key unlocked here: from the
 * keychain, or with the passphrase the user types) or `~/.globus/usercert.pem` + `userkey.pem`.
 * The proxy goes where grid tools look: $X509_USER_PROXY, else /tmp/x509up_u<uid> (0600).
 */
import type { KeyObject, X509Certificate } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { OnboardError, isOnboardError } from '../../../shared/errors';
import {
  PROXY_DEFAULT_HOURS, PROXY_KEY_SIZES, PROXY_MAX_HOURS,
  type NextStepsOverview, type ProxyReport, type ProxySourceView,
} from '../../../shared/contract/next-steps';
import type { VoEntry } from '../../../shared/vo';
import type { CredentialRecord, CredentialStore } from '../credential/store';
import type { Journal } from '../journal/journal';
import { readRequestSection } from '../request/request-state';
import {
  ProxyService, certificatesFromPem, createProxy, defaultProxyPath, defaultTrustDir, defaultUserCredentialPaths,
  keyNeedsPassphrase, readProxyFile, inspectProxy, writeProxyFile,
} from '../proxy';
import { fileMode, toInfoView, verifyToView } from './proxy-views';
import { testJobCommands } from './test-job';
import { directoryVomsTarget, fetchAcFor, vomsOffer, type VomsTargetLookup } from './voms-offer';

/** How the stored credential's key is opened (the Request step's KeyProtection fits). */
export interface CredentialKeys {
  store(): Promise<CredentialStore>;
  /** The key: from the keychain, or with the passphrase typed now or earlier this session. */
  unlock(credentialId: string, typedNow?: string): Promise<KeyObject>;
  typedPassphrase(credentialId: string): string | undefined;
}

export interface NextStepsOptions {
  readonly homeDir: string;
  /** X509_USER_PROXY, X509_USER_CERT/KEY, X509_CERT_DIR are read from here. */
  readonly env?: NodeJS.ProcessEnv;
  readonly uid?: number;
  readonly journal: Journal;
  readonly keys: CredentialKeys;
  readonly currentVo: () => Promise<VoEntry | null>;
  readonly now: () => Date;
  readonly emit?: (fraction: number | null, label: string) => void;
  /** The VOMS server of a VO (default: the directory's first, trusted through the CA folder; the sandbox passes its running one). */
  readonly vomsTarget?: VomsTargetLookup;
}

export interface MakeInput {
  readonly source: 'app' | 'globus';
  readonly hours: number;
  readonly bits: number;
  readonly limited: boolean;
  /** With the VO's attributes (default: when available). */
  readonly voms?: boolean;
  readonly passphrase?: string;
}

type AppCredential =
  | { readonly kind: 'issued'; readonly record: CredentialRecord }
  | { readonly kind: 'pending'; readonly requestId?: string; readonly state: string }
  | null;

export class NextStepsService {
  private readonly env: NodeJS.ProcessEnv;
  private readonly proxy: ProxyService;

  constructor(private readonly o: NextStepsOptions) {
    this.env = { ...(o.env ?? process.env), HOME: o.homeDir };
    this.proxy = new ProxyService({ homeDir: o.homeDir, env: this.env, uid: o.uid, now: o.now });
  }

  private vomsLookup(): VomsTargetLookup {
    return this.o.vomsTarget ?? directoryVomsTarget(() => this.trustDir());
  }

  get proxyPath(): string {
    return this.proxy.proxyPath();
  }

  trustDir(): Promise<string> {
    return defaultTrustDir(this.env, this.o.homeDir);
  }

  /** The credential the Request step recorded, else the newest stored one with a certificate. */
  private async appCredential(): Promise<AppCredential> {
    const store = await this.o.keys.store();
    const section = readRequestSection(await this.o.journal.read());
    if (section?.state === 'issued') {
      try {
        const record = await store.get(section.credentialId);
        if (record.status === 'issued' && record.certificate) return { kind: 'issued', record };
      } catch (e) {
        if (!isOnboardError(e)) throw e;
      }
    }
    const newest = (await store.list()).find((r) => r.status === 'issued' && r.certificate);
    if (newest) return { kind: 'issued', record: newest };
    if (section && section.state !== 'cancelled') return { kind: 'pending', requestId: section.requestId, state: section.state };
    return null;
  }

  private async appSource(cred: AppCredential): Promise<ProxySourceView | null> {
    if (cred?.kind !== 'issued') return null;
    const r = cred.record;
    const c = r.certificate!;
    return {
      kind: 'app',
      label: 'Your certificate from the Request step (kept by OSG Onboard)',
      subject: c.subject,
      notAfter: c.notAfter,
      expired: new Date(c.notAfter).getTime() <= this.o.now().getTime(),
      passphrase: r.passphrase,
      passphraseRemembered: r.passphrase === 'typed' ? this.o.keys.typedPassphrase(r.id) !== undefined : undefined,
    };
  }

  private async globusSource(): Promise<ProxySourceView | null> {
    const { certFile, keyFile } = defaultUserCredentialPaths(this.env, this.o.homeDir);
    let certText: string;
    try {
      certText = await fsp.readFile(certFile, 'utf8');
    } catch {
      return null; // no usercert.pem: not offered
    }
    const base = { kind: 'globus' as const, label: 'usercert.pem and userkey.pem in your .globus folder', certFile, keyFile };
    let subject: string | undefined;
    let notAfter: Date | undefined;
    try {
      const [cert] = certificatesFromPem(certText, certFile);
      if (!cert) throw new Error('it holds no certificate');
      subject = cert.subjectDn;
      notAfter = cert.notAfter;
    } catch (e) {
      return { ...base, expired: false, passphrase: 'none', problem: `${certFile} cannot be read: ${(e as Error).message}` };
    }
    const expired = notAfter.getTime() <= this.o.now().getTime();
    let keyText: string;
    try {
      keyText = await fsp.readFile(keyFile, 'utf8');
    } catch {
      return { ...base, subject, notAfter: notAfter.toISOString(), expired, passphrase: 'none', problem: `there is no ${keyFile} beside it` };
    }
    return { ...base, subject, notAfter: notAfter.toISOString(), expired, passphrase: keyNeedsPassphrase(keyText) ? 'typed' : 'none' };
  }

  private async missingStep(cred: AppCredential, usable: boolean): Promise<NextStepsOverview['missing']> {
    if (usable) return null;
    if (cred?.kind === 'pending') {
      return { step: 'request', reason: `Your certificate request${cred.requestId ? ` ${cred.requestId}` : ''} is not issued yet (${cred.state}): a proxy can be made once your sponsor has approved it.` };
    }
    return { step: 'request', reason: 'You have no certificate yet: request one first (or put your usercert.pem and userkey.pem in ~/.globus).' };
  }

  private async report(file: string, extra: { shortened?: boolean } = {}): Promise<ProxyReport> {
    const { text } = await readProxyFile(file);
    const info = toInfoView(inspectProxy(text, { path: file, now: this.o.now() }));
    return { file, mode: await fileMode(file), info, verification: await verifyToView(text, await this.trustDir(), this.o.now()), ...extra };
  }

  async overview(): Promise<NextStepsOverview> {
    const cred = await this.appCredential();
    const sources = [await this.appSource(cred), await this.globusSource()].filter((s): s is ProxySourceView => s !== null);
    const usable = sources.some((s) => !s.problem && !s.expired);
    const trustDir = await this.trustDir();
    const trustDirExists = await fsp.stat(trustDir).then((s) => s.isDirectory(), () => false);
    let current: ProxyReport | null = null;
    let currentProblem: string | undefined;
    try {
      current = await this.report(this.proxyPath);
    } catch (e) {
      if (!isOnboardError(e)) throw e;
      if (e.code !== 'PROXY_FILE_NOT_FOUND') currentProblem = e.message;
    }
    return {
      sources,
      proxyPath: this.proxyPath,
      proxyPathFromEnv: !!this.env.X509_USER_PROXY,
      trustDir,
      trustDirExists,
      current,
      currentProblem,
      missing: await this.missingStep(cred, usable),
      defaults: { hours: PROXY_DEFAULT_HOURS, bits: 2048, maxHours: PROXY_MAX_HOURS, keySizes: PROXY_KEY_SIZES },
      commands: testJobCommands({
        proxyPath: this.proxyPath,
        toolsDefaultPath: defaultProxyPath({}, this.o.uid),
        trustDir,
        vo: await this.o.currentVo(),
        uploadedTo: await this.lastUpload(),
      }),
      voms: (await vomsOffer(await this.o.currentVo(), this.o.journal, this.vomsLookup()).catch(() => ({ view: null }))).view,
    };
  }

  /** The host and account the Upload step last put the credential on (the journal's upload section). */
  private async lastUpload(): Promise<{ host: string; port: number; username: string } | null> {
    const last = ((await this.o.journal.read()) as { upload?: { last?: Record<string, unknown> } }).upload?.last;
    if (!last || typeof last.host !== 'string' || typeof last.username !== 'string' || typeof last.port !== 'number') return null;
    return { host: last.host, port: last.port, username: last.username };
  }

  /** The proxy at the proxy path (null when there is none). */
  async inspect(): Promise<ProxyReport | null> {
    try {
      return await this.report(this.proxyPath);
    } catch (e) {
      if (isOnboardError(e) && e.code === 'PROXY_FILE_NOT_FOUND') return null;
      throw e;
    }
  }

  private emit(fraction: number | null, label: string): void {
    this.o.emit?.(fraction, label);
  }

  async make(input: MakeInput): Promise<ProxyReport> {
    const file = this.proxyPath;
    const opts = { hours: input.hours, bits: input.bits, limited: input.limited, now: this.o.now() };
    let shortened: boolean;
    let summarySubject: string;
    const vo = await this.o.currentVo();
    const offer = input.voms === false ? null : await vomsOffer(vo, this.o.journal, this.vomsLookup());
    if (input.voms === true && !offer?.view) throw new OnboardError('VOMS_NO_SERVER', { vo: vo?.name ?? 'your VO' });
    if (input.voms === true && offer?.view && !offer.view.available) throw new OnboardError('VOMS_NOT_MEMBER', { vo: offer.view.vo, dn: 'your certificate' });
    const withVoms = vo !== null && offer?.view?.available === true;
    const acFor = async (certPem: string, key: KeyObject): Promise<Buffer[] | undefined> => {
      if (!withVoms) return undefined;
      this.emit(0.2, `Asking the VOMS server of ${vo.name} for your VO attributes`);
      return [await fetchAcFor(vo, offer!.target, certPem, key, input.hours, this.o.now)];
    };
    this.emit(0.1, 'Opening your key');
    if (input.source === 'app') {
      const cred = await this.appCredential();
      if (cred === null) throw new OnboardError('NEXT_STEPS_NO_CREDENTIAL', { detail: 'OSG Onboard keeps no certificate for you', step: 'Request' });
      if (cred.kind === 'pending') throw new OnboardError('NEXT_STEPS_NOT_ISSUED', { requestId: cred.requestId ?? '', detail: cred.state });
      const id = cred.record.id;
      const typed = cred.record.passphrase === 'typed' && input.passphrase ? input.passphrase : undefined;
      const key = await this.o.keys.unlock(id, typed);
      const { certificate, chain } = await (await this.o.keys.store()).certificates(id);
      this.emit(0.3, `Making an RSA-${input.bits} key for the proxy and signing it`);
      // Roots come from the trusted CA folder, as grid-proxy-init does: only intermediates go in the file.
      const intermediates = chain.filter((c: X509Certificate) => !c.checkIssued(c)).map((c) => c.toString());
      const vomsAcs = await acFor(certificate.toString() + intermediates.join(''), key);
      const proxy = await createProxy({ issuerCert: certificate.toString(), issuerKey: key, chain: intermediates, ...opts, vomsAcs });
      this.emit(0.8, `Writing ${file}`);
      await writeProxyFile(file, proxy.pem);
      shortened = proxy.shortened;
      summarySubject = proxy.subject;
    } else {
      const g = await this.globusSource();
      if (!g) {
        const { certFile } = defaultUserCredentialPaths(this.env, this.o.homeDir);
        throw new OnboardError('PROXY_CERT_UNREADABLE', { file: certFile, detail: 'the file does not exist' });
      }
      const passphrase = async () => {
        if (!input.passphrase) throw new OnboardError('KEY_PASSPHRASE_REQUIRED', { what: g.keyFile ?? 'userkey.pem' });
        return input.passphrase;
      };
      this.emit(0.3, `Making an RSA-${input.bits} key for the proxy and signing it`);
      const made = await this.proxy.makeProxy({ passphrase, ...opts, out: file, vomsAcs: withVoms ? acFor : undefined });
      shortened = made.shortened;
      summarySubject = made.subject;
    }
    this.emit(0.9, 'Checking the proxy against the trusted CAs');
    const report = await this.report(file, { shortened });
    await this.o.journal.update((j) => {
      (j as Record<string, unknown>).nextSteps = {
        lastProxy: {
          file, source: input.source, subject: summarySubject, identity: report.info.identity, notAfter: report.info.notAfter,
          madeAt: this.o.now().toISOString(), bits: input.bits, hours: input.hours, limited: input.limited, verified: report.verification.valid,
          vo: report.info.vo.map((v) => v.vo),
        },
      };
      this.o.journal.setStep(j, 'nextSteps', 'done', `proxy for ${input.hours} h${input.limited ? ' (limited)' : ''}${withVoms ? ` with VO ${vo.name} attributes` : ''}`);
    });
    this.emit(1, report.verification.valid ? 'Proxy made and verified' : 'Proxy made; verification found problems');
    return report;
  }
}
