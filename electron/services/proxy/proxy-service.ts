import path from 'node:path';
import type { KeyObject } from 'node:crypto';
import { pemEncode } from './pem';
import { OnboardError } from '../../../shared/errors';
import type { SecretStore } from '../keychain/secret-store';
import { endEntityOf, loadUserCredential } from './cert-input';
import { inspectProxy, type ProxyInfo } from './inspect';
import { createProxy } from './make-proxy';
import { DEFAULT_PROXY_BITS, generateProxyKey } from './proxy-key';
import { defaultProxyPath, defaultTrustDir, defaultUserCredentialPaths, readProxyFile, writeProxyFile } from './proxy-file';
import { createPusp, pseudonymSecret, PSEUDONYM_SECRET_ACCOUNT } from './pusp';
import type { RobotCheck } from './robot';
import { verifyChain, type VerifyResult } from './verify';

export interface ProxyServiceOptions {
  /** Environment for X509_USER_PROXY / X509_USER_CERT / X509_USER_KEY / X509_CERT_DIR. */
  readonly env?: NodeJS.ProcessEnv;
  /** The user's home (where `.globus` lives). */
  readonly homeDir: string;
  readonly uid?: number;
  /** Keychain for the PUSP pseudonym secret. */
  readonly secretStore?: SecretStore;
  readonly now?: () => Date;
}

/** What the app shows after making a proxy: public data only, never key material. */
export interface MadeProxy {
  readonly file: string;
  readonly subject: string;
  readonly identity: string;
  readonly notAfter: string;
  /** The lifetime was cut to the certificate's own end of validity. */
  readonly shortened: boolean;
  readonly info: ProxyInfo;
}

export interface MadePusp {
  readonly file: string;
  readonly identity: string;
  readonly userLabel: string;
  readonly pseudonymous: boolean;
  readonly notAfter: string;
  readonly robot: RobotCheck;
}

/**
 * The proxy capability as the app calls it ("Next steps": make and show a proxy; "Tools":
 * inspect a dropped file, verify, make a PUSP). Returns handles and public data; keys and
 * passphrases stay here. Paths default the way grid tools default them.
 */
export class ProxyService {
  private readonly env: NodeJS.ProcessEnv;
  constructor(private readonly opts: ProxyServiceOptions) {
    this.env = { ...(opts.env ?? process.env), HOME: opts.homeDir };
  }

  /** Where `proxy init` writes: $X509_USER_PROXY or /tmp/x509up_u<uid>. */
  proxyPath(): string {
    return defaultProxyPath(this.env, this.opts.uid);
  }

  async makeProxy(o: {
    certFile?: string; keyFile?: string; passphrase?: string | (() => Promise<string>); hours?: number; bits?: number; limited?: boolean; out?: string;
    /** VOMS ACs to carry, or a function getting them with the unlocked credential (certificate PEM + chain, key). */
    vomsAcs?: readonly Buffer[] | ((certPem: string, key: KeyObject) => Promise<readonly Buffer[] | undefined>);
  } = {}): Promise<MadeProxy> {
    const defaults = defaultUserCredentialPaths(this.env, this.opts.homeDir);
    const pass = o.passphrase;
    // The proxy key is made on the thread pool while the user's key is read and unlocked (as the CLI does).
    const proxyKey = generateProxyKey(o.bits ?? DEFAULT_PROXY_BITS);
    proxyKey.catch(() => undefined); // createProxy awaits it; a credential error may come first
    const cred = await loadUserCredential({
      certFile: o.certFile ?? defaults.certFile,
      keyFile: o.keyFile ?? defaults.keyFile,
      passphrase: typeof pass === 'function' ? pass : async () => pass ?? '',
    });
    const now = this.opts.now?.() ?? new Date();
    const vomsAcs = typeof o.vomsAcs === 'function'
      ? await o.vomsAcs([cred.certificate, ...cred.chain].map((c) => pemEncode('CERTIFICATE', c.der)).join(''), cred.key)
      : o.vomsAcs;
    const proxy = await createProxy({ issuerCert: cred.certificate, issuerKey: cred.key, chain: cred.chain, hours: o.hours, limited: o.limited, now, proxyKey, vomsAcs });
    const file = o.out ?? this.proxyPath();
    await writeProxyFile(file, proxy.pem);
    return {
      file, subject: proxy.subject, identity: endEntityOf([cred.certificate, ...cred.chain]).subjectDn, notAfter: proxy.notAfter.toISOString(), shortened: proxy.shortened,
      info: inspectProxy(proxy.pem, { path: file, now }),
    };
  }

  /** voms-proxy-info --all, as data (verifies nothing). */
  async inspectFile(file = this.proxyPath()): Promise<ProxyInfo> {
    const { text } = await readProxyFile(file);
    return inspectProxy(text, { path: file, now: this.opts.now?.() });
  }

  /** Inspects text (a dropped file's contents). */
  inspectText(text: string, name = 'the dropped file'): ProxyInfo {
    return inspectProxy(text, { path: name, now: this.opts.now?.() });
  }

  async verifyFile(file = this.proxyPath(), caDir?: string): Promise<VerifyResult & { file: string; caDir: string }> {
    const { text } = await readProxyFile(file);
    const dir = caDir ?? (await defaultTrustDir(this.env, this.opts.homeDir));
    return { file, caDir: dir, ...(await verifyChain({ chain: text, trust: dir, now: this.opts.now?.() })) };
  }

  async makePusp(o: {
    robotCertFile: string; robotKeyFile: string; passphrase?: string | (() => Promise<string>); userId: string; pseudonym?: boolean;
    secretAccount?: string; session?: boolean; hours?: number; bits?: number; force?: boolean; out: string;
  }): Promise<MadePusp> {
    const pass = o.passphrase;
    const robot = await loadUserCredential({
      certFile: o.robotCertFile, keyFile: o.robotKeyFile, passphrase: typeof pass === 'function' ? pass : async () => pass ?? '',
    });
    let secret: Buffer | undefined;
    if (o.pseudonym) {
      if (!this.opts.secretStore) throw new OnboardError('INVALID_INPUT', { field: 'pseudonym', detail: 'no keychain is available to keep the pseudonym secret' });
      secret = await pseudonymSecret(this.opts.secretStore, o.secretAccount ?? PSEUDONYM_SECRET_ACCOUNT);
    }
    const r = await createPusp({
      robotCert: robot.certificate, robotKey: robot.key, robotChain: robot.chain, userId: o.userId, pseudonymSecret: secret,
      session: o.session, hours: o.hours, bits: o.bits, force: o.force, now: this.opts.now?.(),
    });
    await writeProxyFile(path.resolve(o.out), r.pem);
    return { file: path.resolve(o.out), identity: r.identity, userLabel: r.userLabel, pseudonymous: r.pseudonymous, notAfter: (r.session ?? r.pusp).notAfter.toISOString(), robot: r.robot };
  }
}
