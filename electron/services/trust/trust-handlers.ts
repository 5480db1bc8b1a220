/**
 * The Trust CAs step's procedures over the TrustService: the chosen VO's bundle, the targets
 * here, install with per-target progress, undo. Browser-database passwords arrive in the
 * install input, are handed to the service's password callback, and are forgotten with the call.
 */
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OnboardError } from '../../../shared/errors';
import type { EventName, EventPayload } from '../../../shared/contract';
import type { TrustInstallResult, TrustNssDbView, TrustOverview, TrustPlanView, TrustTargetId, TrustUndoResult } from '../../../shared/contract/trust';
import type { Handlers } from '../dispatch';
import type { Journal } from '../journal/journal';
import type { VoService } from '../vo/vo-service';
import type { TrustService } from './trust-service';
import type { BundleSummary, NssDbRef, NssPasswordPrompt, RuntimeBundle, RuntimeBundleProvider, TargetInfo, TrustProgress } from './types';
import { ensureDir } from '../fs/atomic';
import { discoverNssDbs } from './targets/nss-discovery';
import { Certutil, requireCertutil } from './targets/nss-certutil';
import { x509CertDir } from './targets/x509-dir';
import { coreHeld, describeInstall, nssDbResults, type PasswordAsks } from './trust-step-results';

export interface TrustStepDeps {
  readonly journal: Journal;
  readonly vo: VoService;
  readonly trust: TrustService;
  readonly homeDir: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly platform?: NodeJS.Platform;
  readonly osReleaseFile?: string;
  readonly emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
}

/** The Trust step's journal section (its own key; the journal keeps unknown sections). */
export interface TrustSection {
  readonly vo: string;
  readonly bundle: string;
  readonly lastInstallId: string;
  readonly at: string;
  readonly results: Partial<Record<TrustTargetId, string>>;
  readonly summary: string;
  readonly lastUndo?: { readonly installId: string; readonly at: string };
}

/**
 * The sandbox CA as a runtime bundle (sandbox environment), for TrustServiceOptions.runtimeBundles.
 * Its folder is made first: the sandbox's CA material is only created inside an existing folder.
 */
export function sandboxBundles(sandbox: { readonly caDir: string; trustBundle(): Promise<RuntimeBundle> } | null): RuntimeBundleProvider {
  return async () => {
    if (!sandbox) return [];
    await ensureDir(sandbox.caDir, 0o700);
    return [{
      displayName: 'OSG Onboard Sandbox CA',
      description: 'The practice CA of the sandbox, made on this computer when the sandbox was first used. It signs only sandbox names; undo removes it again.',
      ...(await sandbox.trustBundle()),
    }];
  };
}

/** True when `db` asks for a password (Firefox “Primary Password”): `certutil -K` with an empty one is refused. */
async function dbNeedsPassword(cu: Certutil, db: string): Promise<boolean> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'osg-nss-probe-'));
  try {
    const empty = path.join(dir, 'empty');
    await fsp.writeFile(empty, '', { mode: 0o600 });
    return await cu.needsPassword(db, empty);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

export function trustStepHandlers(deps: TrustStepDeps): Pick<Handlers, 'trustOverview' | 'trustPlan' | 'trustInstall' | 'trustUndo'> {
  const env = deps.env ?? process.env;
  const platform = deps.platform ?? process.platform;
  const lookup = { homeDir: deps.homeDir, env, platform, osReleaseFile: deps.osReleaseFile ?? '/etc/os-release' };

  /** The bundle the chosen VO names (`igtf-classic` is an alias of the shipped `osg` bundle). */
  async function vosBundle(): Promise<{ vo: string; requested: string; bundle: BundleSummary }> {
    const choice = await deps.vo.current();
    if (!choice) throw new OnboardError('TRUST_NO_VO');
    const requested = choice.vo.caBundle;
    const all = await deps.trust.listBundles();
    const bundle = all.find((b) => b.name === requested) ?? all.find((b) => b.aliases.includes(requested));
    if (!bundle) throw new OnboardError('TRUST_BUNDLE_UNKNOWN', { name: requested, known: all.map((b) => b.name).join(', ') || '(none)' });
    return { vo: choice.vo.name, requested, bundle };
  }

  async function nssDbs(): Promise<TrustNssDbView[]> {
    const { dbs } = await discoverNssDbs(lookup);
    let cu: Certutil | undefined;
    try {
      cu = new Certutil(requireCertutil(lookup), env);
    } catch {
      cu = undefined; // the nss target says why it is unavailable
    }
    const out: TrustNssDbView[] = [];
    for (const d of dbs) out.push({ db: d.db, label: d.label, exists: d.exists, needsPassword: Boolean(cu && d.exists && (await dbNeedsPassword(cu, d.db))) });
    return out;
  }

  function progress(labels: Map<TrustTargetId, string>) {
    return (p: TrustProgress) => {
      const label = labels.get(p.target) ?? p.target;
      const verb = p.kind === 'install' ? 'Installing into' : 'Undoing in';
      deps.emit('progress', {
        task: `trust-${p.kind}:${p.target}`,
        fraction: p.phase === 'finished' ? 1 : null,
        label: p.phase === 'started' ? `${verb} ${label}…` : `${label}: ${p.result?.status ?? 'done'}`,
      });
    };
  }

  function passwordPrompt(passwords: readonly { db: string; password: string }[] | undefined, skip: readonly string[] | undefined, asks: PasswordAsks): NssPasswordPrompt {
    const byDb = new Map((passwords ?? []).map((p) => [p.db, p.password]));
    const skipped = new Set(skip ?? []);
    return async (ref: NssDbRef) => {
      if (skipped.has(ref.db)) {
        asks.skipped.set(ref.db, ref.label);
        return undefined;
      }
      const pw = byDb.get(ref.db);
      if (pw === undefined) asks.missing.set(ref.db, ref.label);
      return pw;
    };
  }

  const targetLabels = async (): Promise<Map<TrustTargetId, string>> => new Map((await deps.trust.targets()).map((t: TargetInfo) => [t.id, t.label]));

  return {
    trustOverview: async (): Promise<TrustOverview> => {
      const { vo, requested, bundle } = await vosBundle();
      const [targets, dbs, installs] = await Promise.all([deps.trust.targets(), nssDbs(), deps.trust.installs()]);
      const last = installs.find((i) => i.bundle === bundle.name && i.undoable && !i.undoneAt) ?? null;
      return { vo, requestedBundle: requested, bundle, targets, nssDbs: dbs, lastInstall: last };
    },

    trustPlan: async ({ targets }): Promise<TrustPlanView> => {
      const { bundle } = await vosBundle();
      const plan = await deps.trust.plan({ bundle: bundle.name, targets });
      return { bundle: plan.bundle, targets: plan.targets };
    },

    trustInstall: async ({ targets, nssPasswords, skipNssDbs }): Promise<TrustInstallResult> => {
      const { vo, bundle } = await vosBundle();
      const asks: PasswordAsks = { missing: new Map(), skipped: new Map() };
      const labels = await targetLabels();
      const dbsBefore = targets.includes('nss') ? (await discoverNssDbs(lookup)).dbs : [];
      const report = await deps.trust.install(
        { bundle: bundle.name, targets, nssPassword: passwordPrompt(nssPasswords, skipNssDbs, asks) },
        progress(labels),
      );
      const results = report.results.map((r) => (r.target === 'nss' ? nssDbResults(r, dbsBefore, asks) : r));
      const held = await coreHeld(deps.trust, bundle.name);
      const summary = describeInstall(bundle, results, held, x509CertDir(lookup), deps.homeDir);
      const coreFailed = results.some((r) => (r.target === 'app' || r.target === 'x509') && r.status === 'failed');
      const section: TrustSection = {
        vo,
        bundle: bundle.name,
        lastInstallId: report.installId,
        at: report.at,
        results: Object.fromEntries(results.map((r) => [r.target, r.status])),
        summary,
      };
      await deps.journal.update((j) => {
        (j as Record<string, unknown>).trust = section;
        deps.journal.setStep(j, 'trust', held ? 'done' : coreFailed ? 'failed' : 'in-progress', summary);
      });
      return {
        installId: report.installId,
        bundle: report.bundle,
        at: report.at,
        results,
        passwordNeeded: [...asks.missing].map(([db, label]) => ({ db, label })),
        stepDone: held,
        summary,
      };
    },

    trustUndo: async ({ installId, nssPasswords }): Promise<TrustUndoResult> => {
      const labels = await targetLabels();
      const asks: PasswordAsks = { missing: new Map(), skipped: new Map() };
      const report = await deps.trust.undo(installId, { nssPassword: passwordPrompt(nssPasswords, undefined, asks) }, progress(labels));
      const held = await coreHeld(deps.trust, report.bundle).catch(() => false);
      const failed = report.results.some((r) => r.status === 'failed');
      await deps.journal.update((j) => {
        const prev = (j as Record<string, unknown>).trust as TrustSection | undefined;
        if (prev && !failed) (j as Record<string, unknown>).trust = { ...prev, lastUndo: { installId, at: report.at } };
        const summary = failed ? 'undo did not finish' : held ? 'CAs still installed (another install)' : 'CAs removed (undo)';
        deps.journal.setStep(j, 'trust', held ? 'done' : failed ? 'failed' : 'in-progress', summary);
      });
      return { installId: report.installId, bundle: report.bundle, at: report.at, results: report.results };
    },
  };
}
