import { isOnboardError } from '../../../shared/errors';
import { parseCsr, type CsrInfo } from '../../services/issuer/csr-info';
import { attributeValues } from '../../services/issuer/x509-name';
import type { CaMaterial } from './ca-material';
import { sandboxIdentity } from './dn-rules';
import { issueUserCertificate } from './issue';
import type { RequestStore, SandboxRequest } from './request-store';

/** What the CA decided about one enrolment POST; the HTTP layer turns it into a status code. */
export type EnrollOutcome =
  | { readonly kind: 'issued'; readonly request: SandboxRequest; readonly certDer: Buffer }
  | { readonly kind: 'pending'; readonly request: SandboxRequest }
  | { readonly kind: 'rejected'; readonly request: SandboxRequest }
  | { readonly kind: 'invalid'; readonly message: string };

/** The certificate a re-enrolment is authenticated with (already verified against this CA by TLS). */
export interface CurrentCertificate {
  readonly serial: string;
  readonly subject: string;
  readonly email: string | undefined;
}

export interface CaCoreOptions {
  readonly ca: CaMaterial;
  readonly store: RequestStore;
  readonly crlUrl: () => string;
  readonly now: () => Date;
  autoApprove: boolean;
}

export const AUTO_APPROVER = 'help desk auto-approve';

/** Key sizes a grid CA accepts today (IGTF: RSA ≥ 2048; EC P-256/P-384). */
function keyProblem(csr: CsrInfo): string | undefined {
  if (csr.keyType === 'rsa') return (csr.keyBits ?? 0) >= 2048 ? undefined : `the RSA key has ${csr.keyBits} bits; at least 2048 are needed`;
  if (csr.keyType === 'ec') return csr.namedCurve === 'prime256v1' || csr.namedCurve === 'secp384r1' ? undefined : `the curve ${csr.namedCurve} is not accepted (use P-256 or P-384)`;
  return `${csr.keyType} keys are not accepted (use RSA 2048 or more)`;
}

/**
 * The sandbox CA's decisions, one at a time (a mutex keeps two polls from issuing twice).
 * Requests are identified by their public key, as RFC 7030 §4.2.3 polling re-sends the CSR.
 */
export class CaCore {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: CaCoreOptions) {}

  get autoApprove(): boolean {
    return this.o.autoApprove;
  }
  set autoApprove(on: boolean) {
    this.o.autoApprove = on;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => {});
    return run;
  }

  private readCsr(csrDer: Buffer): CsrInfo | string {
    let csr: CsrInfo;
    try {
      csr = parseCsr(csrDer);
    } catch (e) {
      return `this is not a PKCS#10 certificate request (${(e as Error).message})`;
    }
    if (!csr.signatureValid) return 'the request is not signed by the key it carries (or uses an unsupported signature algorithm)';
    return keyProblem(csr) ?? csr;
  }

  /** `simpleenroll`: a new request, or the status of the one already made for this key. */
  simpleEnroll(csrDer: Buffer, auth: string): Promise<EnrollOutcome> {
    return this.exclusive(async () => {
      const csr = this.readCsr(csrDer);
      if (typeof csr === 'string') return { kind: 'invalid', message: csr };
      await this.o.store.refresh();
      const existing = this.o.store.findEnrolmentByKey(csr.keyFingerprint);
      if (existing) return this.settle(existing);
      const cn = attributeValues(csr.subject, 'CN');
      if (cn.length === 0) return { kind: 'invalid', message: 'the request has no name (CN) in its subject' };
      let identity;
      try {
        identity = sandboxIdentity({ name: cn[cn.length - 1], email: csr.emails[0] });
      } catch (e) {
        if (isOnboardError(e)) return { kind: 'invalid', message: e.message };
        throw e;
      }
      const request = await this.o.store.add({
        kind: 'enroll',
        keyFingerprint: csr.keyFingerprint,
        csr: csrDer.toString('base64'),
        name: identity.name,
        ...(identity.email ? { email: identity.email } : {}),
        subject: identity.subjectDn,
        auth,
      });
      return this.settle(request);
    });
  }

  /**
   * `simplereenroll`: renewal by the holder of a valid certificate from this CA. The new
   * certificate keeps the current subject and e-mail (RFC 7030 §4.2.2); it needs no sponsor.
   */
  reenroll(csrDer: Buffer, current: CurrentCertificate): Promise<EnrollOutcome> {
    return this.exclusive(async () => {
      const csr = this.readCsr(csrDer);
      if (typeof csr === 'string') return { kind: 'invalid', message: csr };
      const request = await this.o.store.add({
        kind: 'reenroll',
        keyFingerprint: csr.keyFingerprint,
        csr: csrDer.toString('base64'),
        name: current.subject.replace(/^.*\/CN=/, ''),
        ...(current.email ? { email: current.email } : {}),
        subject: current.subject,
        auth: `certificate ${current.serial}`,
        renews: current.serial,
      });
      await this.o.store.decide(request.id, 'approved', `renewal of certificate ${current.serial}`);
      return this.settle(this.o.store.get(request.id)!);
    });
  }

  /** Approves (or, with auto-approve, lets through) and issues when approved. */
  private async settle(request: SandboxRequest): Promise<EnrollOutcome> {
    let r = request;
    if (r.status === 'pending' && this.o.autoApprove) r = await this.o.store.decide(r.id, 'approved', AUTO_APPROVER);
    if (r.status === 'approved') {
      const now = this.o.now();
      const cert = issueUserCertificate(this.o.ca, r, this.o.crlUrl(), now);
      r = await this.o.store.recordIssued(r.id, cert.serialHex, cert.der, cert.notAfter);
    }
    if (r.status === 'issued') return { kind: 'issued', request: r, certDer: Buffer.from(r.certPem!.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64') };
    if (r.status === 'rejected') return { kind: 'rejected', request: r };
    return { kind: 'pending', request: r };
  }

  approve(id: string, by = 'sponsor'): Promise<SandboxRequest> {
    return this.exclusive(async () => {
      const r = await this.o.store.decide(id, 'approved', by);
      await this.settle(r);
      return this.o.store.get(r.id)!;
    });
  }

  reject(id: string, reason?: string, by = 'sponsor'): Promise<SandboxRequest> {
    return this.exclusive(() => this.o.store.decide(id, 'rejected', by, reason));
  }

  /** All requests; approvals made elsewhere (the CLI) are issued here, by the CA's holder. */
  list(): Promise<SandboxRequest[]> {
    return this.exclusive(async () => {
      await this.o.store.refresh();
      for (const r of this.o.store.list()) if (r.status === 'approved') await this.settle(r);
      return this.o.store.list();
    });
  }
}

