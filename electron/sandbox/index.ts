/**
 * The embedded sandbox (DESIGN §6): every outside service of the journey, on this computer,
 * started on first use and kept in `<data>/sandbox`. Each part is its own server (CA with
 * EST + sponsor page, mailbox, VOMS-Admin-like registration, SSH submit host); this class
 * only starts them in the right order, shares the CA's trust between them, and stops them.
 */
import path from 'node:path';
import { ensureDir } from '../services/fs/atomic';
import { startSandboxCa, type SandboxCa } from './ca';
import { loadOrCreateCa, ensureServerCert, type CaMaterial } from './ca/ca-material';
import { SANDBOX_NAMESPACE } from './ca/dn-rules';
import { startMailbox, type SandboxMailbox } from './mailbox';
import { ensureVomsHostCert, startSandboxVoms, type SandboxVoms } from './voms-admin';
import { startSandboxSubmitHost, sandboxSubmitHostDir, type SandboxSubmitHost } from './submit-host';

export const SANDBOX_VO = 'sandbox';
/** As the sandbox entry of the VO directory lists them. */
export const SANDBOX_GROUPS = ['/sandbox', '/sandbox/analysis'];

export interface SandboxOptions {
  /** The app's data folder; the sandbox lives in `<dataDir>/sandbox`. */
  readonly dataDir: string;
  /** Help-desk setting: the sandbox sponsor approves every certificate request at once. */
  readonly autoApprove?: boolean;
  readonly now?: () => Date;
}

export class Sandbox {
  readonly dir: string;
  private caMaterial?: Promise<CaMaterial>;
  private caServer?: Promise<SandboxCa>;
  private mailboxServer?: Promise<SandboxMailbox>;
  private vomsServer?: Promise<SandboxVoms>;
  private submitServer?: Promise<SandboxSubmitHost>;

  constructor(private readonly opts: SandboxOptions) {
    this.dir = path.join(opts.dataDir, 'sandbox');
  }

  get caDir(): string {
    return path.join(this.dir, 'ca');
  }

  /** The sandbox CA's certificate and key (made on first use), without starting a server. */
  material(): Promise<CaMaterial> {
    return (this.caMaterial ??= ensureDir(this.caDir, 0o700).then(() => loadOrCreateCa(this.caDir)));
  }

  /** The bundle the Trust CAs step installs for the sandbox VO. */
  async trustBundle() {
    const m = await this.material();
    return {
      name: 'sandbox',
      certificates: [
        {
          pem: m.certPem,
          pin: m.fingerprint256,
          signingPolicy: signingPolicyFor(m.subject),
          namespaces: undefined,
        },
      ],
    };
  }

  ca(): Promise<SandboxCa> {
    return (this.caServer ??= startSandboxCa({ dir: this.caDir, autoApprove: this.opts.autoApprove, now: this.opts.now }));
  }

  mailbox(): Promise<SandboxMailbox> {
    return (this.mailboxServer ??= startMailbox({ dir: path.join(this.dir, 'mailbox'), now: this.opts.now }));
  }

  voms(): Promise<SandboxVoms> {
    return (this.vomsServer ??= (async () => {
      const [ca, mailbox] = [await this.material(), await this.mailbox()];
      return startSandboxVoms({
        dir: path.join(this.dir, 'voms-admin'),
        vo: SANDBOX_VO,
        groups: SANDBOX_GROUPS,
        trustedCaPems: [ca.certPem],
        tls: async () => {
          const tlsDir = path.join(this.dir, 'voms-admin-tls');
          await ensureDir(tlsDir, 0o700);
          return ensureServerCert(tlsDir, ca);
        },
        // The VOMS server issuing attribute certificates, with its own host certificate (its DN and
        // the CA's are what the running sandbox reports as the VO's vomsServers entry).
        vomsHost: async () => {
          const hostDir = path.join(this.dir, 'voms-host');
          await ensureDir(hostDir, 0o700);
          return ensureVomsHostCert(hostDir, ca);
        },
        smtp: { host: mailbox.smtpHost, port: mailbox.smtpPort },
        mailboxDir: mailbox.dir,
        now: this.opts.now,
      });
    })());
  }

  submitHost(): Promise<SandboxSubmitHost> {
    return (this.submitServer ??= startSandboxSubmitHost({ dir: sandboxSubmitHostDir(this.opts.dataDir) }));
  }

  async close(): Promise<void> {
    const parts = [this.vomsServer, this.submitServer, this.caServer, this.mailboxServer];
    this.vomsServer = this.submitServer = this.caServer = this.mailboxServer = undefined;
    await Promise.allSettled(parts.map(async (p) => (await p)?.close()));
  }
}

/** An EACL signing policy (Globus) letting the sandbox CA sign only the sandbox namespace. */
function signingPolicyFor(subjectSlash: string): string {
  return [
    `access_id_CA      X509         '${subjectSlash}'`,
    `pos_rights        globus        CA:sign`,
    `cond_subjects     globus       '"${SANDBOX_NAMESPACE}"'`,
    '',
  ].join('\n');
}
