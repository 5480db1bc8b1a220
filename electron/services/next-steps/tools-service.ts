/**
 * The Tools area: inspect a dropped proxy or certificate file (its text, keys already stripped
 * by the window and refused by the contract), and make per-user sub-proxies (PUSP) for portal
 * operators from a robot certificate and key given by path — the key is read here and never
 * leaves; its passphrase goes in only.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { OnboardError, isOnboardError } from '../../../shared/errors';
import { containsPrivateKey } from '../../../shared/private-key-blocks';
import type { PuspDefaults, PuspMadeView, ToolsInspectResult } from '../../../shared/contract/tools';
import type { SecretStore } from '../keychain/secret-store';
import { KeytarSecretStore } from '../keychain/keytar-store';
import { ProxyService, checkRobotCertificate, defaultTrustDir, inspectProxy, readProxyFile, toCertificate } from '../proxy';
import { fileMode, toInfoView, toRobotView, verifyToView } from './proxy-views';

export interface ToolsOptions {
  readonly homeDir: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The keychain, for the PUSP pseudonym secret (made on first use); the OS keychain by default. */
  readonly secretStore?: () => SecretStore;
  readonly now: () => Date;
}

export interface PuspInput {
  readonly robotCertFile: string;
  readonly robotKeyFile: string;
  readonly passphrase?: string;
  readonly userId: string;
  readonly pseudonym: boolean;
  readonly session: boolean;
  readonly hours: number;
  readonly out: string;
  readonly force: boolean;
}

export class ToolsService {
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly o: ToolsOptions) {
    this.env = { ...(o.env ?? process.env), HOME: o.homeDir };
  }

  trustDir(): Promise<string> {
    return defaultTrustDir(this.env, this.o.homeDir);
  }

  /** `~/x` → the home folder; anything else must already be absolute (the contract checks). */
  resolvePath(p: string): string {
    const t = p.trim();
    const full = t === '~' || t.startsWith('~/') ? path.join(this.o.homeDir, t.slice(1)) : t;
    return path.resolve(full);
  }

  /** A dropped file's certificates: voms-proxy-info --all's view and the verifier's answer. */
  async inspect(text: string, name = 'the dropped file'): Promise<ToolsInspectResult> {
    // The contract refuses this already; a second check here keeps the service safe for other callers.
    if (containsPrivateKey(text)) throw new OnboardError('INVALID_INPUT', { field: 'text', detail: 'must not contain a private key: only certificates may be sent for inspection' });
    const info = toInfoView(inspectProxy(text, { path: name, now: this.o.now() }));
    return { name, info, verification: await verifyToView(text, await this.trustDir(), this.o.now()) };
  }

  async defaults(): Promise<PuspDefaults> {
    return { homeDir: this.o.homeDir, trustDir: await this.trustDir(), outExample: path.join(this.o.homeDir, 'pusp', 'x509up_user') };
  }

  private async mustExist(file: string, what: string): Promise<void> {
    const st = await fsp.stat(file).catch(() => undefined);
    if (!st || !st.isFile()) throw new OnboardError('TOOLS_FILE_NOT_FOUND', { what, path: file });
  }

  async makePusp(input: PuspInput): Promise<PuspMadeView> {
    const certFile = this.resolvePath(input.robotCertFile);
    const keyFile = this.resolvePath(input.robotKeyFile);
    const out = this.resolvePath(input.out);
    await this.mustExist(certFile, 'robot certificate');
    await this.mustExist(keyFile, 'robot key');
    if (out === certFile) throw new OnboardError('TOOLS_OUT_IS_INPUT', { path: out, what: 'certificate' });
    if (out === keyFile) throw new OnboardError('TOOLS_OUT_IS_INPUT', { path: out, what: 'key' });
    const outDir = path.dirname(out);
    const dirOk = await fsp.stat(outDir).then((s) => s.isDirectory(), () => false);
    if (!dirOk) throw new OnboardError('IO_ERROR', { action: 'write', path: out, detail: `the folder ${outDir} does not exist` });

    // What the robot check sees, shown with the result (and with `force`, why it failed).
    let robotCert;
    try {
      robotCert = toCertificate(await fsp.readFile(certFile, 'utf8'), certFile);
    } catch (e) {
      if (isOnboardError(e)) throw e;
      throw new OnboardError('PROXY_CERT_UNREADABLE', { file: certFile, detail: (e as Error).message });
    }
    const robot = checkRobotCertificate(robotCert);
    if (!robot.robot && !input.force) {
      throw new OnboardError('PUSP_NOT_ROBOT', { subject: robotCert.subjectDn, detail: robot.problems.join('; ') });
    }

    const secretStore: SecretStore | undefined = input.pseudonym ? (this.o.secretStore ?? (() => new KeytarSecretStore()))() : undefined;
    const svc = new ProxyService({ homeDir: this.o.homeDir, env: this.env, secretStore, now: this.o.now });
    const pass = input.passphrase;
    const made = await svc.makePusp({
      robotCertFile: certFile,
      robotKeyFile: keyFile,
      passphrase: async () => {
        if (!pass) throw new OnboardError('KEY_PASSPHRASE_REQUIRED', { what: keyFile });
        return pass;
      },
      userId: input.userId,
      pseudonym: input.pseudonym,
      session: input.session,
      hours: input.hours,
      force: input.force,
      out,
    });
    const { text } = await readProxyFile(made.file);
    return {
      file: made.file,
      mode: await fileMode(made.file),
      identity: made.identity,
      robotSubject: robotCert.subjectDn,
      userLabel: made.userLabel,
      pseudonymous: made.pseudonymous,
      session: input.session,
      notAfter: made.notAfter,
      robot: toRobotView(made.robot),
      forced: !made.robot.robot,
      info: toInfoView(inspectProxy(text, { path: made.file, now: this.o.now() })),
      verification: await verifyToView(text, await this.trustDir(), this.o.now()),
    };
  }
}
