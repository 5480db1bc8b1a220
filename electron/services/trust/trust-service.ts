import os from 'node:os';
import path from 'node:path';
import { OnboardError, toWireError } from '../../../shared/errors';
import { BundleRegistry, BUILTIN_BUNDLES } from './bundles';
import { publicInfo, type CaCertificateInfo } from './certificate';
import { writeExports } from './exports';
import { InstallRecords, newInstallId, type InstallRecord, type InstallSummary } from './records';
import { appStoreTarget } from './targets/app-store';
import { nssTarget } from './targets/nss';
import { macosKeychainTarget, systemTarget, windowsRootTarget } from './targets/os-stores';
import type { InstallTarget, TargetContext } from './targets/target';
import { x509DirTarget } from './targets/x509-dir';
import {
  TARGET_IDS,
  type BundleData,
  type BundleSummary,
  type InstallReport,
  type NssPasswordPrompt,
  type RuntimeBundleProvider,
  type TargetId,
  type TargetInfo,
  type TargetPlan,
  type TargetResult,
  type TrustProgress,
  type UndoEntry,
  type UndoReport,
} from './types';

export const TARGETS: Readonly<Record<TargetId, InstallTarget>> = {
  app: appStoreTarget,
  x509: x509DirTarget,
  nss: nssTarget,
  'macos-keychain': macosKeychainTarget,
  'windows-user-root': windowsRootTarget,
  system: systemTarget,
};

export interface TrustServiceOptions {
  readonly dataDir: string;
  readonly homeDir?: string;
  /** Environment (X509_CERT_DIR, PATH for certutil). Defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv;
  readonly platform?: NodeJS.Platform;
  readonly now?: () => Date;
  /** Bundles made at run time, e.g. the sandbox CA: `{ name: 'sandbox', certificates: [{ pem, pin }] }`. */
  readonly runtimeBundles?: RuntimeBundleProvider;
  /** Replaces the shipped bundles (tests). */
  readonly builtinBundles?: readonly BundleData[];
  readonly osReleaseFile?: string;
  /** Prefix for system paths (`/etc/grid-security`, CA anchor folders); tests use a temp dir. */
  readonly systemRoot?: string;
}

export interface PlanInput {
  readonly bundle: string;
  /** Default: every available target selected by default on this system. */
  readonly targets?: readonly TargetId[];
}

export interface InstallInput extends PlanInput {
  /** Asked when a browser database has a password; undefined declines (that db fails, others go on). */
  readonly nssPassword?: NssPasswordPrompt;
}

export interface PlanReport {
  readonly bundle: string;
  readonly cas: readonly CaCertificateInfo[];
  readonly targets: readonly TargetPlan[];
}

export class TrustService {
  private readonly bundles: BundleRegistry;
  private readonly records: InstallRecords;
  private readonly base: Omit<TargetContext, 'nssPassword'>;

  constructor(opts: TrustServiceOptions) {
    this.bundles = new BundleRegistry(opts.builtinBundles ?? BUILTIN_BUNDLES, opts.runtimeBundles);
    this.records = new InstallRecords(opts.dataDir);
    this.base = {
      dataDir: opts.dataDir,
      homeDir: opts.homeDir ?? os.homedir(),
      env: opts.env ?? process.env,
      platform: opts.platform ?? process.platform,
      now: opts.now ?? (() => new Date()),
      exportDir: path.join(opts.dataDir, 'trust', 'export'),
      osReleaseFile: opts.osReleaseFile ?? '/etc/os-release',
      systemRoot: opts.systemRoot ?? '/',
    };
  }

  private ctx(nssPassword?: NssPasswordPrompt): TargetContext {
    return { ...this.base, nssPassword };
  }

  /** The bundles with every CA (subject, fingerprint, validity); a tampered bundle throws TRUST_PIN_MISMATCH. */
  listBundles(): Promise<BundleSummary[]> {
    return this.bundles.list();
  }

  /** Every target with its path(s), availability here, and whether it is selected by default. */
  async targets(): Promise<TargetInfo[]> {
    const ctx = this.ctx();
    return Promise.all(TARGET_IDS.map((id) => TARGETS[id].info(ctx)));
  }

  /** The bundle a VO names, or the sandbox one / `osg` by default. */
  async defaultBundle(environment: 'sandbox' | 'production'): Promise<string> {
    const names = await this.bundles.names();
    return environment === 'sandbox' && names.includes('sandbox') ? 'sandbox' : 'osg';
  }

  private async selectTargets(requested: readonly TargetId[] | undefined): Promise<TargetId[]> {
    if (requested && requested.length > 0) {
      for (const t of requested) {
        if (!(TARGET_IDS as readonly string[]).includes(t)) throw new OnboardError('TRUST_TARGET_UNKNOWN', { target: t, known: TARGET_IDS.join(', ') });
      }
      return [...new Set(requested)];
    }
    return (await this.targets()).filter((t) => t.available && t.defaultSelected).map((t) => t.id);
  }

  /** What install would change per target, with the equivalent shell commands. */
  async plan(input: PlanInput): Promise<PlanReport> {
    const bundle = await this.bundles.resolve(input.bundle);
    const ctx = this.ctx();
    await writeExports(bundle.cas, ctx);
    const targets: TargetPlan[] = [];
    for (const id of await this.selectTargets(input.targets)) targets.push(await TARGETS[id].plan(bundle.cas, ctx));
    return { bundle: bundle.name, cas: bundle.cas.map(publicInfo), targets };
  }

  /**
   * Installs the bundle into each target in turn. Pins are checked first: a tampered bundle
   * throws TRUST_PIN_MISMATCH and nothing is touched. The record is saved after each target,
   * so even an interrupted install can be undone.
   */
  async install(input: InstallInput, onProgress?: (p: TrustProgress) => void): Promise<InstallReport> {
    const bundle = await this.bundles.resolve(input.bundle);
    const targets = await this.selectTargets(input.targets);
    const ctx = this.ctx(input.nssPassword);
    await writeExports(bundle.cas, ctx);
    const at = this.base.now();
    const id = newInstallId(at);
    const results: TargetResult[] = [];
    const undo: Partial<Record<TargetId, UndoEntry[]>> = {};
    const record = (): InstallRecord => ({ version: 1, id, bundle: bundle.name, at: at.toISOString(), targets, results, undo });
    for (const [index, target] of targets.entries()) {
      onProgress?.({ installId: id, kind: 'install', target, index, total: targets.length, phase: 'started' });
      let result: TargetResult;
      try {
        const { undo: entries, ...r } = await TARGETS[target].install(bundle.cas, ctx);
        result = r;
        if (entries.length) undo[target] = [...entries];
      } catch (e) {
        result = { target, status: 'failed', error: toWireError(e), changes: [], notes: [] };
      }
      results.push(result);
      await this.records.save(record());
      onProgress?.({ installId: id, kind: 'install', target, index, total: targets.length, phase: 'finished', result });
    }
    await this.records.save(record());
    return { installId: id, bundle: bundle.name, at: at.toISOString(), results };
  }

  /** Takes back exactly what an install added (files it wrote, certs it added, trust it changed). */
  async undo(installId: string, opts: { nssPassword?: NssPasswordPrompt } = {}, onProgress?: (p: TrustProgress) => void): Promise<UndoReport> {
    const rec = await this.records.load(installId);
    const ctx = this.ctx(opts.nssPassword);
    // Undo is idempotent: a second undo finds nothing of ours left and reports `unchanged`.
    const targets = [...rec.targets].reverse().filter((t) => (rec.undo[t]?.length ?? 0) > 0);
    const results: TargetResult[] = [];
    for (const [index, target] of targets.entries()) {
      onProgress?.({ installId, kind: 'undo', target, index, total: targets.length, phase: 'started' });
      let result: TargetResult;
      try {
        result = await TARGETS[target].undo(rec.undo[target] ?? [], ctx);
      } catch (e) {
        result = { target, status: 'failed', error: toWireError(e), changes: [], notes: [] };
      }
      results.push(result);
      onProgress?.({ installId, kind: 'undo', target, index, total: targets.length, phase: 'finished', result });
    }
    const at = this.base.now().toISOString();
    if (!results.some((r) => r.status === 'failed')) await this.records.save({ ...rec, undone: { at, results } });
    return { installId, bundle: rec.bundle, at, results };
  }

  /** Every recorded install, newest first. */
  installs(): Promise<InstallSummary[]> {
    return this.records.list();
  }

  /** Undoes every install of a bundle that was not undone yet, newest first. */
  async removeBundle(name: string, opts: { nssPassword?: NssPasswordPrompt } = {}, onProgress?: (p: TrustProgress) => void): Promise<UndoReport[]> {
    const resolved = (await this.bundles.names()).includes(name) ? name : (await this.bundles.resolve(name)).name;
    const out: UndoReport[] = [];
    for (const i of await this.records.list()) {
      if (i.bundle === resolved && !i.undoneAt && i.undoable) out.push(await this.undo(i.id, opts, onProgress));
    }
    return out;
  }
}
